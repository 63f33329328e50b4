"""Following other people's work: the screen's counts move when someone else codes.

Several coders (and CLI imports) work on one project at once. Every half second the app
asks the project's change signal (``storage/changes.py`` through ``Project.change_signal``:
PostgreSQL LISTEN/NOTIFY, SQLite's ``PRAGMA data_version``; a non-blocking check that reads
nothing while nothing changes) and, when someone committed, tells the screen on top to
``follow_changes`` (the coding and codebook screens recount their tree, the Findings
screen re-tallies), in its own worker. A failed check is skipped, never shown.
"""

from __future__ import annotations

FOLLOW_EVERY = 0.5
"""Seconds between two checks of the change signal."""


class FollowingMixin:
    _changes = None
    _follow_timer = None

    def start_following(self) -> None:
        """Called once the real project is open (not on the first frame's peek)."""
        opener = getattr(self.project, "change_signal", None)
        if self._changes is not None or opener is None:
            return
        try:
            self._changes = opener()
        except Exception:  # noqa: BLE001 - following is a convenience; coding goes on
            return
        self._follow_timer = self.set_interval(FOLLOW_EVERY, self.follow_changes)

    def follow_changes(self) -> bool:
        """Check the signal once; True when someone changed the project (and the screen
        on top was told)."""
        try:
            changed = self._changes is not None and self._changes.changed()
        except Exception:  # noqa: BLE001 - e.g. the server restarted: try again next time
            return False
        if changed:
            follow = getattr(self.screen, "follow_changes", None)
            if follow is not None:
                follow()
        return changed

    def stop_following(self) -> None:
        if self._follow_timer is not None:
            self._follow_timer.stop()
        if self._changes is not None:
            self._changes.close()
            self._changes = None
