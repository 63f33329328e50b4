"""Widgets of the coding screen; they receive data as attributes and post messages up."""
