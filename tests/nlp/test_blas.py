"""``nlp/blas.py``: a fit keeps one BLAS thread to its end, whatever other threads do."""

from __future__ import annotations

import threading
import time

import numpy  # noqa: F401 - loads the BLAS library being limited
from threadpoolctl import ThreadpoolController

from qualtally.nlp.blas import one_blas_thread, one_blas_thread_briefly


def blas_threads() -> set[int]:
    libs = ThreadpoolController().info()
    return {lib["num_threads"] for lib in libs if lib["user_api"] == "blas"}


def test_fits_take_turns_and_each_keeps_one_thread_to_its_end():
    before = blas_threads()
    assert before
    events, inside = [], threading.Event()

    def fit(name, hold):
        with one_blas_thread():
            events.append((name, "in", blas_threads()))
            inside.set()
            time.sleep(hold)
            events.append((name, "out", blas_threads()))

    first = threading.Thread(target=fit, args=("a", 0.2))
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=fit, args=("b", 0))
    second.start()
    first.join(10)
    second.join(10)
    assert [e[:2] for e in events] == [("a", "in"), ("a", "out"), ("b", "in"), ("b", "out")]
    assert all(threads == {1} for _, _, threads in events)
    assert blas_threads() == before


def test_a_short_block_beside_a_fit_neither_waits_nor_lifts_the_limit():
    before = blas_threads()
    inside, done, seen = threading.Event(), threading.Event(), []

    def fit():
        with one_blas_thread():
            inside.set()
            assert done.wait(10)
            seen.append(blas_threads())

    t = threading.Thread(target=fit)
    t.start()
    assert inside.wait(10)
    start = time.monotonic()
    with one_blas_thread_briefly():  # the fit holds the lock: runs at once
        seen.append(blas_threads())
    assert time.monotonic() - start < 1
    done.set()
    t.join(10)
    assert seen == [{1}, {1}]
    with one_blas_thread_briefly():  # no fit: limits and restores itself
        assert blas_threads() == {1}
    assert blas_threads() == before
