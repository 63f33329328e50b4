"""Suggestion latency: time to the first suggestions on reopen, per-excerpt cost, cache refresh.

Targets (issue 5): suggestions visible <= 2 s after the TUI starts (models load in the
background) and one excerpt's suggestions <= 10 ms p95 once loaded. Works on a copy of a
project in a temporary folder (the demo, built from the corpus, by default; or
``--synthetic N`` survey answers over 8 questions, or ``--project FILE`` with its model
folder, in which case "first load" is that copy's first load), so no user's project or
model folder is touched. Prints what it ran and the load average.

    python benchmarks/nlp/bench_suggest_latency.py [--synthetic 6400] [--project FILE] [--runs 5]

(a) ``first``: a fresh Python process imports qualtally.project, opens the project and
    calls ``suggestions()`` for the first excerpt of the first document (its id found
    beforehand, as the TUI reads only the open document's excerpts) until it is non-empty;
    timed from before the import and from ``Project.open``. Done twice: alone, and with
    ``load_suggester`` started in a thread right after open, as the TUI does.
(a0) ``first open``: the same, with the background loader, on a fresh copy that has no
    suggestion cache (the project as built, or ``--project`` with its cache table emptied):
    a fresh ``qualtally demo``, or any project after a qualtally upgrade. Each run on its own
    copy; ``--fresh-runs`` (default 3, 0 with ``--synthetic``, whose first open trains).
(b) ``per excerpt``: once loaded, ``suggestions()`` for every excerpt, all cache hits;
    then with the cache emptied, every call a miss computed by the engine (embeddings
    already in memory; the write-back to the cache runs in a background thread, not timed).
    Then, for 300 of them (seeded), the engine on a narrowed span (the text minus its last
    word: new text, so the sentence encoder runs too), as a coder's narrowed excerpt costs.
(c) ``refresh``: ``refresh_suggestion_cache()`` over every excerpt from an empty cache
    (embeddings in memory), and the first ``load_suggester`` of the project (cold: embeds
    every excerpt, fills the cache) versus a reopen's (embeddings read from disk).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def build_demo(folder: Path) -> Path:
    from qualtally.demo import corpus_dir
    from qualtally.project import Project

    path = folder / "demo.qtally"
    with Project.new(path) as p:
        p.import_paths([corpus_dir()], actor="bench")
    return path


def build_synthetic(folder: Path, n: int, seed: int = 0) -> Path:
    """n survey answers over 8 questions (15 codes each, codes per question); 70 % coded."""
    sys.path.insert(0, str(HERE))
    from synth_survey import make_question

    from qualtally.core.models import Code, CodedRow, ImportBundle
    from qualtally.project import Project

    rng = random.Random(seed)
    codes, rows = [], []
    per_q = n // 8
    for q in range(1, 9):
        answers = make_question(q, rng, 15, per_q, 0.05)
        codes += [Code(f"Q{q} code {k + 1}", f"Q{q}") for k in range(15)]
        codes.insert(len(codes) - 15, Code(f"Q{q}"))
        for i, (text, labels) in enumerate(answers):
            coded = rng.random() < 0.7 and labels
            rows.append(
                CodedRow(
                    f"S{i:04d}",
                    text,
                    tuple(f"Q{q} > {c}" for c in labels) if coded else (),
                    "synthetic",
                    f"respondent-{i:04d}",
                    f"Q{q}",
                )
            )
    path = folder / f"synthetic-{n}.qtally"
    with Project.new(path) as p:
        p.store.import_bundle(ImportBundle("synthetic", codes=codes, coded=rows), "bench")
    return path


FIRST = r"""
import sys, time, threading
t0 = time.perf_counter()
from qualtally.project import Project
t1 = time.perf_counter()
p = Project.open(sys.argv[1])
if sys.argv[2] == "loader":
    threading.Thread(target=p.load_suggester, daemon=True).start()
eid = int(sys.argv[3])
n = 0
while True:
    found = p.suggestions(eid, "bench")
    n += 1
    if found or time.perf_counter() - t1 > 60:
        break
    time.sleep(0.01)
t2 = time.perf_counter()
heavy = [m for m in ("sklearn", "skops", "spacy") if m in sys.modules]
print(f"{t2 - t0:.4f} {t2 - t1:.4f} {len(found)} {n} {','.join(heavy) or '-'}")
import os; os._exit(0)
"""


def first_suggestions(path: Path, runs: int, loader: bool) -> dict:
    from qualtally.project import Project

    with Project.open(path) as p:  # the excerpt a coder starts on (the TUI reads one document's)
        eid = p.excerpts(p.documents()[0].id)[0].id
    out = []
    for _ in range(runs):
        r = subprocess.run(
            [sys.executable, "-c", FIRST, str(path), "loader" if loader else "alone", str(eid)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
        total, from_open, n, calls, heavy = r.stdout.split()
        out.append({"from_import_s": float(total), "from_open_s": float(from_open), "shown": int(n),
                    "calls": int(calls), "heavy_loaded": heavy})
    return {"runs": out, "median_from_import_s": statistics.median(r["from_import_s"] for r in out),
            "max_from_import_s": max(r["from_import_s"] for r in out),
            "median_from_open_s": statistics.median(r["from_open_s"] for r in out)}


def first_open(pristine: Path, runs: int) -> dict:
    """(a0): ``first_suggestions`` with the loader, each run on a new copy with no cache."""
    import sqlite3

    out = []
    for i in range(runs):
        path = pristine.parent.parent / f"fresh-{i}" / pristine.name
        path.parent.mkdir()
        shutil.copy(pristine, path)
        if Path(f"{pristine}.models").is_dir():
            shutil.copytree(f"{pristine}.models", f"{path}.models")
        with sqlite3.connect(path) as conn:
            conn.execute("DELETE FROM suggestion_cache")
        out += first_suggestions(path, 1, True)["runs"]
    return {"runs": out, "median_from_import_s": statistics.median(r["from_import_s"] for r in out),
            "max_from_import_s": max(r["from_import_s"] for r in out),
            "median_from_open_s": statistics.median(r["from_open_s"] for r in out)}


def load_in_fresh_process(path: Path) -> float:
    code = (
        "import sys, time\nfrom qualtally.project import Project\np = Project.open(sys.argv[1])\n"
        "t = time.perf_counter()\np.load_suggester()\nprint(f'{time.perf_counter() - t:.3f}')"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    return float(r.stdout.split()[-1])


def per_excerpt(path: Path, sample: int | None = None) -> dict:
    from qualtally.project import Project
    from qualtally.storage import suggestion_cache as sc

    with Project.open(path) as p:
        p.load_suggester()
        ids = [e.id for e in p.excerpts()]
        if sample and sample < len(ids):
            ids = sorted(random.Random(0).sample(ids, sample))
        hits, misses = [], []
        for eid in ids:
            t = time.perf_counter()
            p.suggestions(eid, "bench")
            hits.append(1000 * (time.perf_counter() - t))
        sc.clear(p.engine)
        for eid in ids:
            t = time.perf_counter()
            p.suggestions(eid, "bench")
            misses.append(1000 * (time.perf_counter() - t))
        p.flush_suggestion_cache()  # misses are written back by a background thread
        # a narrowed span: new text (its last word dropped), so nothing of it is cached, its
        # embedding included; the engine's own call, as _cached_or_computed makes it
        engine, narrowed = p.suggest_state.suggester, []
        chosen = set(random.Random(1).sample(ids, min(300, len(ids))))
        for e in p.excerpts():
            if e.id in chosen and " " in e.text.strip():
                text = e.text.strip().rsplit(" ", 1)[0]
                t = time.perf_counter()
                engine.suggest_many([text], e.question or "", limit=16)
                narrowed.append(1000 * (time.perf_counter() - t))
        sc.clear(p.engine)
        t = time.perf_counter()
        written = p.refresh_suggestion_cache()
        refresh = time.perf_counter() - t
        entries = p.reads.read(sc.read_many, p.suggest_state.key)
        size = sum(len(json.dumps(d)) for _, d in entries.values())
    stats = {}
    for name, xs in (
        ("cache_hit_ms", hits),
        ("cache_miss_ms", misses),
        ("narrowed_span_ms", narrowed),
    ):
        stats[name] = {"n": len(xs), "p50": round(pct(xs, 0.5), 2), "p95": round(pct(xs, 0.95), 2),
                       "max": round(max(xs), 2)}
    stats["refresh_all"] = {"excerpts": written, "seconds": round(refresh, 2),
                            "ms_per_excerpt": round(1000 * refresh / max(written, 1), 2),
                            "payload_mb": round(size / 1e6, 2)}
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--project", help="a project file to copy (default: the demo, built from the corpus)"
    )
    ap.add_argument(
        "--synthetic", type=int, help="build a synthetic survey project with this many answers"
    )
    ap.add_argument("--runs", type=int, default=5, help="fresh processes for (a)")
    ap.add_argument(
        "--fresh-runs", type=int, help="(a0) first opens, each on a new copy with no cache"
    )
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument(
        "--sample", type=int, help="(b) on this many excerpts (seeded sample) instead of all"
    )
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qt-suggest-bench-"))
    try:
        t = time.perf_counter()
        if a.project:
            path = work / Path(a.project).name
            shutil.copy(a.project, path)
            if Path(f"{a.project}.models").is_dir():  # its model and saved embeddings too
                shutil.copytree(f"{a.project}.models", f"{path}.models")
            label = f"copy of {a.project}"
        elif a.synthetic:
            path = build_synthetic(work, a.synthetic)
            label = f"synthetic survey, {a.synthetic} answers"
        else:
            path = build_demo(work)
            label = "demo (corpus/iom-evaluation)"
        res = {
            "project": label,
            "build_s": round(time.perf_counter() - t, 2),
            "load_before": load(),
        }
        print(
            f"{label}: built in {res['build_s']} s; load average {res['load_before']}", flush=True
        )
        fresh_runs = a.fresh_runs if a.fresh_runs is not None else (0 if a.synthetic else 3)
        if fresh_runs:
            (work / "pristine").mkdir()
            pristine = work / "pristine" / path.name
            shutil.copy(path, pristine)
            if Path(f"{path}.models").is_dir():
                shutil.copytree(f"{path}.models", f"{pristine}.models")
            r = res["first_open"] = first_open(pristine, fresh_runs)
            print(
                f"(a0) first open, no suggestion cache, fresh process + background loader: median "
                f"{r['median_from_import_s']:.3f} s from import "
                f"(max {r['max_from_import_s']:.3f}), "
                f"{r['median_from_open_s']:.3f} s from open; load average {load()}",
                flush=True,
            )
        res["first_load_suggester_s"] = load_in_fresh_process(path)
        print(
            "(c) first load_suggester (train or load, embed all, fill cache): "
            f"{res['first_load_suggester_s']} s",
            flush=True,
        )
        res["reopen_load_suggester_s"] = load_in_fresh_process(path)
        print(
            "(c) reopen load_suggester (embeddings from disk, cache valid): "
            f"{res['reopen_load_suggester_s']} s",
            flush=True,
        )
        for loader in (False, True):
            r = first_suggestions(path, a.runs, loader)
            res["first_with_loader" if loader else "first_alone"] = r
            print(
                "(a) first non-empty suggestions, fresh process"
                f"{' + background loader' if loader else ''}: "
                f"median {r['median_from_import_s']:.3f} s from import "
                f"(max {r['max_from_import_s']:.3f}), "
                f"{r['median_from_open_s']:.3f} s from open; heavy modules loaded: "
                f"{sorted({x['heavy_loaded'] for x in r['runs']})}",
                flush=True,
            )
        res.update(per_excerpt(path, a.sample))
        for name in ("cache_hit_ms", "cache_miss_ms", "narrowed_span_ms"):
            s = res[name]
            print(
                f"(b) suggestions(), {name[:-3].replace('_', ' ')}: n={s['n']} p50 {s['p50']} ms, "
                f"p95 {s['p95']} ms, max {s['max']} ms"
            )
        r = res["refresh_all"]
        print(
            f"(c) refresh_suggestion_cache from empty: {r['excerpts']} excerpts "
            f"in {r['seconds']} s "
            f"({r['ms_per_excerpt']} ms each), payloads {r['payload_mb']} MB"
        )
        res["load_after"] = load()
        print(f"load average after: {res['load_after']}")
        if a.json:
            Path(a.json).write_text(json.dumps(res, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
