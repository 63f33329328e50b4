"""How fast "next excerpt" is, suggestions included, measured inside the app.

Not a test (timings vary by machine); run it and read the figures:

    PYTHONPATH=src:. python benchmarks/tui/bench_coding.py [--moves 60] [--skip-big] [--only survey]

Cases: a copy of the real demo project (``qualtally demo``'s corpus, built in a temporary
data directory), the demo-like project of the TUI tests, a 300,000-character transcript
and 6,400 one-answer documents. Each runs headless at 160x48 in this process.

One move is timed from posting the ``j`` key event to the app (as the terminal driver
does; Pilot's ``press`` is not used, it adds ~60 ms of its own waiting) until the first
frame the compositor renders after the suggestions for the new excerpt have been put in
the panel (``App._display`` is wrapped to timestamp frames; headless, only the write to
the terminal is skipped). Two phases:

* while the model is loading: the app starts with ``load_model=True`` on a fresh copy
  (no model folder beside it) and moves are timed until the loading worker finishes;
  only moves that start and end before the model is ready count;
* model loaded, back to back: after the loading worker is done, each move right after the
  previous one's frame (a held-down ``j``);
* model loaded, after reading: ``--pause`` seconds (0.5 by default) between moves, as a
  coder reads the excerpt first; the screen's prefetch of the next excerpt's suggestions
  has had time to finish, which back-to-back moves do not give it.

The load average is printed with the figures: other jobs on a small machine change them.
``BENCH_RAW=1`` also prints every move's time in order (the slow ones are the moves that
open the next document, which the prefetch does not cover).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from textual import events
from textual.app import App

from qualtally.project import Project
from qualtally.tui.app import make_app
from qualtally.tui.widgets.suggestions import SuggestionPanel
from tests.tui.demo_project import build
from tests.tui.test_screens import big_project

FRAMES: list[float] = []
SUGGESTED: list[tuple[float, int]] = []


def instrument() -> None:
    """Timestamp every rendered frame and every suggestion set put in the panel."""
    display = App._display

    def timed_display(self, screen, renderable):
        if renderable is not None:
            FRAMES.append(time.perf_counter())
        return display(self, screen, renderable)

    App._display = timed_display
    put = SuggestionPanel.set_suggestions

    def timed_put(self, suggestions, *rest):
        put(self, suggestions, *rest)
        current = self.screen.session.current
        if current is not None:
            SUGGESTED.append((time.perf_counter(), current.id))

    SuggestionPanel.set_suggestions = timed_put


async def one_move(app, screen, step: int, limit: float = 10.0) -> float:
    """Seconds from the key event to the first frame after the new suggestions are shown."""
    key = "j" if step > 0 else "k"
    before = screen.session.current.id
    seen_suggested, seen_frames = len(SUGGESTED), len(FRAMES)  # scan only what this move adds
    t0 = time.perf_counter()
    app.post_message(events.Key(key, key))
    deadline = t0 + limit
    while True:
        await asyncio.sleep(0)
        current = screen.session.current
        if current is not None and current.id != before:
            done = next(
                (t for t, eid in SUGGESTED[seen_suggested:] if t >= t0 and eid == current.id), None
            )
            if done is not None:
                frame = next((f for f in FRAMES[seen_frames:] if f > done), None)
                if frame is not None:
                    return frame - t0
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen did not update")


def next_step(screen, step: int) -> int:
    s = screen.session
    if s.index == len(s.excerpts) - 1 and s.doc_pos == len(s.rows) - 1:
        return -1
    if s.index == 0 and s.doc_pos == 0:
        return 1
    return step


async def measure(path: Path, moves: int, pause: float) -> dict[str, list[float]]:
    project = Project.open(path)
    app = make_app(project, "bench")
    loading, loaded, read_first = [], [], []
    async with app.run_test(size=(160, 48)):
        screen = app.coding
        while not (screen.is_mounted and screen.session.current is not None and FRAMES):
            await asyncio.sleep(0.01)
        step = 1
        while not screen.model_ready and len(loading) < moves:
            started_loading = not screen.model_ready
            took = await one_move(app, screen, step)
            if started_loading and not screen.model_ready:
                loading.append(took)
            step = next_step(screen, step)
        while not screen.model_ready:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
        for _ in range(moves):
            loaded.append(await one_move(app, screen, step))
            step = next_step(screen, step)
        for _ in range(moves):
            await asyncio.sleep(pause)
            read_first.append(await one_move(app, screen, step))
            step = next_step(screen, step)
    project.close()
    return {"while the model loads": loading, "model loaded, back to back": loaded,
            f"model loaded, {pause:.1f} s reading": read_first}


def demo_copy(tmp: Path) -> Path:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp / "data"), "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-m", "qualtally", "demo", "--print"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return Path(out.splitlines()[0])


def report(name: str, figures: dict[str, list[float]]) -> None:
    print(name)
    for phase, values in figures.items():
        if not values:
            print(f"  {phase:<30} no move fitted in this phase")
            continue
        ms = sorted(1000 * v for v in values)
        if os.environ.get("BENCH_RAW"):
            print("   ", " ".join(f"{1000 * v:.0f}" for v in values))
        print(f"  {phase:<30} n={len(ms):3d}  median {statistics.median(ms):6.1f} ms  "
              f"p90 {ms[int(0.9 * (len(ms) - 1))]:6.1f} ms  worst {ms[-1]:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=60)
    parser.add_argument("--pause", type=float, default=0.5,
                        help="seconds a coder reads before pressing j, in the third phase")
    parser.add_argument(
        "--skip-big", action="store_true", help="only the demo and demo-like projects"
    )
    parser.add_argument("--only", help="run only the cases whose name contains this (e.g. survey)")
    args = parser.parse_args()
    instrument()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        demo = demo_copy(tmp)
        cases = {"real demo (copy)": demo, "demo-like (tests)": build(tmp / "demo-like.qtally")}
        if not args.skip_big:
            big_project(tmp / "long.qtally", documents=1, turns=500, words=10).close()
            cases["300k-character transcript"] = tmp / "long.qtally"
            big_project(tmp / "survey.qtally", documents=6400, turns=1, words=1).close()
            cases["6,400 survey answers"] = tmp / "survey.qtally"
        if args.only:
            cases = {k: v for k, v in cases.items() if args.only in k}
        load = os.getloadavg()
        print(f"next excerpt (key event -> frame with the new suggestions), headless 160x48, "
              f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        for name, path in cases.items():
            fresh = tmp / "runs" / path.name
            fresh.parent.mkdir(exist_ok=True)
            shutil.copy(path, fresh)
            report(name, asyncio.run(measure(fresh, args.moves, args.pause)))
            shutil.rmtree(fresh.parent)
        load = os.getloadavg()
        print(f"load average at end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
