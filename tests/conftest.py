"""Shared by every test folder: this folder is on ``sys.path`` (for ``qt_pg``, the
PostgreSQL server helper)."""
