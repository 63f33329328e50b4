"""Saving where the coder is, on every move, without making the move wait for the disk.

A save is a tiny upsert, but the project runs with ``synchronous=FULL``, so each commit
waits for an fsync (milliseconds, tens of them at worst). ``PositionSaver`` takes the
values on the UI thread and lets a :class:`qualtally.core.background.WriteBehind` write
them, merged, newest last, a few milliseconds after the move, from one thread that
waits for the next move rather than one started per move; so a quit, or even a SIGKILL,
an instant after a move loses at most that instant. ``flush`` waits for the
writer (the app calls it when it closes).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from qualtally.core import background

LINGER = 60.0
"""Seconds the writer thread waits for the next move before it ends: a thread started on
every move would make each move wait for it to run (see ``WriteBehind``)."""


class PositionSaver:
    def __init__(
        self, project, coder: str, on_error: Callable[[BaseException], None] | None = None
    ) -> None:
        self.project = project
        self.coder = coder
        self.on_error = on_error
        self._lock = threading.Lock()
        self._saved: dict[str, Any] = {}
        self._writer: background.WriteBehind[dict[str, Any]] = background.WriteBehind(
            "position", self._write, on_error=self._failed, linger=LINGER)

    def prime(self, state: dict[str, Any]) -> None:
        """What the store already holds (read at start), so it is not written again."""
        with self._lock:
            self._saved.update(state)

    def save(self, **values: Any) -> None:
        """Write the values that changed since the last save (in the background)."""
        with self._lock:
            changed = {k: v for k, v in values.items() if self._saved.get(k, object()) != v}
            if not changed:
                return
            self._saved.update(changed)
            self._writer.put(changed)

    def _write(self, batch: list[dict[str, Any]]) -> None:
        values: dict[str, Any] = {}
        for changed in batch:  # oldest first: the newest value of each key wins
            values.update(changed)
        self.project.save_coder_state(self.coder, **values)

    def _failed(self, err: BaseException) -> None:
        if self.on_error is not None:  # reported to the user, the coding goes on
            self.on_error(err)

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until everything saved so far is written."""
        self._writer.flush(timeout)
