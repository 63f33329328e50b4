"""One BLAS thread for a fit, without another thread lifting the limit half-way.

A fit's floats depend on the number of BLAS threads (with two, the embedding
model's and the meta-learner's coefficients differ in the last bits), so fitting runs on
one. threadpoolctl's limits are process-wide and a ``limit`` block restores, on leaving,
the count it found on entering, even while another thread's block still relies on it; and
OpenBLAS ignores a count raised from another thread than the one that lowered it. So two
fits at once, or a fit and a small embedding batch, could leave part of a fit on two
threads (``test_lane_fit_is_the_one_thread_fit`` checks that none does). Here a fit holds a
process-wide lock for its whole block, so fits run one at a time (they share two cores
anyway) and each thread restores what it set; a short block elsewhere takes the lock only
when it is free, and when a fit holds it BLAS is already on one thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.RLock()
_CONTROLLER = None


def _limit():
    global _CONTROLLER
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """A fit's block: one BLAS thread, and no other fit's block meanwhile."""
    with _LOCK, _limit():
        yield


@contextmanager
def one_blas_thread_briefly() -> Iterator[None]:
    """A short block (milliseconds) on one BLAS thread that never waits for a fit."""
    if not _LOCK.acquire(blocking=False):
        yield  # a fit holds the limit: BLAS is on one thread already
        return
    try:
        with _limit():
            yield
    finally:
        _LOCK.release()
