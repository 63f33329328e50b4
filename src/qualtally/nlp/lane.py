"""One background lane for the liblinear fits of a retraining, so the rest runs beside them.

A retraining spends about half its time in liblinear (one fit per code, on the whole
set and on the inner split) and most of the rest in sparse and dense products (neighbour
votes, the embedding model) that, like liblinear, release the GIL. On two cores the two
can overlap. liblinear is never run in two threads at once: scikit-learn's build seeds
one process-wide random generator before each fit (``LIBLINEAR``), so every fit still
sees the generator it would see alone and the model is the same as run one after the
other. The lane itself is :class:`qualtally.core.background.Lane` (a daemon thread, not
an executor: the interpreter joins executor threads at exit, and quitting the TUI must not
wait for a retraining).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future

LIBLINEAR = threading.Lock()
"""Held around every liblinear fit (its random generator is a process-wide global)."""


def run_now(fn, *args) -> Future:
    """``fn(*args)`` run in the calling thread, as a finished future (a lane's stand-in)."""
    fut: Future = Future()
    fut.set_result(fn(*args))
    return fut
