"""The audit trail names each thing once: an id an event refers to is never handed out again.

On SQLite an ``INTEGER PRIMARY KEY`` without ``AUTOINCREMENT`` reuses a freed highest id, so
a coding added and removed, then a new coding on another excerpt, got the same id (two events
pointing at one entity id for different codings). Migration 0005 rebuilds the tables the
events name with ``AUTOINCREMENT``; PostgreSQL's sequences never reused ids. Both are checked
here, and the migration on a 0004 project file holding data.
"""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from qt_pg import fresh_database

from qualtally.core.models import CodedRow, ImportBundle
from qualtally.project import Project
from qualtally.storage import backups
from qualtally.storage import engine as eng
from qualtally.storage.store import Store

MIGRATED = ("respondents", "documents", "excerpts", "findings", "codes", "codings",
            "rejections", "memos", "events", "consensus_decisions")


def _add_remove_add(p: Project) -> tuple[int, int]:
    """Code excerpt 1, remove it, code excerpt 2: the two codings' ids, from the events."""
    e1, e2 = (e.id for e in p.excerpts()[:2])
    code = p.code_by_path("Performance").id
    p.apply_code(e1, code, "ana")
    p.remove_code(e1, code, "ana")
    p.apply_code(e2, code, "ana")
    adds = [h for h in p.history(10) if h["action"] == "coding.add"]
    return adds[-1]["entity_id"], adds[0]["entity_id"]


def _events_name_one_thing(p: Project) -> None:
    first, second = _add_remove_add(p)
    assert first != second, "a removed coding's id was handed to a new coding"
    # undoing the removal brings the coding back under the id its events name
    p.undo("ana")
    p.undo("ana")
    e1 = p.excerpts()[0].id
    with p.engine.connect() as conn:
        back = conn.execute(sa.text("SELECT id, code_id FROM codings WHERE excerpt_id = :e "
                                    "AND coder = 'ana'"), {"e": e1}).all()
    assert [tuple(r) for r in back] == [(first, p.code_by_path("Performance").id)]


def test_sqlite_never_reuses_an_id(project):
    _events_name_one_thing(project)


def test_postgresql_never_reuses_an_id(bundle):
    with fresh_database() as url:
        with Project.new(url) as p:
            p.store.import_bundle(bundle, "tester")
            _events_name_one_thing(p)


def _at_0004(path, bundle) -> sa.Engine:
    """A project file made by qualtally at schema 0004, holding data."""
    from alembic import command

    engine = eng.make_engine(path)
    cfg = eng._alembic_config()
    with eng.begin_write(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    store = Store(engine)
    store.import_bundle(bundle, "tester")
    store.import_bundle(ImportBundle("c.csv", coded=[CodedRow(
        "R1", "We need the membership [inaudible], frankly.", ("Relevance > Need",), "bo",
        "r1.txt")], coded_source="c.csv"), "tester")
    return engine


def _dump(path) -> dict[str, list]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in MIGRATED}
    finally:
        conn.close()


def _schema(path) -> dict:
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        ins = sa.inspect(engine)
        return {t: ([(c["name"], str(c["type"]), c["nullable"], c["primary_key"])
                     for c in ins.get_columns(t)], ins.get_pk_constraint(t),
                    sorted(ins.get_foreign_keys(t), key=str),
                    sorted(ins.get_unique_constraints(t), key=str),
                    sorted(ins.get_indexes(t), key=str)) for t in ins.get_table_names()}
    finally:
        engine.dispose()


def test_a_0004_project_with_data_is_migrated_keeping_every_row(tmp_path, bundle):
    old = tmp_path / "old.qtally"
    engine = _at_0004(old, bundle)
    store = Store(engine)
    with engine.connect() as conn:
        e1, e2 = (r[0] for r in conn.exec_driver_sql("SELECT id FROM excerpts ORDER BY id LIMIT 2"))
        code = conn.exec_driver_sql("SELECT id FROM codes WHERE path = 'Performance'").scalar()
    store.apply_code(e1, code, "ana")
    store.remove_code(e1, code, "ana")  # the highest coding id is free again
    store.apply_code(e2, code, "ana")
    store.remove_code(e2, code, "ana")
    with engine.connect() as conn:
        ids = [r[0] for r in conn.exec_driver_sql(
            "SELECT entity_id FROM events WHERE action = 'coding.add' ORDER BY id")]
    assert ids[-2] == ids[-1], "at 0004 the freed id is reused (the bug this migration ends)"
    engine.dispose()
    before = _dump(old)

    with Project.open(old) as p:  # migrates to head
        assert eng.current_revision(p.engine) == eng.HEAD_REVISION
        assert _dump(old) == before  # every row of every rebuilt table, ids included
        with p.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # back on
        p.apply_code(e1, code, "ana")
        new = p.history(1)[0]["entity_id"]
        assert new > max(ids), "an id an event names was handed out again after the migration"
        assert p.tally(exact=True).codes == p.tally().codes
    assert [b.reason for b in backups.listing(old)] == ["before-migration-from-0004"]

    fresh = tmp_path / "fresh.qtally"
    Project.new(fresh).close()
    assert _schema(old) == _schema(fresh)  # the same tables, keys, constraints and indexes
    conn = sqlite3.connect(fresh)
    try:
        for t in MIGRATED:
            sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (t,)).fetchone()[0]
            assert "AUTOINCREMENT" in sql, t
    finally:
        conn.close()


@pytest.mark.parametrize("table", MIGRATED)
def test_the_declared_schema_says_autoincrement(table):
    from qualtally.storage import tables

    assert tables.metadata.tables[table].dialect_options["sqlite"]["autoincrement"] is True
