"""The Project façade's suggestion methods on a real (temporary) project file."""

import pytest
from nlp_fixtures import PHRASES, TURNS, make_rows, turns_document

from qualtally.core.models import ORIGIN_SUGGESTION, Code, CodedRow, ImportBundle
from qualtally.project import Project, training


@pytest.fixture
def project(tmp_path):
    p = Project.new(tmp_path / "t.qtally")
    codes = [
        Code("Funding"),
        Code("Delays", "Funding", keywords=("delay",)),
        Code("Amount", "Funding"),
        Code("Training", keywords=("trainer", "workshop")),
        Code("Partnership"),
        Code("Unused", definition="budget lines for vehicles", keywords=("vehicle",)),
    ]
    rows = [CodedRow(r["respondent"], r["text"], tuple(r["codes"].split(";")), "ann", f"d{i}.txt")
            for i, r in enumerate(make_rows(40, seed=4))]
    p.store.import_bundle(
        ImportBundle("test", codes=codes, coded=rows, documents=[turns_document()]), "ann"
    )
    yield p
    p.close()


def _new_ids(project):
    return [e.id for e in project.excerpts() if e.text in TURNS]


def test_suggestions_explain_and_exclude_applied_and_rejected(project):
    project.load_suggester()
    assert list(project.model_dir().glob("model-*.skops"))
    eid = _new_ids(project)[0]
    found = project.suggestions(eid, "ann")
    assert found[0].code_path == "Funding > Amount" and found[0].suggested
    assert found[0].top_terms and found[0].similar_excerpt
    project.reject_suggestion(eid, project.code_by_path("Funding > Amount").id, "ann")
    assert "Funding > Amount" not in [s.code_path for s in project.suggestions(eid, "ann")]
    assert project.accept_suggestion(eid, "Funding > Delays", "ann")
    assert "Funding > Delays" not in [s.code_path for s in project.suggestions(eid, "ann")]
    origins = [o for _, _, o in project.codings([eid], "ann")[eid]]
    assert origins == [ORIGIN_SUGGESTION]


def test_cold_start_code_is_suggested_from_its_keywords(project):
    project.load_suggester()
    eid = _new_ids(project)[4]
    found = {s.code_path: s for s in project.suggestions(eid, "ann", limit=20)}
    assert found["Unused"].source == "keywords" and found["Unused"].keywords == ("vehicles",)
    assert found["Unused"].suggested


def test_retrain_after_new_codings_and_saved_model_reused(project, tmp_path):
    project.load_suggester()
    assert not project.maybe_retrain("ann")
    code = project.code_by_path("Partnership")
    for eid in _new_ids(project) + [e.id for e in project.excerpts()][:3]:
        project.apply_code(eid, code.id, "ann")
    assert project.maybe_retrain("ann")
    again = Project.open(project.path)
    again.load_suggester()
    assert again.suggest_state.meta["codebook_hash"] == project.suggest_state.meta["codebook_hash"]
    again.close()


def test_codebook_change_forces_retraining(project):
    project.load_suggester()
    first = (project.model_dir() / "meta.json").stat().st_mtime_ns
    project.add_code(Code("Brand new"), "ann")
    fresh = Project.open(project.path)
    fresh.load_suggester()
    assert (project.model_dir() / "meta.json").stat().st_mtime_ns != first
    fresh.close()


def test_uncertainty_order_and_bulk_accept(project):
    project.load_suggester()
    new = _new_ids(project)
    order = project.uncertainty_order()
    assert set(order[: len(new)]) == set(new)
    preview = project.bulk_accept_preview("Training", 0.5, "ann")
    assert [text for _, text, _ in preview] == [TURNS[1]]
    assert project.bulk_accept("Training", 0.5, "ann") == 1
    assert project.bulk_accept_preview("Training", 0.5, "ann") == []


def test_phrases_fixture_has_every_code():
    assert set(PHRASES) == {"Funding > Delays", "Funding > Amount", "Training", "Partnership"}


def test_rejections_trigger_retraining_and_become_negatives(project):
    project.load_suggester()
    code = project.code_by_path("Training")
    new = _new_ids(project)
    for eid in new:
        project.reject_suggestion(eid, code.id, "ann")
    assert project.maybe_retrain("ann")
    items, negatives, _ = training.training_data(project.reads, "ann")
    rejected = [neg for it, neg in zip(items, negatives) if neg]
    assert len(rejected) == len(new) and all(neg == {"Training"} for neg in rejected)


def test_suggestions_wait_for_the_loader(project):
    eid = _new_ids(project)[0]
    assert project.suggestions(eid, "ann") == []
