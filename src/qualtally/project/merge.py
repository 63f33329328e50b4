"""Merging coders' own copies into this project: the façade's entry to ``storage/merge.py``.

Each source is read first, whole, without being changed (``storage/merge_read.py``; a
SQLite file through a temporary backup copy), then everything is written into this
project in one transaction, or nothing is when a conflict is found. A backup copy of the
target is taken first (``Project.backup``), once the sources have been read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import sqlalchemy as sa

from qualtally.core.errors import InputError
from qualtally.storage import merge as smerge
from qualtally.storage.merge_read import load_copy


def merge(engine: sa.Engine, target: Path | str, sources: Sequence[str | Path],
          actor: str, backup: Callable[[str], object] | None = None) -> dict[str, int]:
    """Merge ``sources`` into the project at ``target``; counts of what was added (empty:
    nothing was new). InputError (and nothing written) for a bad source or a conflict."""
    if not sources:
        raise InputError("merge", "name at least one source project")
    here = Path(target).resolve() if "://" not in str(target) else None
    for s in sources:
        if here is not None and "://" not in str(s) and Path(s).resolve() == here:
            raise InputError(str(s), "is the target itself")
    copies = [load_copy(s) for s in sources]
    if backup is not None:  # every source read: about to write
        backup("before-merge")
    return smerge.merge(engine, copies, actor)
