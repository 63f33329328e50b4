"""The coding screen writing codings while other processes import, export, tally, merge and
code the same project: what the screen shows as applied is in the database, at once, and the
file stays intact.

The screen is the app ``qualtally code`` runs (``cli.project_cmds.tui_app``: drawn from
the read-only peek, the real project opened behind it), driven by Textual's Pilot in this
process. The other writers and the reader that checks what the screen shows are separate
processes, as a colleague's commands would be. Each run is bounded (``DURATION``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from qt_pg import fresh_database

from qualtally.cli.project_cmds import tui_app
from qualtally.project import Project

from .conftest import CODER, SIZE
from .demo_project import build

DURATION = 8.0
"""Seconds the screen codes while the other processes write (bounded)."""
MIN_SHOWN = 4
"""Excerpts the screen codes at least (it goes on past DURATION until it has)."""
SHOWN_WITHIN = 1.0
"""A coding shown on screen must be readable by another process within this (seconds)."""

READER = textwrap.dedent("""
    import json, sys
    url = sys.argv[1]
    if "://" in url:
        import sqlalchemy as sa
        engine = sa.create_engine(url)
        def rows(coder):
            with engine.connect() as c:
                return c.exec_driver_sql(
                    "SELECT excerpt_id, code_id FROM codings WHERE coder = %(c)s",
                    {"c": coder}).all()
    else:
        import sqlite3
        conn = sqlite3.connect(f"file:{url}?mode=ro", uri=True)
        def rows(coder):
            return conn.execute("SELECT excerpt_id, code_id FROM codings WHERE coder = ?",
                                (coder,)).fetchall()
    for line in sys.stdin:
        print(json.dumps(sorted([list(r) for r in rows(line.strip())])), flush=True)
""")

LOOP = textwrap.dedent("""
    import os, random, subprocess, sys, time
    kind, where, until, work = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    qt = [sys.executable, "-m", "qualtally"]
    rnd, n, failures = random.Random(kind), 0, []
    if kind in ("coder", "merge"):
        from qualtally.project import Project
        # a merge codes in its own copy (built like the shared project) and merges it in
        p = Project.open(where if kind == "coder" else os.path.join(work, "copy.qtally"))
        excerpts = [e.id for e in p.excerpts()]
        codes = [c.id for c in p.codes()]
    while n == 0 or time.time() < until:  # at least once, however slow the start
        n += 1
        if kind == "import":
            csv = os.path.join(work, f"extra-{n}.csv")
            with open(csv, "w") as fh:
                fh.write("respondent,text,codes,coder,document\\n"
                         f"R01,A line imported from the command line (run {n}).,"
                         f"Relevance,cli,extra-doc-{n}\\n")
            cmd = qt + ["import", where, csv]
        elif kind == "export":
            dest = os.path.join(work, "out" + (".csv", ".xlsx", ".html")[n % 3])
            cmd = qt + ["export", where, dest]
        elif kind == "tally":
            cmd = qt + ["tally", where, "--json"]
        elif kind == "merge":
            p.toggle_code(rnd.choice(excerpts), rnd.choice(codes), "merger")
            cmd = qt + ["merge", where, os.path.join(work, "copy.qtally"), "--actor", "merger"]
        else:
            e, c = rnd.choice(excerpts), rnd.choice(codes)
            p.toggle_code(e, c, "colleague")
            if n % 5 == 0:
                p.undo("colleague")
            time.sleep(0.05)
            continue
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=work)
        if done.returncode != 0:
            failures.append(f"{' '.join(cmd[3:5])}: exit {done.returncode}: "
                            f"{done.stderr.strip()[-300:]}")
    print(n, len(failures))
    for f in failures:
        print(f)
""")

CHECK = textwrap.dedent("""
    import json, sys
    from qualtally.project import Project
    where = sys.argv[1]
    out = {}
    if "://" not in where:
        import sqlite3
        conn = sqlite3.connect(f"file:{where}?mode=ro", uri=True)
        out["integrity"] = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        conn.close()
    with Project.open(where) as p:
        def flat(t):
            return sorted((r.code_id, r.respondents, r.excerpts) for r in t.codes)
        out["cache_is_exact"] = all(flat(p.tally(coder=c)) == flat(p.tally(coder=c, exact=True))
                                    for c in (None, "ana", "colleague", "cli", "merger"))
        ids = [e.id for e in p.excerpts()]
        out["screen"] = sorted([e, c] for e, rows in p.codings(ids, "ana").items()
                               for c, _, _ in rows)
        out["merged"] = sorted([e, c] for e, rows in p.codings(ids, "merger").items()
                               for c, _, _ in rows)
    print(json.dumps(out))
""")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[2] / "src"),
                                         env.get("PYTHONPATH", "")])
    return env


def _spawn(script: str, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], text=True, env=_env(), **kw)


async def _code_while_others_write(where: str, work: Path, kinds: tuple[str, ...]) -> None:
    app, close = tui_app(where, CODER)
    reader = _spawn(READER, where, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    loops: list[subprocess.Popen] = []
    shown: dict[int, set[int]] = {}
    late: list[tuple[int, float]] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            deadline = time.monotonic() + 60
            while not app.project_ready and time.monotonic() < deadline:
                await pilot.pause(0.05)
            assert app.project_ready, "the project never opened behind the first frame"
            until = time.time() + DURATION
            loops = [_spawn(LOOP, kind, where, str(until), str(work), stdout=subprocess.PIPE)
                     for kind in kinds]
            session = app.coding.session
            hard_stop = until + 60
            while (time.time() < until or len(shown) < MIN_SHOWN) and time.time() < hard_stop:
                await pilot.press("j", "enter")
                excerpt = session.current.id
                shown[excerpt] = set(session.codings.get(excerpt, []))
                t_shown = time.monotonic()
                while True:  # ask another process what the database holds
                    reader.stdin.write(CODER + "\n")
                    reader.stdin.flush()
                    stored = {c for e, c in json.loads(reader.stdout.readline()) if e == excerpt}
                    waited = time.monotonic() - t_shown
                    if stored == shown[excerpt] or waited > SHOWN_WITHIN:
                        break
                    await pilot.pause(0.05)
                if stored != shown[excerpt]:
                    late.append((excerpt, waited))
            await pilot.press("q")
        reports = [loop.communicate(timeout=120)[0] for loop in loops]
    finally:
        close()
        for proc in [reader, *loops]:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    assert len(shown) >= MIN_SHOWN, "the screen coded too few excerpts to show anything"
    assert not late, (
        f"codings shown on screen but not in the database after {SHOWN_WITHIN} s: {late}"
    )
    for kind, report in zip(kinds, reports):
        runs, failed = report.splitlines()[0].split()
        assert int(runs) >= 1 and int(failed) == 0, f"{kind}: {report}"
    check = _spawn(CHECK, where, stdout=subprocess.PIPE)
    result = json.loads(check.communicate(timeout=120)[0])
    if "integrity" in result:
        assert result["integrity"] == ["ok"]
    assert result["cache_is_exact"], "the tally cache differs from an exact recount"
    if "merge" in kinds:  # the copy's last state is in the target: no merge lost a write
        with Project.open(work / "copy.qtally") as copy:
            texts = {e.id: (copy.document(e.document_id).name, e.text) for e in copy.excerpts()}
            paths = {c.id: c.path for c in copy.codes()}
            mine = sorted((texts[e], paths[c]) for e, rows in
                          copy.codings(list(texts), "merger").items() for c, _, _ in rows)
        with Project.open(where) as target:
            texts = {e.id: (target.document(e.document_id).name, e.text)
                     for e in target.excerpts()}
            paths = {c.id: c.path for c in target.codes()}
            theirs = sorted((texts[e], paths[c]) for e, c in result["merged"])
        assert mine and set(mine) <= set(theirs), (mine, theirs)
    in_db: dict[int, set[int]] = {}
    for e, c in result["screen"]:
        in_db.setdefault(e, set()).add(c)
    for excerpt, codes in shown.items():
        assert in_db.get(excerpt, set()) == codes, (
            f"excerpt {excerpt}: shown {codes}, stored {in_db.get(excerpt)}"
        )


@pytest.mark.slow
async def test_screen_codings_are_stored_at_once_while_other_processes_write(tmp_path):
    path = build(tmp_path / "shared.qtally")
    build(tmp_path / "copy.qtally")  # a coder's own copy, merged in again and again
    await _code_while_others_write(str(path), tmp_path,
                                   ("import", "export", "tally", "coder", "merge"))
    # and every command still opens it
    info = _spawn(
        "from qualtally.cli import main; raise SystemExit(main())",
        "info",
        str(path),
        "--json",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = info.communicate(timeout=60)
    assert info.returncode == 0, err
    assert json.loads(out)["codings"] >= 1


@pytest.mark.slow
async def test_the_same_on_a_postgresql_project(tmp_path, monkeypatch):
    # a server project keeps its model in the database (model_files), nothing in the
    # current directory (tests/team/test_models_on_server.py checks that)
    monkeypatch.chdir(tmp_path)
    with fresh_database() as url:
        build(url)
        build(tmp_path / "copy.qtally")
        await _code_while_others_write(url, tmp_path,
                                       ("import", "export", "tally", "coder", "merge"))


HOLD_LOCK = textwrap.dedent("""
    import sqlite3, sys, time
    c = sqlite3.connect(sys.argv[1], isolation_level=None)
    c.execute("BEGIN IMMEDIATE")
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
    c.execute("ROLLBACK")
""")


async def test_a_write_that_cannot_be_made_is_reported_and_not_shown(tmp_path):
    """Another process holds the write lock past the busy timeout: the coding is refused
    with its cause on screen and left visibly not applied; once the lock is gone, the same
    key applies it."""
    path = build(tmp_path / "busy.qtally")
    app, close = tui_app(path, CODER)
    notices: list[str] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            while not app.project_ready:
                await pilot.pause(0.05)
            app.notify = lambda message, **kw: notices.append(str(message))  # what the coder reads
            session = app.coding.session
            await pilot.press("j")
            excerpt = session.current.id
            holder = _spawn(HOLD_LOCK, str(path), "7", stdout=subprocess.PIPE)
            assert holder.stdout.readline().strip() == "holding"
            await pilot.press("enter")
            assert session.codings.get(excerpt, []) == []
            assert any("not saved" in n and "locked" in n for n in notices), notices
            holder.wait(timeout=30)
            await pilot.press("enter")
            assert len(session.codings.get(excerpt, [])) == 1
            await pilot.press("q")
    finally:
        close()
    reader = _spawn(READER, str(path), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out, _ = reader.communicate(CODER + "\n", timeout=60)
    assert [e for e, _ in json.loads(out)] == [excerpt]
