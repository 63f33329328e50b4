"""core/background.py: daemon threads that report their failures, a lane, a write-behind queue."""

from __future__ import annotations

import threading

import pytest

from qualtally.core import background


def test_start_runs_in_a_named_daemon_thread_and_reports_an_exception():
    seen: list[BaseException] = []
    ran = threading.Event()

    def fail(x):
        ran.set()
        raise ValueError(x)

    thread = background.start("probe", fail, "boom", on_error=seen.append)
    thread.join(5)
    assert ran.is_set() and thread.daemon and thread.name == "qualtally-probe"
    assert [type(e) for e in seen] == [ValueError] and str(seen[0]) == "boom"


def test_a_failing_error_handler_is_logged_not_lost(caplog):
    def handler(err):
        raise RuntimeError("handler broke")

    background.start("probe", lambda: 1 / 0, on_error=handler).join(5)
    assert "ZeroDivisionError" in caplog.text and "handler broke" in caplog.text


def test_lane_runs_calls_in_order_in_one_daemon_thread():
    order, threads = [], set()
    with background.Lane("probe-lane") as lane:
        futs = [
            lane.submit(
                lambda i=i: (order.append(i), threads.add(threading.current_thread().name))[0]
            )
            for i in range(5)
        ]
        assert [f.result(5) for f in futs] == [None] * 5
    assert order == list(range(5)) and threads == {"qualtally-probe-lane"}
    with background.Lane() as lane:
        with pytest.raises(ZeroDivisionError):
            lane.submit(lambda: 1 / 0).result(5)


def test_write_behind_writes_every_item_in_order_and_goes_on_after_a_failure():
    gate, writing = threading.Event(), threading.Event()
    batches: list[list[int]] = []
    errors: list[BaseException] = []

    def write(batch):
        writing.set()
        gate.wait(5)
        if 3 in batch:
            batches.append([-1])
            raise OSError("disk full")
        batches.append(batch)

    w = background.WriteBehind("probe-writer", write, on_error=errors.append)
    w.put(1)
    assert writing.wait(5)  # the writer took [1] and waits at the gate
    for i in (2, 3):
        w.put(i)
    gate.set()
    w.flush(5)
    w.put(4)
    w.flush(5)
    assert [x for b in batches for x in b] == [1, -1, 4]  # [2, 3] failed as one batch
    assert [str(e) for e in errors] == ["disk full"]
    assert all(t.name != "qualtally-probe-writer" for t in threading.enumerate())  # it ended


def test_a_lingering_writer_keeps_one_thread_for_many_puts_and_flush_waits_for_each():
    batches: list[list[int]] = []
    threads: set[str] = set()

    def write(batch):
        threads.add(threading.get_ident())
        batches.append(batch)

    w = background.WriteBehind("probe-linger", write, on_error=lambda e: None, linger=5.0)
    for i in range(5):
        w.put(i)
        w.flush(5)  # written before flush returns, though the thread lives on
        assert [x for b in batches for x in b] == list(range(i + 1))
    assert len(threads) == 1  # one writer thread took every put
    assert any(t.name == "qualtally-probe-linger" for t in threading.enumerate())


def test_quick_handover_shortens_the_switch_interval_while_any_block_runs():
    import sys

    before = sys.getswitchinterval()
    with background.quick_handover():
        assert sys.getswitchinterval() == pytest.approx(background.HANDOVER_INTERVAL)
        with background.quick_handover():  # a retraining beside the loading
            pass
        assert sys.getswitchinterval() == pytest.approx(background.HANDOVER_INTERVAL)
    assert sys.getswitchinterval() == before
    with pytest.raises(RuntimeError), background.quick_handover():
        raise RuntimeError("the work failed")
    assert sys.getswitchinterval() == before
