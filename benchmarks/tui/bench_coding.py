"""How fast the coding screen is: first screen, and "next excerpt, suggestions included".

Not a test (timings vary by machine); run it and read the figures:

    PYTHONPATH=src:. python benchmarks/tui/bench_coding.py

It builds three projects in a temporary folder (the demo-like one from the TUI tests, a
300,000-character transcript, 6,400 one-answer documents), then for each drives the app
headless at 160x48: time until the coding screen has rendered with its suggestions, and
the median/worst time from pressing ``j`` until the new excerpt's suggestions are shown.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from qualtally.project import Project  # noqa: E402
from qualtally.tui.app import make_app  # noqa: E402
from tests.tui.demo_project import build  # noqa: E402
from tests.tui.test_screens import big_project  # noqa: E402


async def wait_for(check, limit: float = 10.0) -> None:
    deadline = time.perf_counter() + limit
    while not check():
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen did not update")
        await asyncio.sleep(0)


async def measure(path: Path, moves: int = 40) -> dict[str, float]:
    """Headless at 160x48. Pilot key presses add ~60 ms of their own waiting, so a move is
    timed from the action to the new suggestions being set in the panel (the frame that
    paints them follows at Textual's next refresh)."""
    t0 = time.perf_counter()
    project = Project.open(path)
    app = make_app(project, "bench")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.coding
        await wait_for(lambda: screen.is_mounted and screen.session.document is not None)
        await pilot.pause()  # first frame painted
        first_screen = time.perf_counter() - t0
        await wait_for(lambda: screen.model_ready)
        await app.workers.wait_for_complete()
        await pilot.pause()
        latencies = []
        step = 1
        for _ in range(moves):
            panel = screen.panel
            old = panel.suggestions
            start = time.perf_counter()
            screen.action_move(step)
            if screen.session.current is None or panel.suggestions is old and not screen.model_ready:
                break
            await wait_for(lambda: panel.suggestions is not old)
            latencies.append(time.perf_counter() - start)
            s = screen.session
            if s.index == len(s.excerpts) - 1 and s.doc_pos == len(s.rows) - 1:
                step = -1
            elif s.index == 0 and s.doc_pos == 0:
                step = 1
    project.close()
    return {
        "first screen painted (s)": first_screen,
        "next excerpt, suggestions in panel, median (ms)": 1000 * statistics.median(latencies),
        "next excerpt, suggestions in panel, p90 (ms)": 1000 * sorted(latencies)[int(0.9 * len(latencies))],
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cases = {"demo-like": build(tmp / "demo.qtally")}
        big_project(tmp / "long.qtally", documents=1, turns=500, words=10).close()
        cases["300k-character transcript"] = tmp / "long.qtally"
        big_project(tmp / "survey.qtally", documents=6400, turns=1, words=1).close()
        cases["6,400 survey answers"] = tmp / "survey.qtally"
        for name, path in cases.items():
            figures = asyncio.run(measure(path))
            print(name, file=sys.stderr)
            for label, value in figures.items():
                print(f"  {label:<52} {value:8.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
