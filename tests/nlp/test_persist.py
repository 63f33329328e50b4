import json

import pytest
from nlp_fixtures import make_rows

from qualtally.nlp.dataset import Item
from qualtally.nlp.suggester import Suggester
from qualtally.nlp.persist import StaleModel, codebook_hash, load_model, save_model


class Smuggled:
    """A type no trusted list names."""


@pytest.fixture(scope="module")
def suggester():
    rows = make_rows(50, seed=2)
    return Suggester.train([Item(r["text"], tuple(r["codes"].split(";"))) for r in rows])


def test_roundtrip_keeps_scores_and_writes_card(suggester, tmp_path):
    save_model(suggester, tmp_path, codebook="abc", training_size=50, metrics={"micro_f1": 0.5})
    meta = json.loads((tmp_path / "meta.json").read_text())
    assert meta["codebook_hash"] == "abc" and meta["training_size"] == 50
    assert {"scikit-learn", "spacy", "skops"} <= set(meta["versions"])
    assert meta["trained_at"] and meta["metrics"] == {"micro_f1": 0.5}
    loaded, _ = load_model(tmp_path, expect_hash="abc")
    text = "payments were delayed again"
    expected = [s.code_path for s in suggester.suggest(text)]
    assert [s.code_path for s in loaded.suggest(text)] == expected
    assert loaded.suggest(text)[0].score == suggester.suggest(text)[0].score


def test_changed_codebook_refuses_model(suggester, tmp_path):
    save_model(suggester, tmp_path, codebook=codebook_hash(["A"]), training_size=50)
    with pytest.raises(StaleModel):
        load_model(tmp_path, expect_hash=codebook_hash(["A", "B"]))


def test_untrusted_types_are_refused(tmp_path):
    import skops.io as sio

    save_model(Suggester(), tmp_path, codebook="x", training_size=0)
    sio.dump({"models": {"": Smuggled()}}, tmp_path / "model.skops")
    with pytest.raises(StaleModel, match="untrusted"):
        load_model(tmp_path)
