"""Benchmark: the respondent tally over 1,000,000 codings and 10,000 respondents.

Target (issue 6, item 8): ``Project.tally()`` in <= 0.5 s. Run from the worktree root:

    PYTHONPATH=src python benchmarks/tally/bench_tally.py [--codings 1000000] [--respondents 10000]

The project file is generated once (cached under /tmp, named after the schema revision)
with raw inserts, which bypass the store, so the first tally finds the tally cache stale and
rebuilds it (timed separately). Then the tally is timed, best of 5, also split by an
attribute and restricted to one coder; ``--exact`` also times the reference path
(``tally(exact=True)``: the support query over all codings) once and checks it agrees.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from qualtally.core.models import Code, Finding, ImportBundle, Respondent
from qualtally.project import Project


def build(path: Path, n_codings: int, n_resp: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    parents = [f"Theme {i}" for i in range(10)]
    codes = [Code(p) for p in parents] + [Code(f"Sub {j}", p) for p in parents for j in range(5)]
    findings = [
        Finding(f"F{i}", f"Many respondents said thing {i}.", code_paths=(f"Theme {i}",))
        for i in range(10)
    ]
    respondents = [Respondent(f"R{i:05d}", {"group": f"G{i % 6}"}) for i in range(n_resp)]
    with Project.new(path) as project:
        project.store.import_bundle(ImportBundle("bench", respondents=respondents, codes=codes,
                                                 findings=findings), "bench")
        code_ids = [c.id for c in project.codes()]
        rids = {r.key: r.id for r in project.respondents()}
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    per_doc = max(1, n_codings // (2 * 1.5) // n_resp)  # excerpts per respondent
    text = "x" * 100
    con.executemany(
        "INSERT INTO documents (id, name, kind, text, meta) VALUES (?, ?, 'txt', ?, '{}')",
        [(i + 1, f"doc{i:05d}.txt", text * int(per_doc)) for i in range(n_resp)],
    )
    excerpts, eid = [], 0
    for i, key in enumerate(sorted(rids)):
        for k in range(int(per_doc)):
            eid += 1
            excerpts.append((eid, i + 1, k * 100, k * 100 + 100, rids[key]))
    con.executemany(
        'INSERT INTO excerpts (id, document_id, start, "end", respondent_id) VALUES (?,?,?,?,?)',
        excerpts,
    )
    codings, seen = [], set()
    while len(codings) < n_codings:
        e = rnd.randrange(1, eid + 1)
        c = rnd.choice(code_ids)
        coder = rnd.choice(("alice", "bob"))
        if (e, c, coder) in seen:
            continue
        seen.add((e, c, coder))
        codings.append((e, c, coder, "human", "2024-01-01"))
    con.executemany(
        "INSERT INTO codings (excerpt_id, code_id, coder, origin, created) VALUES (?,?,?,?,?)",
        codings,
    )
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--codings", type=int, default=1_000_000)
    ap.add_argument("--respondents", type=int, default=10_000)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--exact", action="store_true", help="also time tally(exact=True) once")
    args = ap.parse_args()
    from qualtally.storage.engine import head_revision

    path = (
        Path(tempfile.gettempdir())
        / f"qualtally-bench-r{head_revision()}-{args.codings}-{args.respondents}.qtally"
    )
    if args.rebuild or not path.exists():
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        t0 = time.perf_counter()
        build(path, args.codings, args.respondents)
        print(f"built {path} in {time.perf_counter() - t0:.1f} s")
    with Project.open(path) as project:
        info = project.info()
        print(
            f"{info['codings']} codings, {info['respondents']} respondents, "
            f"{info['excerpts']} excerpts, "
            f"{info['codes']} codes"
        )
        t0 = time.perf_counter()
        first = project.tally()
        print(f"first tally (cache rebuilt if stale) {time.perf_counter() - t0:.2f} s")
        if args.exact:
            t0 = time.perf_counter()
            ref = project.tally(exact=True)
            seconds = time.perf_counter() - t0

            def counts(rows):
                return [(r.respondents, r.excerpts) for r in rows]

            print(
                f"tally(exact=True) {seconds:.2f} s; agrees: "
                f"{counts(ref.codes) == counts(first.codes)}"
                f" and {counts(ref.findings) == counts(first.findings)}"
            )
        for label, kwargs in (("tally()", {}), ("tally(by='group')", {"by": "group"}),
                              ("tally(coder='alice')", {"coder": "alice"})):
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                tally = project.tally(**kwargs)
                times.append(time.perf_counter() - t0)
            print(f"{label:<22} best {min(times):.3f} s  median {sorted(times)[2]:.3f} s  "
                  f"(F0: {tally.findings[0].respondents}/{tally.findings[0].denominator})")


if __name__ == "__main__":
    main()
