"""The Textual application: modes, global keys and the startup worker, nothing else.

``make_app(project, coder)`` is what the CLI runs and what the tests drive. The app
owns the one ``Worker.StateChanged`` handler that turns any worker failure into a
notification, the model-loading thread, and the keys that work on every screen
(undo/redo through the store's event log, help, quit, switching screens). Every
binding of every screen is also offered in the command palette.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from qualtally.core import background
from qualtally.core.location import label
from qualtally.tui.following import FollowingMixin
from qualtally.tui.guard import describe, guarded
from qualtally.tui.messages import ModelProgress, ModelReady, ModelRetrained
from qualtally.tui.modals.help import HelpScreen
from qualtally.tui.opening import OpeningMixin
from qualtally.tui.position import PositionSaver
from qualtally.tui.screens.coding import CodingScreen

UNDO_LABELS = {
    "coding.add": "coding", "coding.remove": "code removal", "memo.set": "memo",
    "excerpt.add": "narrowed span", "suggestion.reject": "rejected suggestion",
    "code.add": "new code", "code.update": "code edit", "nothing.set": "nothing-applies mark",
    "consensus.seed": "consensus start", "consensus.decide": "consensus decision",
    "respondent.merge": "respondent merge", "turn.reassign": "turn reassignment",
}


def codebook_screen(project, coder: str) -> Screen:
    from qualtally.tui.screens.codebook import CodebookScreen  # imported when first shown

    return CodebookScreen(project, coder)


QUIT_FLUSH_SECONDS = 0.5
"""At most this long at quit for queued suggestion-cache writes (they are derived data:
whatever is not written is computed again when next needed)."""

RESTORED_MODES = ("coding", "codebook", "findings")
"""Screens a reopened project returns to (not the agreement screen: it starts counting)."""


def findings_screen(project, coder: str | None = None) -> Screen:
    from qualtally.tui.screens.findings import FindingsScreen  # imported when first shown

    return FindingsScreen(project, coder)


def agreement_screen(project, coder: str) -> Screen:
    from qualtally.tui.screens.agreement import AgreementScreen  # imported when first shown

    return AgreementScreen(project, coder)


class QualtallyApp(FollowingMixin, OpeningMixin, App):
    CSS_PATH = "app.tcss"
    DEFAULT_MODE = "coding"
    """Start in the coding mode itself: no default screen to mount and switch away from."""
    TITLE = "qualtally"
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Keys"),
        Binding("ctrl+z", "undo", "Undo"),
        Binding("ctrl+y", "redo", "Redo"),
        Binding("c", "switch_mode('codebook')", "Codebook"),
        Binding("f", "switch_mode('findings')", "Findings", show=False),
        Binding("g", "switch_mode('agreement')", "Agreement", show=False),
        Binding("escape", "switch_mode('coding')", "Back to coding", show=False),
    ]

    def __init__(
        self, project, coder: str, *, load_model: bool = True, opener=None, session=None
    ) -> None:
        self.project = project
        self.coder = coder
        self.load_model = load_model
        self.coding = CodingScreen(project, coder, session)
        self._restoring: str | None = None
        self.MODES = {
            "coding": lambda: self.coding,
            # self.project at the time the screen is built: it starts as the read-only
            # peek and becomes the real project once opened (tui/opening.py)
            "codebook": lambda: codebook_screen(self.project, self.coder),
            "findings": lambda: findings_screen(self.project, self.coder),
            "agreement": lambda: agreement_screen(self.project, self.coder),
        }
        super().__init__()
        self.title = f"qualtally · {label(project.path)}"
        self.sub_title = f"coder: {coder}"
        self._retrain_timer = None
        self._model_started = False
        self._model_thread: threading.Thread | None = None
        self._retrain_thread: threading.Thread | None = None
        self.positions = PositionSaver(project, coder, on_error=self._position_failed)
        self.init_opening(opener)

    def start_background(self) -> None:
        """Called by the coding screen once its first frame is drawn: load the model, and
        go back to the screen the coder left (the coding screen is always drawn first)."""
        if self._model_started:
            return
        self._model_started = True
        self.start_following()
        freeze_heap()
        if self.load_model:
            self.load_suggester()
        screen = self.coding.saved_state.get("screen")
        if screen in RESTORED_MODES and screen != self.current_mode:
            # Until the restored screen has shown, the saved place is the coding screen: a
            # screen that fails on this project (or a crash) must never lock the coder out.
            self.positions.save(screen="coding")
            self.positions.flush()
            self._restoring = screen
            super().switch_mode(screen)
        else:
            self.positions.save(screen=self.current_mode)

    def screen_shown(self, screen: Screen) -> None:
        """A mode screen mounted without error: a restored place may be saved again."""
        if self._restoring and self.current_mode == self._restoring and screen is self.screen:
            self.positions.save(screen=self._restoring)
        self._restoring = None

    def screen_failed(self, screen: Screen, err: BaseException) -> None:
        """A mode screen failed to draw this project: say why and go back to coding."""
        self._restoring = None
        self.notify(f"Could not open that screen: {describe(err)}", title="Back to coding",
                    severity="error", markup=False)
        self.switch_mode("coding")

    def switch_mode(self, mode: str):
        result = super().switch_mode(mode)
        if mode in RESTORED_MODES:
            self.positions.save(screen=mode)
        return result

    def _position_failed(self, err: BaseException) -> None:
        self.call_from_thread(self.notify, f"Could not save your place: {describe(err)}",
                              severity="warning", markup=False)

    def on_unmount(self) -> None:
        self.stop_following()
        self.positions.flush()
        flush = getattr(self.project, "flush_suggestion_cache", None)  # not on a peek
        if flush is not None:  # suggestions computed on a miss, queued for the cache
            flush(timeout=QUIT_FLUSH_SECONDS)
        # model loading and retraining run in daemon threads that simply stop with the
        # program: a model is saved to temporary files renamed into place and checked
        # against its card's sha256 on load, so an interrupted save is never used

    # -- workers -------------------------------------------------------------------------
    def load_suggester(self) -> None:
        """Load (or, for a new project, train) the model in the background.

        A daemon thread (``core/background.py``), not a Textual worker: those run in the
        event loop's executor, whose threads the interpreter waits for at exit, so ``q``
        pressed while the model loads (seconds of imports) would hang until it had loaded.
        A daemon thread simply stops with the program (see ``on_unmount``).
        """
        def progress(label: str, done: int, total: int) -> None:
            self.post_message(ModelProgress(label, done, total))

        def run() -> None:
            with background.quick_handover():  # the coder moves meanwhile: see there
                self.project.load_suggester(progress=progress, coder=self.coder)
            refused = getattr(self.project, "refused_models", lambda: [])()
            self.post_message(ModelReady(refused=tuple(refused)))

        self._model_thread = background.start(
            "model", run, on_error=lambda err: self.post_message(ModelReady(describe(err))))

    @property
    def model_loading(self) -> bool:
        return self._model_thread is not None and self._model_thread.is_alive()

    def on_model_progress(self, message: ModelProgress) -> None:
        self.coding.set_model_progress(message.label, message.done, message.total)

    def on_model_ready(self, message: ModelReady) -> None:
        freeze_heap()
        self.coding.set_model_ready(message.error)
        if message.error:
            self.notify(
                message.error, title="model failed", severity="error", timeout=8, markup=False
            )
        for line in message.refused:  # a tampered (or torn) saved model: say so, once
            self.notify(f"{line.removesuffix(', retrain it')}. A new model was trained "
                        "from your codings instead.",
                        title="saved model refused", severity="warning", timeout=12,
                        markup=False)

    def schedule_retrain(self) -> None:
        """Retrain the suggester a few seconds after the last coding, in a worker."""
        if self._retrain_timer is not None:
            self._retrain_timer.stop()
        self._retrain_timer = self.set_timer(3.0, self.retrain)

    def retrain(self) -> None:
        """Retrain if enough codings changed, in the background (like loading: quitting
        never waits for a retraining and its cache refresh)."""
        if self._retrain_thread is not None and self._retrain_thread.is_alive():
            return

        def run() -> None:
            project = self.project
            with background.quick_handover():
                if project.maybe_retrain(self.coder, refresh=False):
                    # the new model answers at once (a stale cache entry is recomputed), so
                    # the screen drops the old model's suggestions before the cache is
                    # rewritten
                    self.post_message(ModelRetrained())
                    project.refresh_suggestion_cache()

        def failed(err: BaseException) -> None:
            self.call_from_thread(self.notify, describe(err), title="retraining failed",
                                  severity="error", timeout=8, markup=False)

        self._retrain_thread = background.start("retrain", run, on_error=failed)

    def on_model_retrained(self, message: ModelRetrained) -> None:
        self.coding.model_retrained()  # no freeze here: see freeze_heap

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.worker_state_changed(event)

    def worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker is reported (screens forward theirs here)."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        self.notify(describe(error), title=f"{event.worker.group or 'background work'} failed",
                    severity="error", timeout=8, markup=False)

    # -- global actions ---------------------------------------------------------------------
    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    @guarded
    def action_undo(self) -> None:
        self._step(redo=False)

    @guarded
    def action_redo(self) -> None:
        self._step(redo=True)

    def _step(self, redo: bool) -> None:
        action = self.project.redo(self.coder) if redo else self.project.undo(self.coder)
        if action is None:
            self.notify("Nothing to redo" if redo else "Nothing to undo", timeout=1.5, markup=False)
            return
        verb = "Redid" if redo else "Undid"
        self.notify(f"{verb} {UNDO_LABELS.get(action, action)}", timeout=1.5, markup=False)
        excerpt_id = self._touched_excerpt()
        screen = self.screen
        if hasattr(screen, "reload"):
            screen.reload(focus_excerpt=excerpt_id)

    def _touched_excerpt(self) -> int | None:
        """The excerpt the last undo/redo changed, so the coder sees it happen."""
        last = self.project.history(1)
        if not last:
            return None
        data = last[0].get("before") or last[0].get("after") or {}
        value = data.get("excerpt_id") if isinstance(data, dict) else None
        return int(value) if value is not None else None

    # -- undoing an import ----------------------------------------------------------------------
    def action_imports(self) -> None:
        """The imports, to undo one as a whole (tui/modals/imports.py)."""
        if not hasattr(self.project, "imports"):  # still the read-only peek
            self.notify("The project is still opening", timeout=2, markup=False)
            return
        from qualtally.tui.modals.imports import ImportsModal

        self.push_screen(ImportsModal(self.project), callback=self._undo_import)

    @guarded
    def _undo_import(self, number: int | None) -> None:
        if number is None:
            return
        done = self.project.undo_import(number, self.coder)
        self.notify(f"Undid import {number}: removed {len(done['documents'])} documents",
                    timeout=3, markup=False)
        self.coding.session.load(self.project.coder_state(self.coder))
        if self.coding.is_mounted:
            self.coding.redraw()

    # -- command palette ----------------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Undo an import", "remove one import's documents, respondents, "
                            "codes and codings", self.action_imports)
        seen = set()
        for node, bindings in ((screen, screen.BINDINGS), (self, self.BINDINGS)):
            for b in bindings:
                if not isinstance(b, Binding) or b.action in seen or b.action == "quit":
                    continue
                seen.add(b.action)
                key = self.get_key_display(Binding(b.key.split(",")[0], b.action))
                yield SystemCommand(b.description or b.action, f"key: {key}",
                                    partial(self.run_action, b.action, node))


def freeze_heap() -> None:
    """Move every object alive now out of the garbage collector's sight (``gc.freeze``).

    After start-up and after a model (re)load the heap holds hundreds of thousands of
    long-lived objects (Textual's DOM and CSS, spaCy, scikit-learn); a full collection
    would walk them all and stall the screen for a few hundred milliseconds every few
    dozen moves.
    Frozen objects are still freed by reference counting; only a reference cycle among
    them that becomes garbage later (a replaced model's, if it has any) stays allocated.
    The youngest generation is also collected less often (every 5,000 net allocations
    instead of 700): each pass is still a millisecond or two. The collector is turned on
    here if it was off (the CLI runs the first frame without it).

    A collection runs first, so garbage waiting now (a closed modal's cycles) is freed, not
    frozen for good; and it runs only twice a session (after the first frame and when the
    model is ready), not after every retrain: each call after a retrain would freeze
    another thousand or more objects, some soon garbage that then stays allocated, so the
    frozen heap would grow without bound over a long session of retrains.
    """
    gc.collect()
    gc.freeze()
    gen0, gen1, gen2 = gc.get_threshold()
    if gen0 < 5000:
        gc.set_threshold(5000, gen1, gen2)
    gc.enable()  # ``qualtally code`` starts with the collector off until the first frame


def make_app(
    project, coder: str, *, load_model: bool = True, opener=None, session=None
) -> QualtallyApp:
    """The app for ``project`` as ``coder``; tests pass ``load_model=False`` to stub models.

    With ``opener``, ``project`` is a read-only ``Peek`` that draws the first frame and
    ``opener()`` returns the real project, called in a thread after that frame
    (``tui/opening.py``). ``session``: a ``CodingSession`` already loaded from ``project``.
    """
    return QualtallyApp(project, coder, load_model=load_model, opener=opener, session=session)
