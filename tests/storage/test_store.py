"""The store: schema and migrations, transactions, the event log, undo/redo."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from qualtally.core.errors import InputError
from qualtally.core.models import Code, CodedRow, ImportBundle
from qualtally.project import Project
from qualtally.storage import engine as eng
from qualtally.storage import tables as t


def test_new_project_has_pragmas_and_head_revision(tmp_path):
    with Project.new(tmp_path / "a.qtally") as p:
        with p.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert eng.current_revision(p.engine) == eng.head_revision()


def test_migrations_create_exactly_the_declared_schema(tmp_path):
    with Project.new(tmp_path / "a.qtally") as p:
        inspector = sa.inspect(p.engine)
        for table in t.metadata.sorted_tables:
            got = {c["name"] for c in inspector.get_columns(table.name)}
            assert got == {c.name for c in table.columns}, table.name


def test_open_refuses_missing_and_non_sqlite_files(tmp_path):
    with pytest.raises(InputError, match="no such project"):
        Project.open(tmp_path / "missing.qtally")
    bogus = tmp_path / "bogus.qtally"
    bogus.write_text("hello")
    with pytest.raises(InputError, match="not a qualtally project"):
        Project.open(bogus)
    assert bogus.read_text() == "hello"


def test_a_copy_is_taken_before_migrating_an_older_file(tmp_path, monkeypatch, project):
    path = project.path
    project.close()
    monkeypatch.setattr(eng, "head_revision", lambda: "9999_future")
    monkeypatch.setattr(eng, "HEAD_REVISION", "9999_future")
    upgraded = []
    import alembic.command

    monkeypatch.setattr(alembic.command, "upgrade", lambda cfg, rev: upgraded.append(rev))
    backup = eng.migrate(eng.make_engine(path), path)
    assert upgraded == ["head"]
    assert backup is not None and backup.exists()
    with Project.open(backup) as copy:  # the copy is a complete, openable project
        assert copy.info()["documents"] == 1


def test_turns_of_respondents_become_excerpts_equal_to_slices(project):
    doc = project.document(project.documents()[0].id)
    excerpts = project.excerpts()
    assert [e.respondent_key for e in excerpts] == ["R1", "R1"]
    for e in excerpts:
        assert e.text == doc.text[e.start:e.end]
    assert "[inaudible]" in excerpts[0].text


def test_coded_rows_of_two_coders_share_one_excerpt_and_create_codes(project, coded_rows):
    counts = project.store.import_bundle(
        ImportBundle("coded.csv", coded=coded_rows, coded_source="coded.csv"), "t"
    )
    assert counts["excerpts"] == 0  # both texts are whole turns already present
    assert counts["codings"] == 3
    assert project.code_by_path("Other > New") is not None
    info = project.info()
    assert info["coders"] == 2 and info["codings"] == 3
    rows = project.export_rows()
    assert {(r["coder"], r["codes"]) for r in rows} == {
        ("coder-a", "Relevance > Need"),
        ("coder-b", "Relevance > Need;Other > New"),
        ("coder-a", ""),
    }


def test_a_bad_row_rolls_back_the_whole_import(project, coded_rows):
    before = project.info()
    rows = coded_rows + [CodedRow("R1", "words never said", ("X",), "coder-a", "r1.txt", line=9)]
    with pytest.raises(InputError, match="line 9: text not found"):
        project.store.import_bundle(
            ImportBundle("bad.csv", coded=rows, coded_source="bad.csv"), "t"
        )
    assert project.info() == before
    assert project.code_by_path("Other > New") is None


def test_rows_without_known_document_get_a_document_of_their_own(tmp_path):
    with Project.new(tmp_path / "b.qtally") as p:
        rows = [
            CodedRow("P1", "alpha", ("A",), "x", None),
            CodedRow("P1", "beta", ("B",), "x", None),
            CodedRow("P2", "alpha", ("A",), "x", None),
        ]
        p.store.import_bundle(ImportBundle("s.csv", coded=rows, coded_source="s.csv"), "t")
        docs = {d.name for d in p.documents()}
        assert docs == {"s/P1", "s/P2"}
        for e in p.excerpts():
            assert e.text == p.document(e.document_id).text[e.start:e.end]
        assert sorted(e.respondent_key for e in p.excerpts()) == ["P1", "P1", "P2"]


def test_undo_redo_follow_the_event_log_and_survive_reopening(project):
    e = project.excerpts()[0]
    need = project.code_by_path("Relevance > Need")
    assert project.toggle_code(e.id, need.id, "ana") is True
    project.set_memo(e.id, "ana", "strong claim")
    assert project.undo("ana") == "memo.set"
    assert project.memo(e.id, "ana") == ""
    path = project.path
    project.close()
    with Project.open(path) as again:
        assert again.undo("ana") == "coding.add"
        assert again.codings([e.id]) == {}
        assert again.undo("ana") is None
        assert again.redo("ana") == "coding.add"
        assert again.codings([e.id])[e.id][0][:2] == (need.id, "ana")
        assert again.redo("ana") == "memo.set"
        assert again.memo(e.id, "ana") == "strong claim"
        assert again.redo("ana") is None
        # a new change clears the redo stack
        again.undo("ana")
        again.toggle_code(e.id, need.id, "ana")  # removes the code
        assert again.redo("ana") is None
        actions = [h["action"] for h in again.history()]
        assert actions.count("undo") == 3 and actions.count("redo") == 2


def test_undo_is_per_coder(project):
    e = project.excerpts()[0]
    need = project.code_by_path("Relevance > Need")
    project.apply_code(e.id, need.id, "ana")
    project.apply_code(e.id, need.id, "ben")
    assert project.undo("ben") == "coding.add"
    assert [c[1] for c in project.codings([e.id])[e.id]] == ["ana"]


def test_narrowed_span_undo_and_redo_keep_its_id(project):
    e = project.excerpts()[0]
    start = e.start + e.text.index("membership")
    span = project.narrow(e.id, start, start + len("membership"), "ana")
    assert project.excerpt(span).text == "membership"
    assert project.excerpt(span).parent_id == e.id
    project.apply_code(span, project.code_by_path("Relevance > Need").id, "ana")
    project.undo("ana")
    project.undo("ana")
    assert span not in {x.id for x in project.excerpts()}
    project.redo("ana")
    project.redo("ana")
    assert span in project.codings([span])
    with pytest.raises(InputError):
        project.narrow(e.id, e.start - 1, e.end, "ana")


def test_code_edits_rename_children_and_undo(project):
    rel = project.code_by_path("Relevance")
    project.update_code(rel.id, "ana", name="Pertinence", definition="new")
    assert project.code_by_path("Pertinence > Need") is not None
    project.undo("ana")
    assert project.code_by_path("Relevance > Need") is not None
    assert project.code_by_path("Relevance").definition == "Why membership matters"
    new_id = project.add_code(Code("Emergent", parent_path="Performance"), "ana")
    assert project.code_by_path("Performance > Emergent").id == new_id
    with pytest.raises(InputError):
        project.add_code(Code("Emergent", parent_path="Performance"), "ana")
    with pytest.raises(InputError):
        project.update_code(new_id, "ana", name="bad > name")


def test_reimporting_a_document_is_refused(project, bundle):
    with pytest.raises(InputError, match="already in the project"):
        project.store.import_bundle(bundle, "t")


def test_files_that_are_not_projects_are_refused_untouched(tmp_path):
    import sqlite3

    empty = tmp_path / "empty.qtally"
    empty.touch()
    with pytest.raises(InputError, match="empty file"):
        Project.open(empty)
    assert empty.stat().st_size == 0
    other = tmp_path / "other.qtally"
    con = sqlite3.connect(other)
    con.execute("create table foo(x)")
    con.commit()
    con.close()
    with pytest.raises(InputError, match="another program"):
        Project.open(other)
    con = sqlite3.connect(other)
    assert [r[0] for r in con.execute("select name from sqlite_master where type='table'")] == [
        "foo"
    ]
    con.close()
    garbage = tmp_path / "garbage.qtally"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    with pytest.raises(InputError, match="damaged"):
        Project.open(garbage)


def test_reimport_updates_are_counted_and_logged_with_before_and_after(project, bundle):
    from qualtally.core.models import Respondent

    again = ImportBundle("resp2.csv", respondents=[Respondent("R1", {"group": "Missions"}),
                                                   Respondent("R2", {"group": "Missions"})])
    counts = project.store.import_bundle(again, "t")
    assert counts["respondents"] == 0 and counts["updated"] == 1
    event = next(h for h in project.history() if h["action"] == "respondent.update")
    assert event["before"] == {"attributes": {"group": "HQ"}}
    assert event["after"] == {"attributes": {"group": "Missions"}}
    assert project.store.import_bundle(again, "t")["updated"] == 0


def test_the_known_head_revision_is_alembics_head():
    assert eng.HEAD_REVISION == eng.head_revision()


def test_a_file_from_a_newer_qualtally_is_refused_untouched(tmp_path):
    import hashlib
    import sqlite3

    path = tmp_path / "newer.qtally"
    Project.new(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.commit()
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(InputError, match="newer qualtally.*0099"):
        Project.open(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    # no migration tried
    assert not [p for p in tmp_path.rglob("*") if p.suffix in (".bak", ".qtally") and p != path]
