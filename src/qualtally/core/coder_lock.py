"""One coding screen per coder and project file: a second one is refused, not raced.

Two coding screens of the same coder on one project would each keep their own undo
position, suggestion state and saved place, and undo in one would reverse what the other
just did. ``qualtally code``/``demo`` therefore hold, for as long as the screen is open,
an exclusive ``flock`` on a small lock file beside the project
(``.NAME.qtally.<coder>.coding.lock``; never the project file or its -wal/-shm, see
``storage/engine.py``). The operating system drops the lock when the process ends, however
it ends (SIGKILL included), so a crashed screen never locks a coder out. The file holds the
holder's process id, for the message. A project on PostgreSQL is locked by a session-level
advisory lock instead (``storage/coder_lock.py``). Standard library only: it is taken
before the first frame, when nothing heavy may be imported yet.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
from pathlib import Path

from qualtally.core.errors import InputError


def refusal(where: str, coder: str, holder: str) -> InputError:
    return InputError(where, f"{coder} already has this project open in a coding screen "
                             f"({holder}); close that one first, or code as someone else "
                             "with --coder NAME")


def lock_path(project: Path, coder: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", coder)[:40].strip("-") or "coder"
    tag = hashlib.sha256(coder.encode()).hexdigest()[:8]
    return project.with_name(f".{project.name}.{slug}-{tag}.coding.lock")


class FileCoderLock:
    """Held from construction until :meth:`release` (or the process's end)."""

    def __init__(self, project: Path, coder: str) -> None:
        self.path = lock_path(Path(project), coder)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            os.close(fd)
            raise refusal(str(project), coder,
                          f"process {holder}" if holder.isdigit() else "another process") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # drops the flock; the file stays (removing it would race a new taker)
