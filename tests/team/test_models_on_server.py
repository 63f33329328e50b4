"""A server project keeps its models and embeddings in the database (``model_files``):
a second machine (another Project on the same URL) loads the model the first trained,
a model whose card does not vouch for it is not used, and nothing is written in the
working folder."""

from __future__ import annotations

import json
import os

import pytest
import sqlalchemy as sa
from qt_pg import fresh_database
from tui.demo_project import build

from qualtally.project import Project
from qualtally.storage import model_store
from qualtally.storage import tables as t


@pytest.fixture
def url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with fresh_database() as u:
        build(u)
        yield u
    assert os.listdir(tmp_path) == []  # nothing beside the user's working folder


def _rows(url) -> dict[tuple[str, str], bytes]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {(r.folder, r.name): bytes(r.data)
                    for r in conn.execute(sa.select(t.model_files))}
    finally:
        engine.dispose()


def test_a_trained_model_is_in_the_database_and_used_by_the_next_opening(url):
    with Project.open(url) as first:
        first.retrain_suggester("ana", refresh=False)
        folder = first.model_dir()
        trained_key = first.suggest_state.key
        assert folder.is_dir()
    assert not folder.exists()  # the private working copy goes with the project
    rows = _rows(url)

    card = json.loads(rows[("", model_store.META_FILE)])
    assert [n for (f, n) in rows if f == "" and n.endswith(".skops")] == [card["model_file"]]
    assert card["model_sha256"] == model_store.sha256(rows[("", card["model_file"])])
    with Project.open(url) as second:
        assert second.model_dir() != folder
        second.load_suggester()
        assert second.suggest_state.key == trained_key  # the same model, not a retrained one
        assert not second.models.refused


def test_a_model_that_does_not_match_its_card_is_not_used(url):
    with Project.open(url) as first:
        first.retrain_suggester("ana", refresh=False)
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # someone swaps the model bytes (and fixes the row's hash)
        forged = b"not the model the card describes"
        conn.execute(sa.update(t.model_files).where(t.model_files.c.name.like("model%.skops"))
                     .values(data=forged, sha256=model_store.sha256(forged)))
    engine.dispose()
    with Project.open(url) as second:
        assert not (second.model_dir() / "embeddings.npz").exists()  # filled when first read
        second.models.ready()
        assert second.models.refused == {"": "the model does not match its card's sha256"}
        assert not list(second.model_dir().glob("model*.skops"))


def test_refused_explains_each_case():
    model = b"model bytes"
    good = json.dumps({"model_sha256": model_store.sha256(model)}).encode()
    assert model_store.refused({"model.skops": model, "meta.json": good}) is None
    assert model_store.refused({"embeddings.npz": b"x"}) is None
    assert "without its card" in model_store.refused({"model.skops": model})
    assert "no model_sha256" in model_store.refused({"model.skops": model, "meta.json": b"{}"})
    named = json.dumps({"model_file": "model-ab.skops",
                        "model_sha256": model_store.sha256(model)}).encode()
    assert model_store.refused({"model-ab.skops": model, "meta.json": named}) is None
    assert "names no model file" in model_store.refused({"model.skops": model, "meta.json": named})
    assert "unreadable" in model_store.refused({"model.skops": model, "meta.json": b"\xff"})
