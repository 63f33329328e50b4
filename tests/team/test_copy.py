"""``qualtally copy`` between a project file and a server, both ways: every table, the
event log included, comes back row for row; a target holding anything is refused with one
line and left as it was."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from qt_pg import fresh_database

from qualtally.cli import main
from qualtally.project import Project
from qualtally.storage import tables as t

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "iom-evaluation"


def _value(v):
    if isinstance(v, memoryview | bytearray):
        return bytes(v)
    if isinstance(v, dict | list):
        return json.dumps(v, sort_keys=True)
    return v


def dump(where) -> dict[str, list[tuple]]:
    """Every table's rows, in primary-key order, as comparable tuples."""
    engine = sa.create_engine(where if "://" in str(where) else f"sqlite:///{where}")
    try:
        with engine.connect() as conn:
            return {
                table.name: [tuple(_value(v) for v in row) for row in conn.execute(
                    sa.select(table).order_by(*table.primary_key.columns))]
                for table in t.metadata.sorted_tables
            }
    finally:
        engine.dispose()


@pytest.fixture
def worked_file(tmp_path) -> Path:
    """The demo corpus with a coder's work on top: codings, an undo, a memo, a rejection, a
    nothing-applies mark, blind mode, a saved position and a trained model."""
    path = tmp_path / "team.qtally"
    assert main(["new", str(path)]) == 0
    assert main(["import", str(path), str(CORPUS), "--no-suggestions", "--quiet"]) == 0
    with Project.open(path) as p:
        ex = p.excerpts()
        need = p.code_by_path("Relevance > Need for continued membership")
        cost = p.code_by_path("Other > Cost of services")
        p.apply_code(ex[3].id, need.id, "ana")
        p.apply_code(ex[4].id, cost.id, "ana")
        p.undo("ana")
        p.set_memo(ex[3].id, "ana", "says [inaudible] twice")
        p.reject_suggestion(ex[5].id, cost.id, "ana")
        p.mark_nothing(ex[6].id, "ana")
        p.set_blind(True, "lead")
        p.save_coder_state("ana", excerpt=ex[3].id)
    # a server project's model rows, as a file carries none: write one directly
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO model_files VALUES ('', 'embeddings.npz', x'00ff', 'h', 't')")
    conn.commit()
    conn.close()
    return path


def test_round_trip_file_to_server_to_file_is_exact(worked_file, tmp_path, capsys):
    before = dump(worked_file)
    assert len(before["codings"]) > 385 and before["events"] and before["tally_cache"]
    back = tmp_path / "back.qtally"
    with fresh_database() as url:
        assert main(["copy", str(worked_file), url]) == 0
        assert dump(url) == before
        assert main(["copy", url, str(back)]) == 0
        assert "copied" in capsys.readouterr().out
        with Project.open(url) as p:  # ids go on after the copied ones
            ex = p.excerpts()
            p.apply_code(ex[10].id, p.code_by_path("Other > Cost of services").id, "bo")
            assert p.undo("ana") is not None  # ana's stack came along with the event log
    assert dump(back) == before
    with Project.open(back) as p:
        assert p.blind() and p.memo(p.excerpts()[3].id, "ana") == "says [inaudible] twice"


def test_a_non_empty_target_is_refused_and_left_alone(worked_file, tmp_path, capsys):
    other = tmp_path / "other.qtally"
    assert main(["new", str(other)]) == 0
    with Project.open(other) as p:
        p.set_blind(True, "x")  # one row is enough
    before = dump(other)
    capsys.readouterr()
    assert main(["copy", str(worked_file), str(other)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "other.qtally: not empty" in err
    assert dump(other) == before
    with fresh_database() as url:
        assert main(["copy", str(worked_file), url]) == 0
        server_before = dump(url)
        assert main(["copy", str(other), url]) == 2
        assert "not empty" in capsys.readouterr().err
        assert dump(url) == server_before


def test_a_failed_copy_leaves_no_new_file(tmp_path, capsys):
    target = tmp_path / "snap.qtally"
    assert main(["copy", str(tmp_path / "missing.qtally"), str(target)]) == 2
    assert "no such project" in capsys.readouterr().err
    assert not target.exists()
