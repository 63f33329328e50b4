"""The suite's targets (issue 16, on a 2-core machine) and the RESULTS.md table.

Each target reads one figure from a step's results; a step that failed or was not run
gives "not measured", never a pass.
"""

from __future__ import annotations

TARGETS = [
    # name, step, how to read the figure, comparison, limit, unit, reference in the same run
    ("import throughput >= 60% of the bare reference", "imports",
     lambda s: s["ratio"], ">=", 0.60, "x",
     lambda s: f"import {s['import_median_s']} s vs reference {s['reference_median_s']} s "
               f"({s['files']} files, {s['words']:,} words)"),
    ("import peak memory <= 1.5 GB", "imports", lambda s: s["import_peak_mb"], "<=", 1536, "MB",
     lambda s: f"reference {s['reference_peak_mb']} MB"),
    ("suggestions p95 <= 10 ms on a cache miss", "suggest",
     lambda s: s["cache_miss_ms"]["p95"], "<=", 10, "ms",
     lambda s: f"cache hit p95 {s['cache_hit_ms']['p95']} ms, "
               f"new text p95 {s['new_text_ms']['p95']} ms"),
    ("suggestions visible <= 2 s after a fresh process opens the demo", "suggest",
     lambda s: s["first_suggestions_s"], "<=", 2, "s", lambda s: ""),
    ("retraining 5,000 codings <= 5 s", "retrain",
     lambda s: s["codings"]["5000"]["retrain_s"], "<=", 5, "s",
     lambda s: ", ".join(f"{k}: {v['retrain_s']} s" for k, v in s["codings"].items())),
    ("tally of 1,000,000 codings <= 0.5 s", "tally", lambda s: s["tally_median_s"], "<=", 0.5,
     "s", lambda s: f"{s['codings']:,} codings, agrees with the exact query: "
                    f"{s['agrees_with_exact']}"),
    ("TUI first screen <= 1 s", "tui", lambda s: s["first_screen_median_s"], "<=", 1, "s",
     lambda s: "process start to status line and transcript drawn"),
    ("next excerpt p95 <= 50 ms", "tui", lambda s: s["next_excerpt_ms"]["p95"], "<=", 50, "ms",
     lambda s: f"p50 {s['next_excerpt_ms']['p50']} ms"),
]


def check(steps: dict) -> list[dict]:
    out = []
    for name, step, read, op, limit, unit, ref in TARGETS:
        s = steps.get(step)
        try:
            value = read(s)
            reference = ref(s)
        except (KeyError, TypeError):
            out.append({"target": name, "value": None, "holds": None,
                        "note": "not measured" if s is None or "error" not in s
                        else f"step failed: {s['error']}"})
            continue
        holds = value >= limit if op == ">=" else value <= limit
        if step == "tally" and s["codings"] < 1_000_000:
            reference += " (a smaller project than the target's: run --size 1k)"
            holds = None
        out.append({"target": name, "value": value, "unit": unit, "holds": holds,
                    "reference": reference})
    return out


def table(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python -m benchmarks --size {results['size']}` on {results['date']} "
        f"({results['total_s']} s in all). Machine: {m['cpus']} CPUs, {m['cpu']}, "
        f"Python {m['python']}; load average before "
        + " ".join(f"{x:.2f}" for x in results["load_average_before"]) + ".",
        "Libraries: " + ", ".join(f"{k} {v}" for k, v in m["libraries"].items()) + ".",
        "",
        "| target | figure | holds | compared with, same run |",
        "| --- | --- | --- | --- |",
    ]
    for t in results["targets"]:
        if t["value"] is None:
            lines.append(f"| {t['target']} | {t['note']} | - | |")
        else:
            mark = {True: "yes", False: "**no**", None: "n/a at this size"}[t["holds"]]
            lines.append(f"| {t['target']} | {t['value']} {t['unit']} | {mark} | "
                         f"{t['reference']} |")
    q = results["steps"].get("quality", {}).get("micro_f1")
    if q:
        lines += ["", "Suggestion quality, micro-F1, 5-fold CV, seed 0 (real data first):", "",
                  "| data | qualtally | keyword search | TF-IDF + LR | TF-IDF + LR balanced |",
                  "| --- | --- | --- | --- | --- |"]
        for name, r in q.items():
            lines.append(f"| {name} | {r['qualtally']} | {r['keyword']} | {r['tfidf_lr']} | "
                         f"{r['tfidf_lr_bal']} |")
    lines += ["", "Peak memory of each step's process (MB) and its wall time:", "",
              "| step | peak MB | seconds |", "| --- | --- | --- |"]
    for name, s in results["steps"].items():
        lines.append(f"| {name} | {s.get('step_peak_mb', '-')} | {s.get('step_s', '-')} |")
    return "\n".join(lines) + "\n"
