"""Import speed against the bare reference, in the same run, whole processes timed.

Generates the size's transcripts (``benchmarks/gen_transcripts.py``), then alternates
``qualtally import P FOLDER`` (as a new user runs it) into a new project with
``benchmarks/bare_reference.py FOLDER DB`` (spaCy blank("en") + sentencizer, one
executemany), ``runs`` times each; reports medians, the ratio (reference time / import
time = import throughput as a share of the reference's), and each process's peak memory
(``os.wait4``). The last import's project is kept in the work folder for the TUI step.
"""

from __future__ import annotations

import os
import subprocess
import time

from benchmarks.steps import ROOT, args, child_env, python, write

SIZE = {"demo": (30, 3000, 3), "1k": (1000, 5000, 3), "10k": (10000, 1000, 1)}
"""files, words per file, runs of each"""


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one process."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=child_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - t
    err = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return took, usage.ru_maxrss // 1024


def main() -> None:
    a = args(__doc__.splitlines()[0])
    files, words, runs = SIZE[a.size]
    corpus = a.work / f"transcripts-{files}x{words}"
    if not corpus.is_dir():
        subprocess.run([python(), str(ROOT / "benchmarks" / "gen_transcripts.py"), str(corpus),
                        "--files", str(files), "--words", str(words)], check=True)
    n_words = sum(len(p.read_text().split()) for p in corpus.iterdir())
    imports, refs = [], []
    project = a.work / "imported.qtally"
    for i in range(runs):
        for p in a.work.glob("imported.qtally*"):
            p.unlink()
        for p in a.work.glob("reference.db*"):
            p.unlink()
        subprocess.run([python(), "-m", "qualtally", "new", str(project)], check=True,
                       env=child_env(), stdout=subprocess.DEVNULL)
        pair = [
            ("import", [python(), "-m", "qualtally", "import", str(project), str(corpus)],
             imports),
            ("reference", [python(), str(ROOT / "benchmarks" / "bare_reference.py"),
                           str(corpus), str(a.work / "reference.db")], refs),
        ]
        for _, cmd, out in (pair if i % 2 == 0 else pair[::-1]):
            out.append(timed(cmd))
    med = sorted(t for t, _ in imports)[len(imports) // 2]
    ref = sorted(t for t, _ in refs)[len(refs) // 2]
    write(a.json, {
        "files": files, "words": n_words, "runs": runs,
        "import_s": [round(t, 2) for t, _ in imports],
        "reference_s": [round(t, 2) for t, _ in refs],
        "import_median_s": round(med, 2), "reference_median_s": round(ref, 2),
        "ratio": round(ref / med, 3),
        "import_peak_mb": max(m for _, m in imports),
        "reference_peak_mb": max(m for _, m in refs),
        "project": str(project),
    })


if __name__ == "__main__":
    main()
