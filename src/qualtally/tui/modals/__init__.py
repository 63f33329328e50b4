"""Modal screens that return a value to their caller through ``dismiss``."""
