"""Suggestion latency on the demo: cache hit, cache miss, new text (p50/p95), and time to the
first suggestions after a fresh process opens it (``benchmarks/nlp/bench_suggest_latency.py``)."""

from __future__ import annotations

import json
import subprocess

from benchmarks.steps import ROOT, args, child_env, python, write


def main() -> None:
    a = args(__doc__.splitlines()[0])
    out = a.work / "latency.json"
    subprocess.run([python(), str(ROOT / "benchmarks" / "nlp" / "bench_suggest_latency.py"),
                    "--runs", "3", "--fresh-runs", "1", "--json", str(out)],
                   check=True, env=child_env(), stdout=subprocess.DEVNULL)
    r = json.loads(out.read_text())
    write(a.json, {
        "cache_hit_ms": r["cache_hit_ms"], "cache_miss_ms": r["cache_miss_ms"],
        "new_text_ms": r["narrowed_span_ms"],
        "first_suggestions_s": r["first_with_loader"]["median_from_import_s"],
    })


if __name__ == "__main__":
    main()
