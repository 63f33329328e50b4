"""Whether a process id names a live process: the one test behind removing the temporary
files a killed process left (a demo build, an export, a model save)."""

from __future__ import annotations

import os


def alive(pid: int) -> bool:
    """True if a process with this id exists (also when it belongs to another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
