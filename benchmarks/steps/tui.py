"""TUI first screen (fresh process on a pseudo-terminal, ``tui/bench_first_screen.py``) and
next-excerpt latency (key event to the frame with the new suggestions, ``tui/bench_coding.py``)
on the project the import step built (1,000 transcripts at ``--size 1k``) with the demo's
codebook added."""

from __future__ import annotations

import asyncio
import shutil
import statistics
import subprocess

from benchmarks.steps import ROOT, args, child_env, python, summary, write


def main() -> None:
    a = args(__doc__.splitlines()[0])
    from benchmarks.tui import bench_coding, bench_first_screen

    # the imported transcripts with the demo's codebook, so the screen has codes to suggest
    source = a.work / "tui-source.qtally"
    if not source.exists():
        shutil.copy(a.work / "imported.qtally", source)
        subprocess.run([python(), "-m", "qualtally", "import", str(source),
                        str(ROOT / "corpus" / "iom-evaluation" / "codebook.yaml")],
                       check=True, env=child_env(), stdout=subprocess.DEVNULL)
    status, words = bench_first_screen.expected_text(source)
    first = []
    for i in range(-1, 5):  # run -1 fills the byte-code cache
        copy = a.work / "tui-run" / source.name
        copy.parent.mkdir(exist_ok=True)
        shutil.copy(source, copy)
        took = bench_first_screen.one_run(copy, status, words)
        if i >= 0:
            first.append(took)
        shutil.rmtree(copy.parent)
    bench_coding.instrument()
    copy = a.work / "tui-run" / source.name
    copy.parent.mkdir(exist_ok=True)
    shutil.copy(source, copy)
    moves, ready = asyncio.run(next_excerpt(copy, 40))
    shutil.rmtree(copy.parent)
    write(a.json, {"first_screen_s": [round(t, 3) for t in first],
                   "first_screen_median_s": round(statistics.median(first), 3),
                   "next_excerpt_ms": summary(moves, 1000, 1),
                   "model_ready_during_moves": ready})


async def next_excerpt(path, moves: int) -> tuple[list[float], bool]:
    """``moves`` presses of j from the first excerpt, as soon as the screen is up, each timed
    to the frame with the new excerpt's suggestions, whether or not the model has finished
    loading in the background (on a large project it has not: that is what a coder meets)."""
    from benchmarks.tui import bench_coding
    from qualtally.project import Project
    from qualtally.tui.app import make_app

    project = Project.open(path)
    app = make_app(project, "bench")
    out = []
    async with app.run_test(size=(160, 48)):
        screen = app.coding
        while not (screen.is_mounted and screen.session.current is not None
                   and bench_coding.FRAMES):
            await asyncio.sleep(0.01)
        step = 1
        for _ in range(moves):
            out.append(await bench_coding.one_move(app, screen, step))
            step = bench_coding.next_step(screen, step)
        ready = bool(screen.model_ready)
    project.close()
    return out, ready


if __name__ == "__main__":
    main()
