"""Where a project lives: a file path, or a database server URL (a team project).

Screens and exports name the project; a URL must never be treated as a path (``Path``
would fold its ``//``) nor shown with its password.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath


def is_url(location: str | Path) -> bool:
    return "://" in str(location)


def label(location: str | Path) -> str:
    """A short name for titles: the file's name, or ``database@host`` for a URL."""
    if not is_url(location):
        return Path(location).name
    rest = str(location).split("://", 1)[1].split("?", 1)[0]
    netloc, _, database = rest.partition("/")
    host = netloc.rsplit("@", 1)[-1]
    return f"{database or '?'}@{host}" if host else database


def stem(location: str | Path) -> str:
    """The name without the extension (file), or the database name (URL)."""
    if not is_url(location):
        return Path(location).stem
    return PurePosixPath(label(location).split("@", 1)[0]).name
