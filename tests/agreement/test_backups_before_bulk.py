"""A reconciliation and a merge change much at once: each takes a backup copy of the
project first (``storage/backups.py``), holding the state before it."""

from __future__ import annotations

import sqlite3

from qualtally.cli import main
from qualtally.core.agreement import CONSENSUS
from qualtally.project import Project
from qualtally.storage import backups

from .conftest import pair_project
from .test_merge import copies  # noqa: F401  (the fixture)


def _count(path, sql: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def test_a_reconciliation_backs_up_before_its_first_decision(tmp_path):
    path = pair_project(tmp_path / "pair.qtally")
    with Project.open(path) as p:
        assert backups.listing(path) == []
        (d,) = p.disagreements("Concerns", "a", "b")
        k = d.disagreement
        p.resolve("a", "b", k.kind, k.key, k.code_id, "a", "meth")
        taken = backups.listing(path)
        assert [b.reason for b in taken] == ["before-reconciliation"]
        consensus = f"SELECT count(*) FROM codings WHERE coder = '{CONSENSUS}'"
        assert _count(taken[0].path, consensus) == 0  # the state before the decision
        assert _count(path, consensus) > 0
        p.undo("meth")
        p.resolve("a", "b", k.kind, k.key, k.code_id, "b", "meth")
        assert len(backups.listing(path)) == 1  # one copy per pair of coders and session


def test_a_merge_backs_up_the_target_before_writing(copies, capsys):  # noqa: F811
    target = copies["target"]
    assert main(["merge", str(target), str(copies["a"]), str(copies["b"])]) == 0
    taken = backups.listing(target)
    assert [b.reason for b in taken] == ["before-merge"]
    assert _count(taken[0].path, "SELECT count(*) FROM codings") == 0
    assert _count(target, "SELECT count(*) FROM codings") > 0
