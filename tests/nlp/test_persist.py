import json
import os

import pytest
from nlp_fixtures import make_rows

from qualtally.nlp.dataset import Item
from qualtally.nlp.persist import StaleModel, codebook_hash, load_model, save_model
from qualtally.nlp.suggester import Suggester


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

    from qualtally.nlp import card

    save_model(Suggester(), tmp_path, codebook="x", training_size=0)
    meta = card.read_meta(tmp_path)
    sio.dump({"models": {"": Smuggled()}}, card.model_path(tmp_path, meta))
    meta["model_sha256"] = card.file_sha256(card.model_path(tmp_path, meta))
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(StaleModel, match="untrusted"):
        load_model(tmp_path)


def test_the_card_records_the_running_versions_of_what_the_model_depends_on(suggester, tmp_path):
    from qualtally.nlp import card

    save_model(suggester, tmp_path, codebook="abc", training_size=50)
    recorded = json.loads((tmp_path / "meta.json").read_text())["versions"]
    assert set(card.CHECKED_VERSIONS) <= set(recorded)
    assert {k: recorded[k] for k in card.CHECKED_VERSIONS} == card.library_versions()
    import numpy
    import sklearn

    assert recorded["scikit-learn"] == sklearn.__version__
    assert recorded["numpy"] == numpy.__version__


def _bumped(version: str, part: int) -> str:
    parts = (version.split(".") + ["0", "0"])[:3]
    parts[part] = str(int("".join(ch for ch in parts[part] if ch.isdigit()) or 0) + 1)
    return ".".join(parts)


@pytest.mark.parametrize("name, part, stale", [
    ("scikit-learn", 1, True), ("scikit-learn", 2, False), ("scikit-learn", 0, True),
    ("scipy", 1, True), ("numpy", 0, True), ("numpy", 1, False), ("skops", 1, True),
    ("spacy", 1, True), ("spacy-lookups-data", 2, True), ("qualtally", 1, False),
])
def test_other_library_versions_on_the_card_make_the_model_stale(suggester, tmp_path, name, part,
                                                                  stale):
    """A card naming another minor version of scikit-learn (or scipy, skops, spaCy), another
    numpy major or other lemma tables is refused with a message saying to retrain; the
    loader's card-only choice (``pick_model``) agrees."""
    from qualtally.nlp import card

    save_model(suggester, tmp_path, codebook="abc", training_size=50)
    meta = json.loads((tmp_path / "meta.json").read_text())
    meta["versions"][name] = _bumped(meta["versions"][name], part)
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    if stale:
        with pytest.raises(StaleModel, match=f"other library versions: {name} .*; retrain it$"):
            load_model(tmp_path, expect_hash="abc")
        assert card.pick_model([tmp_path], "abc") is None
    else:
        load_model(tmp_path, expect_hash="abc")
        assert card.pick_model([tmp_path], "abc")[0] == tmp_path


def test_a_card_without_versions_is_stale(suggester, tmp_path):
    save_model(suggester, tmp_path, codebook="abc", training_size=50)
    meta = json.loads((tmp_path / "meta.json").read_text())
    del meta["versions"]["spacy-lookups-data"]
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(StaleModel, match="spacy-lookups-data unrecorded"):
        load_model(tmp_path)
    del meta["versions"]
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(StaleModel, match="scikit-learn unrecorded"):
        load_model(tmp_path)


def test_shipped_model_cards_match_the_running_versions():
    """The models shipped under models/ load here: their cards record these versions."""
    from pathlib import Path

    from qualtally.nlp import card

    models = Path(__file__).resolve().parents[2] / "models"
    shipped = [p.parent for p in models.glob("*/meta.json")]
    assert shipped
    for folder in shipped:
        assert card.version_drift(card.read_meta(folder)) == [], folder


def test_a_save_removes_what_killed_saves_left_and_nothing_else(tmp_path):
    """A save killed before its renames leaves ``.model.skops.<pid>.tmp`` (and the card's);
    the next save removes those of dead processes, the other model files no card names,
    and leaves other writers' temporary files alone."""
    import subprocess
    import sys

    from qualtally.nlp import card

    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True).stdout)
    left = [tmp_path / f".model.skops.{dead}.tmp", tmp_path / f".meta.json.{dead}.tmp",
            tmp_path / "model-0123456789abcdef.skops"]
    kept = [tmp_path / ".embeddings.npz.12345678.tmp", tmp_path / f".model.skops.{os.getpid()}x"]
    for p in left + kept:
        p.write_bytes(b"partial")
    save_model(Suggester(), tmp_path, codebook="x", training_size=0)
    assert not [p for p in left if p.exists()]
    assert all(p.exists() for p in kept)
    assert [p.name for p in tmp_path.glob("model*.skops")] == [
        card.model_path(tmp_path, card.read_meta(tmp_path)).name]
