"""Every export is written whole or not at all under its final name.

``write(tmp)`` fills a temporary file beside ``out`` (same folder, so the rename is atomic:
``.NAME.<pid>.partial.EXT``), which is synced to disk and then renamed over ``out``
(``os.replace``), and the folder is synced. A crash or a SIGKILL at any moment leaves at
``out`` the previous file or the new one, never part of one
(``tests/crash/test_crash_export.py`` kills exports of every format). The partial file a
killed export left is removed by the next export to the same name once its process is gone.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from qualtally.core.processes import alive


def partial_path(out: Path, pid: int | None = None) -> Path:
    return out.with_name(f".{out.name}.{os.getpid() if pid is None else pid}.partial{out.suffix}")



def remove_dead_partials(out: Path) -> None:
    """Partial files of earlier exports to ``out`` whose process has ended."""
    for old in out.parent.glob(f".{out.name}.*.partial{out.suffix}"):
        pid = old.name[len(out.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid)):
            old.unlink(missing_ok=True)


def write_atomically(out: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``out``, then sync and rename it there."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_dead_partials(out)
    tmp = partial_path(out)
    tmp.unlink(missing_ok=True)
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise
    folder = os.open(out.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return out
