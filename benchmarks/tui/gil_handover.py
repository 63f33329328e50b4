"""How late an event-loop timer fires while another thread is busy, by GIL switch interval.

Not a test (timings vary by machine); run it and read the figures:

    python benchmarks/tui/gil_handover.py [--runs 100]

Why: while the coding screen's model loads (imports of scikit-learn and spaCy, then
embedding every excerpt) a thread holds the GIL almost all the time. Whenever the UI
thread waits (for a key, for the timer of its next frame, for a worker's answer) that
thread takes the GIL, and the UI thread gets it back only after ``sys.getswitchinterval()``.
This measures a 2 ms ``asyncio.sleep`` beside a pure-Python busy thread, at Python's
default interval (5 ms) and at ``core.background.HANDOVER_INTERVAL``, alternately, and
prints how late it fires (p50/p95) with the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from qualtally.core.background import HANDOVER_INTERVAL  # noqa: E402


def late_ms(interval: float, runs: int) -> tuple[float, float]:
    old = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    stop = threading.Event()

    def busy() -> None:
        x = 0
        while not stop.is_set():
            for i in range(1000):
                x += i

    threading.Thread(target=busy, daemon=True).start()

    async def timers() -> list[float]:
        out = []
        for _ in range(runs):
            t = time.perf_counter()
            await asyncio.sleep(0.002)
            out.append(1000 * (time.perf_counter() - t - 0.002))
        return sorted(out)

    try:
        late = asyncio.run(timers())
    finally:
        stop.set()
        sys.setswitchinterval(old)
    return late[len(late) // 2], late[min(len(late) - 1, round(0.95 * (len(late) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=100)
    a = ap.parse_args()
    print("a 2 ms timer beside a busy thread, load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    for interval in (0.005, HANDOVER_INTERVAL, 0.005, HANDOVER_INTERVAL):
        p50, p95 = late_ms(interval, a.runs)
        print(f"  switch interval {1000 * interval:.1f} ms: late by p50 {p50:.2f} ms, "
              f"p95 {p95:.2f} ms")


if __name__ == "__main__":
    main()
