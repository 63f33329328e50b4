"""Reconciliation into the consensus coder: what each decision writes, undo/redo, and the
consensus counted by tally, audit and every export (``--coder consensus``)."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook

from qualtally.cli import main
from qualtally.core.agreement import CONSENSUS
from qualtally.project import Project

from .conftest import pair_project

ACTOR = "meth"


@pytest.fixture
def project(tmp_path):
    p = Project.open(pair_project(tmp_path / "pair.qtally"))
    yield p
    p.close()


def state(p: Project) -> tuple[set, set]:
    """The consensus coder's (excerpt text, code path) pairs and marked excerpt texts."""
    text = {e.id: e.text for e in p.excerpts()}
    paths = {c.id: c.path for c in p.codes()}
    got = p.codings(text, CONSENSUS)
    pairs = {(text[e], paths[c]) for e, rows in got.items() for c, _, _ in rows}
    return pairs, {text[e] for e in p.nothing_marks(text, CONSENSUS)}


SEEDED = {("Yes, for the refugees [inaudible] we resettle.", "Need > Refugees"),
          ("Managed migration is our model, so we stay.", "Need > Managed"),
          ("Projects follow the money, not the strategy.", "Concerns")}
MANDATE = "The mandate keeps growing, which worries me."


def test_first_decision_seeds_the_agreed_codings_then_applies_itself(project):
    (d,) = project.disagreements("Concerns", "a", "b")
    assert d.texts == (MANDATE,) and d.disagreement.present == (True, False)
    assert d.codes == (("Concerns",), ()) and d.decision is None
    k = d.disagreement
    project.resolve("a", "b", k.kind, k.key, k.code_id, "a", ACTOR)
    pairs, marks = state(project)
    assert pairs == SEEDED | {(MANDATE, "Concerns")}
    # a turn left without codes is coded with nothing; the one only coder a reached is a's
    assert marks == {"Nothing else to add.", "Fees are fine [laughs].", "I am not sure we need it."}
    assert project.disagreements("Concerns", "a", "b")[0].decision == "a"
    assert [e["action"] for e in project.history(2)] == ["consensus.decide", "consensus.seed"]
    assert all(e["actor"] == ACTOR and e["undoable"] for e in project.history(2))


def test_each_decision_undoes_and_redoes_from_the_event_log(project):
    (d,) = project.disagreements("Concerns", "a", "b")
    k = d.disagreement
    project.resolve("a", "b", k.kind, k.key, k.code_id, "a", ACTOR)
    after = state(project)
    assert project.undo(ACTOR) == "consensus.decide"
    pairs, marks = state(project)
    assert pairs == SEEDED and MANDATE in marks
    assert project.disagreements("Concerns", "a", "b")[0].decision is None
    assert project.undo(ACTOR) == "consensus.seed"
    assert state(project) == (set(), set()) and CONSENSUS not in project.coders()
    assert project.redo(ACTOR) == "consensus.seed"
    assert project.redo(ACTOR) == "consensus.decide"
    assert state(project) == after
    assert project.tally(coder=CONSENSUS).finding("F2").respondents == 2


def test_both_neither_and_a_respondent_unit(project):
    other = {d.texts[0]: d.disagreement for d in project.disagreements("Other", "a", "b")}
    managed = other["Managed migration is our model, so we stay."]
    fees = other["Fees are fine [laughs]."]
    project.resolve("a", "b", managed.kind, managed.key, managed.code_id, "neither", ACTOR)
    project.resolve("a", "b", fees.kind, fees.key, fees.code_id, "both", ACTOR)
    pairs, marks = state(project)
    assert ("Managed migration is our model, so we stay.", "Other") not in pairs
    assert ("Fees are fine [laughs].", "Other") in pairs and "Fees are fine [laughs]." not in marks
    (need,) = project.disagreements("Need", "a", "b", "respondent")
    assert need.disagreement.key == "R3" and need.disagreement.present == (False, True)
    k = need.disagreement
    project.resolve("a", "b", "respondent", "R3", k.code_id, "b", ACTOR)
    pairs, marks = state(project)
    assert ("I am not sure we need it.", "Need") in pairs
    assert "I am not sure we need it." not in marks
    assert project.disagreements("Need", "a", "b", "respondent")[0].decision == "b"


def test_the_consensus_is_tallied_audited_and_exported(project, tmp_path, capsys):
    for d in project.disagreements("Concerns", "a", "b"):
        k = d.disagreement
        project.resolve("a", "b", k.kind, k.key, k.code_id, "a", ACTOR)
    path = str(project.path)
    assert main(["tally", path, "--coder", "consensus", "--json"]) == 0
    tally = json.loads(capsys.readouterr().out)
    f2 = next(f for f in tally["findings"] if f["id"] == "F2")
    assert tally["coder"] == "consensus" and (f2["respondents"], f2["denominator"]) == (2, 3)
    assert main(["audit", path, "--coder", "consensus", "--json"]) == 0
    audit = json.loads(capsys.readouterr().out)
    f2_claim = next(c for c in audit["claims"] if c["finding"] == "F2")
    assert f2_claim["n_of_N"] == "2/3 most" and f2_claim["verdict"] == "understated"
    assert main(["export", path, str(tmp_path / "r.xlsx"), "--coder", "consensus"]) == 0
    rows = list(load_workbook(tmp_path / "r.xlsx")["finding x group"].iter_rows(values_only=True))
    assert next(r for r in rows if r[0] == "F2")[3:5] == (2, 3)
    assert main(["export", path, str(tmp_path / "r.html"), "--coder", "consensus"]) == 0
    assert "codings by consensus" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert main(["export", path, str(tmp_path / "c.csv")]) == 0
    coded = list(csv.DictReader((tmp_path / "c.csv").open(encoding="utf-8")))
    assert {(r["text"], r["codes"]) for r in coded if r["coder"] == CONSENSUS} >= {
        (MANDATE, "Concerns"), ("Nothing else to add.", "")}
