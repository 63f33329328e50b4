"""Load test of a team project on the local PostgreSQL server (not a unit test).

Part 1 (``--coders 10 --seconds 60``): the demo corpus in a fresh database, N coder
processes writing codings at a person's pace (a think time drawn around ``--pace`` seconds
between two writes: apply a code, now and then remove one or undo), and one process running
a tally every second. Reports each write's latency (p50/p95/max), the tally's time, the
writes that failed (a lock wait past the 5 s timeout would be one), and checks at the end
that no acknowledged write is lost and that the cached tally equals an exact recount.

Part 2 (``--big``): a project of 2,000 transcripts (one respondent each) and 1,000,000
codings by two coders, bulk-loaded with COPY (bypassing the store, so the first tally
rebuilds the tally cache, timed separately), then ``Project.tally()`` best and median of 5.

Every database is created and dropped by the script. Run from the worktree root:

    .venv/bin/python benchmarks/team/bench_load.py [--coders 10] [--seconds 60] [--big]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import statistics
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "iom-evaluation"


@contextmanager
def database(server: str):
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"qt_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(server).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else 0.0


# -- part 1 ------------------------------------------------------------------------------
def coder(url: str, name: str, seed: int, start: float, until: float, pace: float,
          out) -> None:
    from qualtally.project import Project

    rng = random.Random(seed)
    latencies, failures, applied = [], [], set()
    with Project.open(url) as p:
        excerpts = [e.id for e in p.excerpts() if e.respondent_key is not None]
        codes = [c.id for c in p.codes()]
        time.sleep(max(0.0, start - time.time()))  # everyone starts together
        while time.time() < until:
            time.sleep(rng.uniform(0.5 * pace, 1.5 * pace))
            e, c = rng.choice(excerpts), rng.choice(codes)
            t0 = time.perf_counter()
            try:
                if applied and rng.random() < 0.1:
                    e2, c2 = rng.choice(sorted(applied))
                    p.remove_code(e2, c2, name)
                    applied.discard((e2, c2))
                elif p.toggle_code(e, c, name):
                    applied.add((e, c))
                else:
                    applied.discard((e, c))
            except Exception as err:  # noqa: BLE001 - counted and reported, not hidden
                failures.append(f"{type(err).__name__}: {err}"[:200])
                continue
            latencies.append(time.perf_counter() - t0)
    out.put({"coder": name, "latencies": latencies, "failures": failures,
             "applied": sorted(applied)})


def tallier(url: str, start: float, until: float, out) -> None:
    from qualtally.project import Project

    times, failures = [], []
    with Project.open(url) as p:
        time.sleep(max(0.0, start - time.time()))
        while time.time() < until:
            start = time.time()
            t0 = time.perf_counter()
            try:
                p.tally()
            except Exception as err:  # noqa: BLE001
                failures.append(f"{type(err).__name__}: {err}"[:200])
            times.append(time.perf_counter() - t0)
            time.sleep(max(0.0, 1.0 - (time.time() - start)))
    out.put({"tally": times, "failures": failures})


def load_test(server: str, coders: int, seconds: float, pace: float) -> None:
    from qualtally.cli import main as cli
    from qualtally.project import Project

    with database(server) as url:
        assert cli(["new", url]) == 0
        assert cli(["import", url, str(CORPUS), "--no-suggestions", "--quiet"]) == 0
        ctx = mp.get_context("spawn")
        out = ctx.Queue()
        start = time.time() + 30  # the processes' imports and openings take a while
        until = start + seconds
        procs = [ctx.Process(target=coder,
                             args=(url, f"coder{i:02d}", i, start, until, pace, out))
                 for i in range(coders)]
        procs.append(ctx.Process(target=tallier, args=(url, start, until, out)))
        for p in procs:
            p.start()
        results = [out.get(timeout=seconds + 300) for _ in procs]
        for p in procs:
            p.join()
        writes = [x for r in results if "coder" in r for x in r["latencies"]]
        failures = [f for r in results for f in r["failures"]]
        tallies = next(r["tally"] for r in results if "tally" in r)
        with Project.open(url) as p:
            ids = [e.id for e in p.excerpts()]
            lost = 0
            for r in results:
                if "coder" not in r:
                    continue
                have = {(e, c) for e, rows in p.codings(ids, r["coder"]).items()
                        for c, *_ in rows}
                lost += len({tuple(x) for x in r["applied"]} ^ have)
            cached, exact = p.tally(), p.tally(exact=True)
            same = ([(x.respondents, x.excerpts) for x in cached.codes]
                    == [(x.respondents, x.excerpts) for x in exact.codes])
        print(f"{coders} coders x {seconds:.0f} s at ~{pace} s a write, + 1 tally a second "
              f"(PostgreSQL, demo corpus)")
        print(f"  writes: {len(writes)} acknowledged, {len(failures)} failed; "
              f"lost or extra: {lost}")
        print(f"  write latency: p50 {pct(writes, .5) * 1000:.0f} ms, "
              f"p95 {pct(writes, .95) * 1000:.0f} ms, max {max(writes) * 1000:.0f} ms")
        print(f"  tally ({len(tallies)}): p50 {pct(tallies, .5) * 1000:.0f} ms, "
              f"p95 {pct(tallies, .95) * 1000:.0f} ms, max {max(tallies) * 1000:.0f} ms")
        print(f"  cached tally equals exact recount: {same}")
        for f in failures[:5]:
            print(f"  failure: {f}")


# -- part 2 ------------------------------------------------------------------------------
def big(server: str, transcripts: int, n_codings: int) -> None:
    import psycopg

    from qualtally.core.models import Code, Finding, ImportBundle, Respondent
    from qualtally.project import Project

    rnd = random.Random(7)
    with database(server) as url:
        parents = [f"Theme {i}" for i in range(10)]
        codes = [Code(p) for p in parents] + [Code(f"Sub {j}", p) for p in parents
                                              for j in range(5)]
        findings = [Finding(f"F{i}", f"Many respondents said thing {i}.",
                            code_paths=(f"Theme {i}",)) for i in range(10)]
        respondents = [Respondent(f"R{i:05d}", {"group": f"G{i % 6}"})
                       for i in range(transcripts)]
        t0 = time.perf_counter()
        with Project.new(url) as project:
            project.store.import_bundle(ImportBundle("bench", respondents=respondents,
                                                     codes=codes, findings=findings), "bench")
            code_ids = [c.id for c in project.codes()]
            rids = [r.id for r in sorted(project.respondents(), key=lambda r: r.key)]
        per_doc = max(1, int(n_codings // 3 // transcripts))
        args = sa.engine.make_url(url).translate_connect_args(username="user",
                                                               database="dbname")
        with psycopg.connect(**args) as conn, conn.cursor() as cur:
            with cur.copy("COPY documents (id, name, kind, text, meta) FROM STDIN") as cp:
                for i in range(transcripts):
                    cp.write_row((i + 1, f"doc{i:05d}.txt", "txt", "x" * 100 * per_doc, "{}"))
            eid = 0
            with cur.copy('COPY excerpts (id, document_id, start, "end", respondent_id) '
                          "FROM STDIN") as cp:
                for i, rid in enumerate(rids):
                    for k in range(per_doc):
                        eid += 1
                        cp.write_row((eid, i + 1, k * 100, k * 100 + 100, rid))
            seen: set[tuple[int, int, str]] = set()
            with cur.copy("COPY codings (excerpt_id, code_id, coder, origin, created) "
                          "FROM STDIN") as cp:
                while len(seen) < n_codings:
                    row = (rnd.randrange(1, eid + 1), rnd.choice(code_ids),
                           rnd.choice(("alice", "bob")))
                    if row in seen:
                        continue
                    seen.add(row)
                    cp.write_row((*row, "human", "2024-01-01"))
            cur.execute("SELECT setval(pg_get_serial_sequence('excerpts', 'id'), %s)", (eid,))
            cur.execute("ANALYZE")
        print(f"built {transcripts} transcripts, {eid} excerpts, {n_codings} codings "
              f"in {time.perf_counter() - t0:.0f} s")
        with Project.open(url) as project:
            t0 = time.perf_counter()
            project.tally()
            print(f"  first tally (rebuilds the cache) {time.perf_counter() - t0:.1f} s")
            for label, kw in (("tally()", {}), ("tally(by='group')", {"by": "group"}),
                              ("tally(coder='alice')", {"coder": "alice"})):
                times = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    project.tally(**kw)
                    times.append(time.perf_counter() - t0)
                print(f"  {label:<22} best {min(times):.3f} s, "
                      f"median {statistics.median(times):.3f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", default=SERVER)
    ap.add_argument("--coders", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--pace", type=float, default=3.0,
                    help="mean seconds between two writes of one coder")
    ap.add_argument("--big", action="store_true", help="also the 2,000-transcript project")
    ap.add_argument("--no-load", action="store_true", help="only the big project")
    ap.add_argument("--transcripts", type=int, default=2000)
    ap.add_argument("--codings", type=int, default=1_000_000)
    a = ap.parse_args()
    if not a.no_load:
        load_test(a.server, a.coders, a.seconds, a.pace)
    if a.big or a.no_load:
        big(a.server, a.transcripts, a.codings)
    print(json.dumps({"load_avg": Path("/proc/loadavg").read_text().split()[:3]}))


if __name__ == "__main__":
    main()
