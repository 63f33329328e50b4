"""Tally time on a generated project of 1,000,000 codings (``benchmarks/tally/bench_tally.py``'s
generator; 100,000 at ``--size demo``), best and median of 5, checked against the exact query."""

from __future__ import annotations

import statistics
import time

from benchmarks.steps import args, write
from benchmarks.tally.bench_tally import build
from qualtally.project import Project

SIZE = {"demo": (100_000, 2_000), "1k": (1_000_000, 10_000), "10k": (1_000_000, 10_000)}


def main() -> None:
    a = args(__doc__.splitlines()[0])
    codings, respondents = SIZE[a.size]
    path = a.work / f"tally-{codings}.qtally"
    if not path.exists():
        build(path, codings, respondents)
    with Project.open(path) as project:
        first = project.tally()  # rebuilds the cache the raw inserts left stale
        times = []
        for _ in range(5):
            t = time.perf_counter()
            project.tally()
            times.append(time.perf_counter() - t)
        exact = project.tally(exact=True)
        agrees = [(r.respondents, r.excerpts) for r in exact.codes] == [
            (r.respondents, r.excerpts) for r in first.codes]
        info = project.info()
    write(a.json, {"codings": info["codings"], "respondents": info["respondents"],
                   "tally_best_s": round(min(times), 3),
                   "tally_median_s": round(statistics.median(times), 3),
                   "agrees_with_exact": agrees})


if __name__ == "__main__":
    main()
