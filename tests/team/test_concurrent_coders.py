"""Several coders at once, as separate processes on one project (PostgreSQL and a SQLite
file): no write is lost, none fails, a tally running meanwhile never errs, the tally
cache equals the exact recount afterwards, each coder's undo touches only their own
work, and the change signal fires for another process's commit."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest
from qt_pg import fresh_database
from tally.test_tally_cache import as_plain
from tui.demo_project import build

from qualtally.project import Project

CODERS = ("ana", "bo", "cy", "di")
WRITES = 25
"""Each coder's writes. Back to back with no pause, four processes on a SQLite file starved
one writer past the 5 s busy timeout (SQLite's busy wait is not a queue); PostgreSQL's
advisory lock queues them. The coders here pause 20-100 ms between writes."""

CODER = textwrap.dedent("""
    import json, random, sys, time
    from qualtally.project import Project
    where, coder, seed, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    p = Project.open(where)
    excerpts = [e.id for e in p.excerpts()]
    codes = [c.id for c in p.codes()]
    sys.stdin.readline()  # everyone starts together
    applied = set()
    for _ in range(n):
        time.sleep(rng.uniform(0.02, 0.1))  # a fast coder's pace, still far above a person's
        e, c = rng.choice(excerpts), rng.choice(codes)
        if p.toggle_code(e, c, coder):
            applied.add((e, c))
        else:
            applied.discard((e, c))
    p.close()
    print(json.dumps(sorted(applied)))
""")

TALLIER = textwrap.dedent("""
    import sys
    from qualtally.project import Project
    p = Project.open(sys.argv[1])
    sys.stdin.readline()
    for _ in range(int(sys.argv[2])):
        p.tally(); p.tally(by="group")
    p.close()
    print("ok")
""")


def _spawn(script: str, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _codings(project: Project, coder: str) -> set[tuple[int, int]]:
    ids = [e.id for e in project.excerpts()]
    return {(e, c) for e, rows in project.codings(ids, coder).items() for c, *_ in rows}


def _concurrently(where) -> None:
    procs = [_spawn(CODER, where, coder, i, WRITES) for i, coder in enumerate(CODERS)]
    tallier = _spawn(TALLIER, where, 15)
    for p in [*procs, tallier]:
        p.stdin.write("go\n")
        p.stdin.flush()
    results = {}
    for coder, p in zip(CODERS, procs):
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        results[coder] = {tuple(x) for x in json.loads(out)}
    out, err = tallier.communicate(timeout=300)
    assert tallier.returncode == 0 and out.strip() == "ok", err

    with Project.open(where) as project:
        for coder in CODERS:  # every acknowledged write is there, nothing else
            assert _codings(project, coder) == results[coder], coder
        for coder in (None, *CODERS):
            for by in (None, "group"):
                assert as_plain(project.tally(by=by, coder=coder)) == as_plain(
                    project.tally(by=by, coder=coder, exact=True)), (coder, by)
        # undo is per coder: undoing all of ana's steps leaves the others' work alone
        others = {c: _codings(project, c) for c in CODERS[1:]}
        while project.undo("ana") is not None:
            pass
        assert _codings(project, "ana") == set()
        assert {c: _codings(project, c) for c in CODERS[1:]} == others
        assert as_plain(project.tally()) == as_plain(project.tally(exact=True))


@pytest.mark.slow
def test_concurrent_coders_and_a_tally_on_postgresql():
    with fresh_database() as url:
        build(url)
        _concurrently(url)


@pytest.mark.slow
def test_concurrent_coders_and_a_tally_on_a_sqlite_file(tmp_path):
    path = build(tmp_path / "team.qtally")
    _concurrently(str(path))


ONE_CODING = textwrap.dedent("""
    import sys
    from qualtally.project import Project
    with Project.open(sys.argv[1]) as p:
        p.apply_code(p.excerpts()[1].id, p.codes()[0].id, "bo")
""")


def _signal_follows_another_process(where) -> None:
    with Project.open(where) as project:
        signal = project.change_signal()
        try:
            assert signal.changed() is False  # nobody has written
            subprocess.run([sys.executable, "-c", ONE_CODING, str(where)], check=True,
                           timeout=120)
            deadline = time.monotonic() + 30  # a bound on waiting, not a speed check
            while not signal.changed():
                assert time.monotonic() < deadline, "no change signalled"
                time.sleep(0.05)
            assert signal.changed() is False  # consumed: quiet again until the next write
        finally:
            signal.close()


def test_change_signal_on_postgresql():
    with fresh_database() as url:
        build(url)
        _signal_follows_another_process(url)


def test_change_signal_on_a_sqlite_file(tmp_path):
    _signal_follows_another_process(build(tmp_path / "p.qtally"))
