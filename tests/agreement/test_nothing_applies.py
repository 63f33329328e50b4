""""Nothing applies" is stored apart from "not coded", survives the CSV, and agreement uses it.

Store: a mark is an undoable event; applying a code replaces the mark and undoing the code
brings it back. CSV: an empty ``codes`` cell is a mark, no row is not coded, and an export
re-imports to the same marks. TUI: ``0`` marks (Pilot, asserted on the store), ``n`` moving
past an uncoded excerpt marks nothing.
"""

from __future__ import annotations

import csv

import pytest
from tui.conftest import CODER, SIZE, settle

from qualtally.core.errors import InputError
from qualtally.core.models import Code, ImportBundle
from qualtally.project import Project
from qualtally.tui.app import make_app

from .conftest import build, document

DOCS = {"i.txt": [("Ann", "R1", "First answer about fees."), ("Ann", "R1", "Second answer."),
                  ("Bob", "R2", "Third answer on membership."), ("Bob", "R2", "Fourth.")]}
CODES = [Code("Fees"), Code("Membership")]


@pytest.fixture
def project(tmp_path):
    rows = [("i.txt", "R1", "First answer about fees.", ("Fees",), "a"),
            ("i.txt", "R1", "Second answer.", (), "a"),          # read, nothing applies
            ("i.txt", "R1", "First answer about fees.", ("Fees",), "b"),
            ("i.txt", "R2", "Third answer on membership.", (), "b")]
    p = Project.open(build(tmp_path / "n.qtally", DOCS, CODES, rows))
    yield p
    p.close()


def excerpt_id(project, text: str) -> int:
    return next(e.id for e in project.excerpts() if e.text == text)


def test_marks_are_stored_apart_from_not_coded(project):
    ids = [e.id for e in project.excerpts()]
    assert project.nothing_marks(ids, "a") == {excerpt_id(project, "Second answer.")}
    assert project.nothing_marks(ids, "b") == {excerpt_id(project, "Third answer on membership.")}
    # agreement: "Second answer." is coded by a only (unpairable); "Third..." by b only
    report = project.agreement(unit="excerpt")
    assert {c.path: c.n_units for c in report.codes} == {"Fees": 1, "Membership": 1}
    project.mark_nothing(excerpt_id(project, "Second answer."), "b")
    report = project.agreement(unit="excerpt")
    fees = report.code("Fees")
    assert fees.n_units == 2 and fees.table["absent"]["absent"] == 1


def test_a_mark_is_an_undoable_event_and_a_code_replaces_it(project):
    fourth = excerpt_id(project, "Fourth.")
    assert project.mark_nothing(fourth, "a") is True
    event = project.history(1)[0]
    assert event["action"] == "nothing.set" and event["undoable"]
    assert event["after"] == {"excerpt_id": fourth, "coder": "a", "marked": True}
    assert project.undo("a") == "nothing.set"
    assert project.nothing_marks([fourth], "a") == set()
    assert project.redo("a") == "nothing.set"
    assert project.nothing_marks([fourth], "a") == {fourth}
    # a code replaces the mark; undoing the code restores it
    fees = project.code_by_path("Fees").id
    project.apply_code(fourth, fees, "a")
    assert project.nothing_marks([fourth], "a") == set()
    project.undo("a")
    assert project.nothing_marks([fourth], "a") == {fourth}
    project.redo("a")
    assert project.nothing_marks([fourth], "a") == set()
    with pytest.raises(InputError, match="has your codes"):
        project.mark_nothing(fourth, "a")


def test_the_csv_carries_the_difference(project, tmp_path):
    out = tmp_path / "coded.csv"
    project.export(out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    by = {(r["coder"], r["text"]): r["codes"] for r in rows}
    assert by[("a", "Second answer.")] == ""              # coded with nothing
    assert ("a", "Third answer on membership.") not in by  # never reached: no row
    again = Project.new(tmp_path / "again.qtally")
    docs = [document(n, t) for n, t in DOCS.items()]
    again.store.import_bundle(ImportBundle("t", documents=docs, codes=CODES), "t")
    again.import_paths([out])
    ids = [e.id for e in again.excerpts()]
    for coder in ("a", "b"):
        assert {e.text for e in again.excerpts() if e.id in again.nothing_marks(ids, coder)} == \
            {e.text for e in project.excerpts()
             if e.id in project.nothing_marks([x.id for x in project.excerpts()], coder)}
    again.close()


async def test_key_0_marks_and_n_passing_by_does_not(project):
    app = make_app(project, CODER, load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        session = app.coding.session
        first = session.current
        await pilot.press("n")  # to the next excerpt CODER has not coded: marks nothing
        await settle(pilot)
        passed = session.current
        ids = [e.id for e in project.excerpts()]
        assert passed.id != first.id and project.nothing_marks(ids, CODER) == set()
        await pilot.press("0")
        await settle(pilot)
        assert project.nothing_marks(ids, CODER) == {passed.id}
        assert "nothing applies" in str(app.coding.query_one("#status").render())
        await pilot.press("n")  # the marked excerpt counts as coded: n moves on from it
        await settle(pilot)
        assert session.current.id not in (passed.id,)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert project.nothing_marks(ids, CODER) == set()
