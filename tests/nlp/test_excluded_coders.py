"""A project can keep coders' decisions out of its model's training (the demo keeps its
own coders out, so a newcomer's suggestions are never learnt from the coding they are
scored against)."""

from __future__ import annotations

from qualtally.core.models import Code, Document, ImportBundle, Respondent, Turn
from qualtally.project import Project, training
from qualtally.project.suggest_state import Loaded


def _project(tmp_path) -> Project:
    turns, text = [], ""
    for i in range(6):
        line = f"R{i}: We need the membership number {i} [inaudible].\n"
        turns.append(Turn(len(text) + 4, len(text) + len(line) - 1, f"R{i}", f"R{i}"))
        text += line
    p = Project.new(tmp_path / "x.qtally")
    p.store.import_bundle(ImportBundle(
        source="t", respondents=[Respondent(f"R{i}") for i in range(6)],
        codes=[Code("Need"), Code("Cost")], documents=[Document("d.txt", text, tuple(turns))]), "t")
    return p


def test_excluded_coders_teach_the_model_nothing(tmp_path):
    p = _project(tmp_path)
    need, cost = p.codes()[0].id, p.codes()[1].id
    ex = [e.id for e in p.excerpts()]
    for e in ex:
        p.apply_code(e, need, "coder-a")
    p.reject_suggestion(ex[0], cost, "coder-a")
    p.apply_code(ex[1], cost, "newcomer")
    before = training.feedback_count(p.reads)
    p.exclude_from_training(["coder-a"])
    items, negatives, n = training.training_data(p.reads, None)
    assert [it.codes for it in items if it.codes] == [("Cost",)]
    assert all(neg is None for neg in negatives)
    assert n == training.feedback_count(p.reads) == 1 < before == 8
    p.close()


def test_a_shipped_model_is_kept_until_enough_own_decisions(tmp_path):
    p = _project(tmp_path)
    p.exclude_from_training(["coder-a"])
    st = p.suggest_state
    st.loaded = Loaded(suggester=object())  # a model whose card does not say what it has seen
    st.meta = {}
    ran = []
    p.suggesting.retrain_suggester = lambda coder=None, refresh=True: ran.append(coder)
    need = p.codes()[0].id
    ex = [e.id for e in p.excerpts()]
    for e in ex:
        p.apply_code(e, need, "coder-a")
    assert p.maybe_retrain("newcomer") is False and ran == []
    for e in ex[:5]:
        p.apply_code(e, need, "newcomer")
    assert p.maybe_retrain("newcomer") is True and ran == ["newcomer"]
    p.close()
