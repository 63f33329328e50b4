"""Background work that quitting never waits for: the one way qualtally runs it off Textual.

Textual's thread workers (``@work(thread=True)``) are the way for short work whose result
a screen waits for (a tally, a ranking, the next suggestions); every screen uses them. But
they run in the event loop's executor, and the interpreter joins executor threads at exit,
so pressing ``q`` during the seconds of a model's imports, a retraining or a batch of
durable writes would wait for them (several seconds for the model). Work that may simply
be abandoned at quit runs here instead, in daemon threads:

- :func:`start`: one call in a named daemon thread (loading or retraining the model,
  opening the project behind the first frame). Nothing is lost when it is cut short: a
  model is saved to temporary files renamed into place and checked against its card's
  sha256 when loaded, and opening a file at the newest revision writes nothing.
- :class:`Lane`: calls run one after another in one daemon thread, each with its future
  (the liblinear fits of a retraining, beside the rest of the fit).
- :class:`WriteBehind`: items queued by a caller that must not wait for an fsync (the TUI
  on every move), written in batches, in order, by one daemon thread; ``flush`` waits for
  them (the app does, briefly, when it closes).
- :func:`quick_handover`: while long CPU-bound work (loading or retraining the model) runs
  beside the UI thread, the GIL changes hands after 1 ms instead of Python's 5 ms.

An exception in any of them reaches a callback (``on_error``; the futures of a lane)
instead of ending the thread with a traceback on stderr, which under the TUI nobody sees.
Standard library only, so every layer may use it.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

T = TypeVar("T")
ErrorHandler = Callable[[BaseException], None]

log = logging.getLogger("qualtally.background")


def _report(on_error: ErrorHandler, err: BaseException, name: str) -> None:
    try:
        on_error(err)
    except Exception:  # noqa: BLE001 - the handler itself failed: at least log both
        log.exception("background work %s failed, and so did reporting it: %r", name, err)


def start(
    name: str, fn: Callable[..., Any], *args: Any, on_error: ErrorHandler
) -> threading.Thread:
    """Run ``fn(*args)`` in a new daemon thread named ``qualtally-NAME``.

    An exception ``fn`` raises is passed to ``on_error`` (in that thread). Returns the
    started thread (``is_alive()`` tells whether the work still runs).
    """

    def run() -> None:
        try:
            fn(*args)
        except Exception as err:  # noqa: BLE001 - handed to the caller's handler
            _report(on_error, err, name)

    thread = threading.Thread(target=run, name=f"qualtally-{name}", daemon=True)
    thread.start()
    return thread


HANDOVER_INTERVAL = 0.001
"""Seconds a thread waiting for the GIL waits before it asks the holder to let go, while
:func:`quick_handover` is in force (Python's default is 0.005)."""
_handover_lock = threading.Lock()
_handover_users = 0
_handover_saved = 0.005


@contextmanager
def quick_handover() -> Iterator[None]:
    """Let the UI thread have the GIL back sooner while this block's CPU-bound work runs.

    Every time the UI thread waits (for a key, for its next frame's timer, for a worker's
    answer) a busy thread takes the GIL, and the UI thread gets it back only after the
    switch interval: with a thread importing scikit-learn and spaCy or embedding
    excerpts, a 2 ms timer fired 10 ms late at Python's 5 ms and 4.5 ms late at 1 ms
    (``benchmarks/tui/gil_handover.py``), and a move of the coding screen waits several
    times. The interval is process-wide: it is shortened while at least one such block
    runs and put back when the last one ends. A shorter interval costs the busy thread
    only when another thread asks for the GIL.
    """
    global _handover_users, _handover_saved
    with _handover_lock:
        if _handover_users == 0:
            _handover_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_handover_saved, HANDOVER_INTERVAL))
        _handover_users += 1
    try:
        yield
    finally:
        with _handover_lock:
            _handover_users -= 1
            if _handover_users == 0:
                sys.setswitchinterval(_handover_saved)


class Lane:
    """Runs submitted calls one after another in one daemon thread; ``close()`` ends it.

    Each call's result or exception goes to the :class:`~concurrent.futures.Future`
    ``submit`` returns. Used as a context manager, a failure inside the block cancels the
    calls still queued.
    """

    def __init__(self, name: str = "lane") -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._futures: list[Future] = []
        threading.Thread(target=self._run, name=f"qualtally-{name}", daemon=True).start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        fut: Future = Future()
        self._futures.append(fut)
        self._jobs.put((fut, fn, args))
        return fut

    def close(self) -> None:
        self._jobs.put(None)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            fut, fn, args = job
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
                fut.set_exception(exc)

    def __enter__(self) -> Lane:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is not None:  # the block failed: the calls still queued are not wanted
            for fut in self._futures:
                fut.cancel()
        self.close()


class WriteBehind(Generic[T]):
    """Queue items now, write them later in batches from one daemon thread, oldest first.

    ``put`` never blocks on the writing. The writer thread waits ``delay`` seconds (so a
    burst of puts costs one batch), takes everything queued, calls ``write(batch)``, and
    repeats until nothing is queued; then it waits up to ``linger`` seconds for more and
    ends, and the next ``put`` starts another. A writer fed on every key press (the TUI's
    place) lingers: starting a thread makes ``put`` wait for that thread to run, which costs
    milliseconds while another thread (the model loading) holds the GIL.
    A failed batch goes to ``on_error`` and the writer goes on with the next.
    """

    def __init__(
        self,
        name: str,
        write: Callable[[list[T]], None],
        *,
        on_error: ErrorHandler,
        delay: float = 0.0,
        linger: float = 0.0,
    ) -> None:
        self.name, self.write, self.on_error = name, write, on_error
        self.delay, self.linger = delay, linger
        self._cond = threading.Condition()
        self._pending: list[T] = []
        self._thread: threading.Thread | None = None
        self._queued = 0
        """Items put so far."""
        self._done = 0
        """Items written (or failed) so far."""

    def put(self, item: T) -> None:
        with self._cond:
            self._pending.append(item)
            self._queued += 1
            if self._thread is not None:
                self._cond.notify_all()  # a lingering writer takes it at once
                return  # the running writer takes it before it stops
            self._thread = threading.Thread(
                target=self._run, name=f"qualtally-{self.name}", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._pending and self.linger:
                    self._cond.wait(self.linger)
                if not self._pending:
                    self._thread = None
                    self._cond.notify_all()
                    return
            if self.delay:
                time.sleep(self.delay)
            with self._cond:
                batch, self._pending = self._pending, []
            try:
                self.write(batch)
            except Exception as err:  # noqa: BLE001 - handed to the owner's handler
                _report(self.on_error, err, self.name)
            with self._cond:
                self._done += len(batch)
                self._cond.notify_all()

    def flush(self, timeout: float = 5.0) -> None:
        """Wait (at most ``timeout`` s) until everything queued so far is written (and,
        for a writer that does not linger, until its thread has ended)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            target = self._queued
            while self._done < target and self._thread is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._cond.wait(left)
            thread = self._thread
        if thread is not None and not self.linger:
            thread.join(max(0.0, deadline - time.monotonic()))
