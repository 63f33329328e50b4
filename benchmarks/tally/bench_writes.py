"""Benchmark: what keeping the tally cache costs the writes.

    PYTHONPATH=src python benchmarks/tally/bench_writes.py [--project PATH] \
        [--import-respondents 300]

* single writes on a large project (default: the 1M-codings file bench_tally.py builds):
  apply_code then remove_code, apply_code then undo (best and median of 20 pairs), and a
  finding-link change (update_code finding_key) and its reversal, once each;
* an import through ``Store.import_bundle`` into a fresh project: respondents with one
  document each and a coded-excerpts bundle (the cache is built inside the import).

Run it with another checkout's ``src`` on ``PYTHONPATH`` to compare (the script only uses
APIs that predate the cache; ``--project`` must then be a file at that checkout's revision).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from qualtally.core.models import Code, CodedRow, Document, Finding, ImportBundle, Respondent, Turn
from qualtally.project import Project


def stats(ts: list[float]) -> str:
    ts = sorted(ts)
    return f"best {ts[0] * 1000:.1f} ms  median {ts[len(ts) // 2] * 1000:.1f} ms"


def single_writes(path: Path, links: bool) -> None:
    with Project.open(path) as p:
        p.tally()
        ex = [e.id for e in p.excerpts()[:20000]]
        codes = p.codes()
        rnd = random.Random(1)
        pairs = [(rnd.choice(ex), rnd.choice(codes).id) for _ in range(20)]
        ts = []
        for e, c in pairs:
            t0 = time.perf_counter()
            p.apply_code(e, c, "zoe")
            ts.append(time.perf_counter() - t0)
            p.remove_code(e, c, "zoe")
        print(f"apply_code            {stats(ts)}")
        ts = []
        for e, c in pairs:
            p.apply_code(e, c, "zoe")
            t0 = time.perf_counter()
            p.remove_code(e, c, "zoe")
            ts.append(time.perf_counter() - t0)
        print(f"remove_code           {stats(ts)}")
        ts = []
        for e, c in pairs:
            p.apply_code(e, c, "zoe")
            t0 = time.perf_counter()
            p.undo("zoe")
            ts.append(time.perf_counter() - t0)
        print(f"undo (of apply_code)  {stats(ts)}")
        if links:
            sub = next(c for c in codes if c.parent_id is not None)
            t0 = time.perf_counter()
            p.update_code(sub.id, "zoe", finding_key="F1")
            t1 = time.perf_counter()
            p.update_code(sub.id, "zoe", finding_key=None)
            t2 = time.perf_counter()
            print(f"link a code to a finding {t1 - t0:.2f} s, unlink {t2 - t1:.2f} s")


def import_bundle(n_resp: int) -> None:
    rnd = random.Random(3)
    sentences = [f"Sentence number {i} about topic {i % 7}." for i in range(12)]
    respondents = [Respondent(f"R{i:04d}", {"group": f"G{i % 4}"}) for i in range(n_resp)]
    codes = [Code(f"Theme {i}", finding=f"F{i}") for i in range(6)] + \
        [Code(f"Sub {j}", f"Theme {i}") for i in range(6) for j in range(4)]
    findings = [Finding(f"F{i}", f"Many said {i}.") for i in range(6)]
    paths = [c.path for c in codes[:6]] + [f"{c.parent_path} > {c.name}" for c in codes[6:]]
    docs, coded = [], []
    for r in respondents:
        text, turns = "", []
        for s in sentences:
            turns.append(Turn(len(text) + 3, len(text) + 3 + len(s), "Ann", r.key))
            text += "A: " + s + "\n"
        name = f"{r.key}.txt"
        docs.append(Document(name, text, tuple(turns)))
        for s in sentences:
            for coder in ("alice", "bob"):
                coded.append(CodedRow(r.key, s, tuple(rnd.sample(paths, 2)), coder, name))
    with tempfile.TemporaryDirectory() as tmp:
        with Project.new(Path(tmp) / "imp.qtally") as p:
            t0 = time.perf_counter()
            p.store.import_bundle(ImportBundle("bench", respondents=respondents, documents=docs,
                                               codes=codes, findings=findings), "bench")
            t1 = time.perf_counter()
            p.store.import_bundle(
                ImportBundle("bench.csv", coded=coded, coded_source="bench.csv"), "bench"
            )
            t2 = time.perf_counter()
            n = p.info()["codings"]
        print(f"import {n_resp} respondents/documents + codebook {t1 - t0:.2f} s; "
              f"then {len(coded)} coded rows ({n} codings) {t2 - t1:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--project", type=Path,
                    default=None, help="large project file (default: bench_tally.py's 1M file)")
    ap.add_argument("--import-respondents", type=int, default=300)
    ap.add_argument("--no-links", action="store_true")
    args = ap.parse_args()
    if args.project is None:
        from qualtally.storage.engine import head_revision

        args.project = (
            Path(tempfile.gettempdir()) / f"qualtally-bench-r{head_revision()}-1000000-10000.qtally"
        )
    single_writes(args.project, not args.no_links)
    import_bundle(args.import_respondents)


if __name__ == "__main__":
    main()
