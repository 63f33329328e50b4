"""Rotating backup copies of a project file, taken before work that changes much at once.

Weeks of coding live in one SQLite file. Before a migration, an import, a bulk accept, a
reconciliation or a merge, a copy is taken with SQLite's online backup API (a consistent
copy, the WAL included, safe while other processes use the file; never with Python's
``open()``, see ``storage/engine.py``) into ``NAME.qtally.backups/``, and only the newest
``keep`` copies are kept (``backups.keep`` in the project's settings, default
:data:`DEFAULT_KEEP`). ``restore`` copies one back *into* the project through the same
API, so programs that have the project open see the restored state, and first takes a
backup of the state it replaces. A project on a database server is backed up by the
server's own tools; these functions are for project files.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from qualtally.core.errors import InputError

DEFAULT_KEEP = 10
"""Copies kept per project unless its ``backups.keep`` setting says otherwise."""
_NAME = re.compile(r"^(?P<stamp>\d{8}T\d{6}\d{6})-(?P<reason>[a-z0-9-]+)\.qtally$")


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime
    reason: str
    size: int


def folder(project: Path) -> Path:
    return project.with_name(f"{project.name}.backups")


def _uri(path: Path, mode: str) -> str:
    return f"{path.resolve().as_uri()}?mode={mode}"


def _copy(src_uri: str, dst: Path | str) -> None:
    src = sqlite3.connect(src_uri, uri=True)
    try:
        out = sqlite3.connect(dst)
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()


def keep_setting(project: Path) -> int:
    """The project's ``backups.keep`` setting (read-only look; the default if unset)."""
    conn = sqlite3.connect(_uri(project, "ro"), uri=True)
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = 'backups.keep'").fetchone()
    except sqlite3.Error:
        row = None
    finally:
        conn.close()
    try:
        return max(1, int(row[0])) if row else DEFAULT_KEEP
    except (TypeError, ValueError):
        return DEFAULT_KEEP


def take(project: Path, reason: str, keep: int | None = None) -> Path:
    """Copy the project into its backups folder, then drop all but the newest ``keep``."""
    project = Path(project)
    target_dir = folder(project)
    target_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    slug = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "backup"
    target = target_dir / f"{stamp}-{slug}.qtally"
    partial = target.with_suffix(".partial")
    try:
        _copy(_uri(project, "ro"), partial)
        partial.replace(target)  # a copy under its final name is always whole
    finally:
        partial.unlink(missing_ok=True)
    prune(project, keep if keep is not None else keep_setting(project))
    return target


def listing(project: Path) -> list[Backup]:
    """The project's backup copies, oldest first."""
    out = []
    where = folder(Path(project))
    if not where.is_dir():
        return out
    for path in where.iterdir():
        m = _NAME.match(path.name)
        if m:
            taken = datetime.strptime(m["stamp"], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
            out.append(Backup(path, taken, m["reason"], path.stat().st_size))
    return sorted(out, key=lambda b: b.path.name)


def prune(project: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` copies; return what was deleted."""
    gone = [b.path for b in listing(project)[:-keep]] if keep > 0 else []
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def find(project: Path, name: str | None) -> Backup:
    """The copy named ``name`` (its file name, or a unique prefix), or the newest."""
    copies = listing(project)
    if not copies:
        raise InputError(str(project), f"has no backup copies (looked in {folder(Path(project))})")
    if name is None:
        return copies[-1]
    hits = [b for b in copies if b.path.name == name or b.path.name.startswith(name)
            or str(b.path) == name]
    if len(hits) != 1:
        what = "no" if not hits else "more than one"
        raise InputError(name, f"{what} backup copy of {Path(project).name} matches; "
                               f"see `qualtally backups {project}`")
    return hits[0]


def restore(project: Path, backup: Backup) -> Path | None:
    """Make the project hold the backup's state again; returns the copy taken of the state
    it replaced (None when that state could not be read, e.g. a damaged file)."""
    project = Path(project)
    check = sqlite3.connect(_uri(backup.path, "ro"), uri=True)
    try:
        ok = check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError as err:
        raise InputError(str(backup.path), f"not a usable backup copy ({err})") from None
    finally:
        check.close()
    if not ok:
        raise InputError(str(backup.path), "this backup copy is damaged too; pick another")
    try:
        before = take(project, "before-restore", keep=len(listing(project)) + 1)
    except sqlite3.DatabaseError:
        before = None
    try:  # page by page into the live file, in one transaction: open programs see the result
        _copy(_uri(backup.path, "ro"), project)
    except sqlite3.DatabaseError:  # the file is too damaged to be written through SQLite
        fresh = project.with_name(f".{project.name}.restoring")
        _copy(_uri(backup.path, "ro"), fresh)
        for side in ("-wal", "-shm"):
            Path(f"{project}{side}").unlink(missing_ok=True)
        fresh.replace(project)
    return before
