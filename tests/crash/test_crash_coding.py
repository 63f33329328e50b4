"""Coding survives SIGKILL at any moment: 20 kills of a process coding without end.

A child (``coding_child.py``) codes through ``Project`` (apply, remove, accept a
suggestion, memo, narrow, undo, redo) and reports each step after it returned, that is
after its commit, with the state it reads back. The parent kills it with SIGKILL at a
random moment (seeded), 20 times, each time on the same project file, and then checks:

- ``PRAGMA integrity_check`` is ``ok``;
- every event the child reported is in the log, and the state is the last reported one,
  except on the excerpts the one step in flight at the kill touched (it may have
  committed without being reported: its event, if any, is there and is the only one);
- the tally cache equals an exact recount (any coder, and the child's);
- undo then redo work and bring the state back.

Bounded: 20 kills, each after at most ``MAX_DELAY`` s of coding (~30-45 s in all here).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from qualtally.project import Project

sys.path.insert(0, str(Path(__file__).resolve().parent))
from coding_child import CODER, facts  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tui.demo_project import build  # noqa: E402

KILLS = 20
SEED = 20
MAX_DELAY = 0.8
"""Seconds the child codes, at most, between reporting it is ready and the kill."""
CHILD = Path(__file__).with_name("coding_child.py")


def _env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}


def _reports(path: Path) -> list[dict]:
    """Whole lines only: a line cut by the kill was never reported."""
    text = path.read_text() if path.exists() else ""
    return [json.loads(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]


def _touched(rows) -> set[int]:
    """Excerpt ids an event (a change, or an undo/redo of one) can have changed."""
    out: set[int] = set()
    for entity, entity_id, before, after in rows:
        if entity == "excerpts" and entity_id is not None:
            out.add(int(entity_id))
        for data in (before, after):
            data = json.loads(data) if isinstance(data, str) else data
            if isinstance(data, dict):
                out.update(int(data[k]) for k in ("excerpt_id", "parent_id", "id")
                           if data.get(k) is not None)
    return out


def _outside(state: dict, skip: set[int]) -> dict:
    return {"codings": [r for r in state["codings"] if r[0] not in skip],
            "memos": [r for r in state["memos"] if r[0] not in skip],
            "excerpts": [r for r in state["excerpts"] if r[0] not in skip]}


def _check_after_kill(path: Path, last: dict | None) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        if last is None:
            return
        count, last_id = last["events"]
        assert conn.execute("SELECT count(*) FROM events WHERE actor = ? AND id <= ?",
                            (CODER, last_id)).fetchone()[0] == count, "a reported event is gone"
        later = conn.execute("SELECT entity, entity_id, before, after FROM events "
                             "WHERE actor = ? AND id > ?", (CODER, last_id)).fetchall()
    finally:
        conn.close()
    assert len(later) <= 1, f"more than the one step in flight committed: {later}"
    now = facts(str(path))
    if not later:
        assert {k: now[k] for k in ("codings", "memos", "excerpts")} == \
               {k: last[k] for k in ("codings", "memos", "excerpts")}
    else:  # the step in flight committed, unreported: only its excerpts may differ
        skip = _touched(later) | {r[0] for r in now["excerpts"]} - {r[0] for r in last["excerpts"]}
        assert _outside(now, skip) == _outside(last, skip)


def _flat(t) -> list:
    return sorted((r.code_id, r.respondents, r.excerpts) for r in t.codes)


def _check_project(path: Path) -> None:
    with Project.open(path) as p:
        for coder in (None, CODER):
            assert _flat(p.tally(coder=coder)) == _flat(p.tally(coder=coder, exact=True))
        before = facts(str(path))
        undone = p.undo(CODER)
        if undone is not None:
            assert p.redo(CODER) == undone
            after = facts(str(path))
            assert {k: after[k] for k in ("codings", "memos")} == \
                   {k: before[k] for k in ("codings", "memos")}


@pytest.mark.slow
def test_coding_survives_twenty_sigkills(tmp_path):
    path = build(tmp_path / "crash.qtally")
    rnd = random.Random(SEED)
    reported = 0
    for run in range(KILLS):
        report = tmp_path / f"report-{run}.jsonl"
        child = subprocess.Popen([sys.executable, str(CHILD), str(path), str(report),
                                  str(SEED * 100 + run)], stdout=subprocess.PIPE, text=True,
                                 env=_env())
        try:
            assert child.stdout.readline().strip() == "ready"
            try:
                child.wait(timeout=rnd.uniform(0.0, MAX_DELAY))
            except subprocess.TimeoutExpired:
                pass
            assert child.poll() is None, "the child stopped by itself"
            os.kill(child.pid, signal.SIGKILL)
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
        assert child.returncode == -signal.SIGKILL
        lines = _reports(report)
        reported += len(lines)
        _check_after_kill(path, lines[-1] if lines else None)
        _check_project(path)
    assert reported >= KILLS, "the child committed too few steps to test anything"
    print(f"{KILLS} kills, {reported} reported steps")
