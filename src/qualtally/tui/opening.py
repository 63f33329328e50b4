"""Drawing the first frame from a read-only peek while the real project opens behind it.

Importing SQLAlchemy and opening the ``Project`` takes a third to half of the one-second
budget for the coding screen's first frame. So the CLI may start the app on a
:class:`qualtally.storage.peek.Peek` (plain ``sqlite3``, read-only) and an ``opener`` that
returns the real ``Project``. Once the transcript has painted, :class:`OpeningMixin`
opens the project in a daemon thread, re-reads there what the screen shows, and on the
UI thread swaps the project in (app, coding screen, session, position saver), redraws
if the store changed in between, starts the usual background work and only then replays
the keys and mouse presses that arrived meanwhile, in order. Until then those input
events are held, not handled: nothing can reach a write on the read-only peek, and no
key moves the coder before they see where they are. Only the quit keys pass at once
(the opening thread is a daemon: quitting never waits for it, and opening a file already
at the newest revision writes nothing).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import events
from textual.message import Message

from qualtally.core import background
from qualtally.tui.guard import describe

PASS_KEYS = frozenset({"q", "ctrl+q", "ctrl+c"})
"""Keys handled even while the project opens (quitting)."""
IDLE_STEP = 1 / 50
"""How long ``wait_for_idle`` sleeps at a time (s)."""
IDLE_CPU = IDLE_STEP / 20
"""CPU time (s) over one such sleep below which the process counts as idle."""


async def wait_for_idle(min_sleep: float = 0, max_sleep: float = 0.15) -> None:
    """Return once this process has stopped working hard, or after ``max_sleep`` seconds.

    What Textual's Pilot waits with between two keys (``textual._wait.wait_for_idle``, a
    private module, so written out here; the same steps, standard library only): sleep
    1/50 s at a time until the CPU time spent over one sleep falls below 1/1000 s (the
    event loop has handled what the last event set off) once ``min_sleep`` has passed."""
    start = time.monotonic()
    while True:
        cpu = time.process_time()
        await asyncio.sleep(IDLE_STEP)
        cpu_elapsed = time.process_time() - cpu
        elapsed = time.monotonic() - start
        if elapsed >= max_sleep:
            return
        if elapsed > min_sleep and cpu_elapsed < IDLE_CPU:
            return


REPLAY_WAIT = 0.15
"""At most this long (s) between two replayed events, if the app never goes idle."""
HELD = (events.Key, events.MouseDown, events.MouseUp, events.Paste)


@dataclass
class ProjectOpened(Message):
    project: Any
    error: str | None
    same: bool
    """Whether the real project holds exactly what the peek showed."""


class OpeningMixin:
    """For the App: ``project`` starts as a peek; ``open_project`` swaps in the real one."""

    _opener: Callable[[], Any] | None = None
    open_error: str | None = None
    """Why the real project could not be opened (the app then ends with exit code 2)."""
    _held: list | None = None
    _peek: Any = None

    def init_opening(self, opener: Callable[[], Any] | None) -> None:
        self._opener = opener
        self._held = [] if opener is not None else None
        self._peek = self.project if opener is not None else None

    @property
    def project_ready(self) -> bool:
        return self._held is None

    _replaying: list | None = None

    async def on_event(self, event: events.Event) -> None:
        if (
            isinstance(event, HELD)
            and not event.is_forwarded
            and not getattr(event, "_replayed", False)
        ):
            if self._held is not None and not (
                    isinstance(event, events.Key) and event.key in PASS_KEYS and not self._held):
                self._held.append(event)  # a quit key after held keys waits its turn too
                return
            if self._replaying:  # typed while the held keys are replayed: after them
                self._replaying.append(event)
                return
        await super().on_event(event)

    def open_project(self) -> None:
        """Open the real project in a daemon thread (``core/background.py``), called once
        the first frame is drawn."""
        if self._opener is None or getattr(self, "_open_thread", None) is not None:
            return
        opener, coding = self._opener, self.coding
        shown = coding.session.snapshot()

        def run() -> None:
            project = opener()
            try:
                same = coding.session.fresh_snapshot(project) == shown
            except Exception:  # noqa: BLE001 - unsure: redraw from the real project
                same = False
            self.post_message(ProjectOpened(project, None, same))

        def failed(err: BaseException) -> None:  # reported, then the app ends
            self.post_message(ProjectOpened(None, describe(err), False))

        self._open_thread = background.start("open", run, on_error=failed)

    def on_project_opened(self, message: ProjectOpened) -> None:
        if message.project is None:
            # the CLI prints it as one line once the terminal is back
            self.open_error = message.error
            self.exit(return_code=2)
            return
        project = message.project
        held, self._held = self._held or [], None
        self.project = project
        self.positions.project = project
        self.coding.project_opened(project, redraw=not message.same)
        self._replaying = held
        self.run_worker(self._replay(held), group="replay", exit_on_error=False)

    async def _replay(self, held: list) -> None:
        """Post the held events one at a time, each once the app has gone idle after the
        last (as Textual's own Pilot types keys): what a key set off, such as the focus
        moving to the filter on ``/``, has happened before the next key arrives, so typed
        text reaches the field as it would have live, not the screen's shortcuts."""
        while held:
            event = held.pop(0)
            if isinstance(event, events.Key):
                event = events.Key(event.key, event.character)
            event._replayed = True
            self.post_message(event)
            await wait_for_idle(0, REPLAY_WAIT)

    def close_opened(self) -> None:
        """Close the peek (the CLI closes the real project)."""
        if self._peek is not None:
            self._peek.close()
