"""``qualtally copy``: a whole project from a file to a server or back (storage/copy.py).

A team starts from someone's file; a coder takes a snapshot home. A target file this copy
created is removed again when the copy fails, so a failed copy leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualtally.core.errors import InputError
from qualtally.storage.copy import copy_project, open_target
from qualtally.storage.engine import open_engine
from qualtally.storage.server import is_url, shown  # noqa: F401 - shown: for the CLI


def copy(source: str, target: str,
         progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every table of ``source`` into ``target`` (a new file or an empty database)."""
    if not is_url(target) and Path(target).suffix != ".qtally":
        raise InputError(target, "a project file's name ends in .qtally")
    if is_url(source) == is_url(target) and str(source) == str(target):
        raise InputError(target, "is the source itself")
    src = open_engine(source, create=False)
    try:
        created = not is_url(target) and not Path(target).exists()
        dst = open_target(target)
        try:
            return copy_project(src, dst, target, progress)
        except BaseException:
            if created:
                dst.dispose()
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
            raise
        finally:
            dst.dispose()
    finally:
        src.dispose()
