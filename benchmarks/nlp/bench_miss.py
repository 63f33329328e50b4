"""Back-to-back suggestion cache misses on a project, several passes, with and without write-back.

Why: a miss (an excerpt whose cached suggestions are missing or stale, its embedding in
memory) is the slowest thing a coder can meet once the model is loaded; the host's speed
drifts, so one pass says little. Each pass empties the cache, asks ``suggestions()`` for
every excerpt, and prints wall and thread-CPU p50/p95 (CPU time shows when the host, not
the code, got slower). Passes alternate: the real write-back thread / no write-back.

    PYTHONPATH=src python benchmarks/nlp/bench_miss.py [PROJECT.qtally] [--passes 4]

Without a project it builds the demo in a temporary folder (as bench_suggest_latency.py).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench_suggest_latency import build_demo, load_in_fresh_process, pct


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project", nargs="?")
    ap.add_argument("--passes", type=int, default=4)
    a = ap.parse_args()
    from qualtally.project import Project
    from qualtally.storage import suggestion_cache as sc

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(a.project) if a.project else build_demo(Path(tmp))
        if not a.project:
            load_in_fresh_process(path)  # fills what a first open would
        with Project.open(path) as p:
            p.load_suggester()
            ids = [e.id for e in p.excerpts()]
            writer = p.suggestion_cache.writer
            real = writer.put
            for i in range(a.passes):
                writes = i % 2 == 0
                writer.put = real if writes else (lambda row: None)  # type: ignore[method-assign]
                sc.clear(p.engine)
                ms, cpu = [], []
                for eid in ids:
                    t, c = time.perf_counter(), time.thread_time()
                    p.suggestions(eid, "bench")
                    ms.append(1000 * (time.perf_counter() - t))
                    cpu.append(1000 * (time.thread_time() - c))
                p.flush_suggestion_cache()
                print(
                    f"pass {i + 1} ({'write-back' if writes else 'no write-back'}): "
                    f"{len(ids)} misses, "
                    f"wall p50 {pct(ms, 0.5):.1f} p95 {pct(ms, 0.95):.1f} max {max(ms):.1f} ms; "
                    f"cpu p50 {pct(cpu, 0.5):.1f} p95 {pct(cpu, 0.95):.1f} ms; "
                    f"load {os.getloadavg()[0]:.2f}",
                    flush=True,
                )
            writer.put = real  # type: ignore[method-assign]


if __name__ == "__main__":
    main()
