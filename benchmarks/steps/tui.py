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
    phases = asyncio.run(bench_coding.measure(copy, 40, 0.2))
    shutil.rmtree(copy.parent)
    loaded = phases["model loaded, back to back"]
    write(a.json, {"first_screen_s": [round(t, 3) for t in first],
                   "first_screen_median_s": round(statistics.median(first), 3),
                   "next_excerpt_ms": summary(loaded, 1000, 1)})


if __name__ == "__main__":
    main()
