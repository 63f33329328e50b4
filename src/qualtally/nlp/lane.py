"""One background lane for the liblinear fits of a retraining, so the rest runs beside them.

A retraining spends about half its time in liblinear (one fit per code, on the whole
set and on the inner split) and most of the rest in sparse and dense products (neighbour
votes, the embedding model) that, like liblinear, release the GIL. On two cores the two
can overlap. liblinear is never run in two threads at once: scikit-learn's build seeds
one process-wide random generator before each fit (``LIBLINEAR``), so every fit still
sees the generator it would see alone and the model is the same as run one after the
other. The lane is a daemon thread, not an executor: the interpreter joins executor
threads at exit, and quitting the TUI must not wait for a retraining.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future

LIBLINEAR = threading.Lock()
"""Held around every liblinear fit (its random generator is a process-wide global)."""


def run_now(fn, *args) -> Future:
    """``fn(*args)`` run in the calling thread, as a finished future (a lane's stand-in)."""
    fut: Future = Future()
    fut.set_result(fn(*args))
    return fut


class Lane:
    """Runs submitted calls one after another in one daemon thread; ``close()`` ends it."""

    def __init__(self):
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._futures: list[Future] = []
        threading.Thread(target=self._run, name="qualtally-fit-lane", daemon=True).start()

    def submit(self, fn, *args) -> Future:
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

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is not None:  # the fit failed: the fits still queued are not wanted
            for fut in self._futures:
                fut.cancel()
        self.close()
