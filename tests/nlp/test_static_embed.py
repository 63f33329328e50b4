"""The static embedder on the shipped table and tokenizer: what a vector is, and that it never
mixes with MiniLM's (caches, saved files, models trained with one or the other)."""

import hashlib
import json
import string
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nlp_fixtures import make_rows

from qualtally.nlp import embed, static_embed
from qualtally.nlp.static_embed import STATIC_NAME
from qualtally.nlp.wordpiece import basic_tokens

ROOT = Path(__file__).resolve().parents[2]
needs_table = pytest.mark.skipif(
    not embed.available(STATIC_NAME), reason="models/minilm-l6-v2-static not present"
)
needs_both = pytest.mark.skipif(not (embed.available() and embed.available(STATIC_NAME)),
                                reason="a shipped embedder is missing")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=[chr(i) for i in range(128)], max_size=40))
def test_ascii_fast_path_gives_the_general_tokens(text):
    # a leading non-ASCII word sends the same text down the general (per-character) path
    assert basic_tokens(text) == basic_tokens("\u00e9 " + text)[1:]


@needs_table
def test_card_matches_the_shipped_table():
    folder = static_embed.find_dir()
    card = json.loads((folder / "card.json").read_text())
    data = (folder / static_embed.TABLE_FILE).read_bytes()
    assert hashlib.sha256(data).hexdigest() == card["embeddings_sha256"]
    assert (
        card["dims"] == embed.dim(STATIC_NAME)
        and card["rows"] == 30522
        and "Apache-2.0" in card["licence"]
    )
    assert (folder / "vocab.txt").read_bytes() == (
        ROOT / "models" / "minilm-l6-v2" / "vocab.txt"
    ).read_bytes()


@needs_table
def test_vector_is_the_normalised_mean_of_its_tokens_rows():
    enc = embed.get_encoder(STATIC_NAME)
    text = "The grant was not enough [inaudible] to cover the costs of Naïve training."
    ids = enc.tok.tokenize_ids(text)
    assert enc.tok.unk_id not in ids and len(ids) > 10
    rows = enc.table[ids].astype(np.float64).mean(axis=0)
    want = rows / np.linalg.norm(rows)
    got = embed.embed([text], embedder=STATIC_NAME, cache=False)[0]
    assert got.shape == (embed.dim(STATIC_NAME),) and got.dtype == np.float32
    assert np.allclose(got, want, atol=1e-6)
    # the rows are the float16 table's, widened
    from qualtally.nlp.tensorfile import read_safetensors

    raw = read_safetensors(static_embed.find_dir() / static_embed.TABLE_FILE)["embeddings"]
    assert raw.dtype == np.float16 and np.array_equal(enc.table[ids], raw[ids].astype(np.float32))


@needs_table
def test_long_text_is_not_cut_at_128_tokens_and_empty_is_zero():
    enc = embed.get_encoder(STATIC_NAME)
    head = " ".join(["payments were delayed"] * 60)  # 180 tokens
    tail = " ".join(["the workshop taught us a lot"] * 30)
    assert len(enc.token_ids(head + " " + tail)) > 300
    a, b = enc.encode([head, head + " " + tail])
    assert float(a @ b) < 0.99  # the tail counts
    assert not enc.encode([""]).any() and not enc.encode(["\u2603\u2603"]).any()  # no known token


@needs_table
def test_semantic_sanity():
    a, b, c = embed.embed(
        ["The cat sits on the mat", "A cat is sitting on a mat", "The stock market fell sharply"],
        embedder=STATIC_NAME,
    )
    assert a @ b > 0.6 and a @ c < 0.4 and a @ b > a @ c + 0.3


@needs_both
def test_caches_never_mix_embedders(tmp_path):
    text = "Our cache test sentence about delayed payments, not seen elsewhere 7431."
    s = embed.embed([text], embedder=STATIC_NAME)[0]
    assert text not in embed.cache_for(embed.MODEL_NAME)
    m = embed.embed([text])[0]
    assert m.shape == (384,) and s.shape == (embed.dim(STATIC_NAME),)
    assert np.array_equal(embed.cache_for(embed.MODEL_NAME)[text], m)
    assert np.array_equal(embed.cache_for(STATIC_NAME)[text], s)
    # a saved file names its embedder; loading it as the other loads nothing
    path = tmp_path / "embeddings.npz"
    assert embed.save_cache(path, [text], embedder=STATIC_NAME) == 1
    with np.load(path, allow_pickle=False) as z:
        assert str(z["format"]) == f"{STATIC_NAME}/1"
    embed.cache_for(embed.MODEL_NAME).pop(text)
    assert embed.load_cache(path, [text]) == 0 and text not in embed.cache_for(embed.MODEL_NAME)
    embed.cache_for(STATIC_NAME).pop(text)
    assert embed.load_cache(path, [text], embedder=STATIC_NAME) == 1
    assert np.allclose(embed.cache_for(STATIC_NAME)[text], s, atol=1e-3)


@needs_both
def test_static_model_saves_loads_and_never_runs_minilm(tmp_path, monkeypatch):
    from qualtally.nlp.model import CodeSuggester
    from qualtally.nlp.persist import TRUSTED, load_model, save_model
    from qualtally.nlp.suggester import Suggester

    trusted_before = list(TRUSTED)
    rows = make_rows(60, seed=4)
    m = CodeSuggester(random_state=0, embedder=STATIC_NAME).fit(
        [r["text"] for r in rows], [tuple(r["codes"].split(";")) for r in rows]
    )
    assert m.use_embeddings_ and m.train_emb_t_.shape[0] == embed.dim(STATIC_NAME)
    save_model(Suggester({"": m}), tmp_path, codebook="x", training_size=60)
    assert json.loads((tmp_path / "meta.json").read_text())["embedders"] == {"": STATIC_NAME}
    loaded, _ = load_model(tmp_path, expect_hash="x")
    assert TRUSTED == trusted_before and loaded.models[""].embedder == STATIC_NAME

    def no_minilm(*a, **k):
        raise AssertionError("a static model ran MiniLM")

    monkeypatch.setattr(embed, "get_model", no_minilm)
    text = "the money arrived months late and the grant 918 was not enough"
    assert np.array_equal(loaded.models[""].scores([text]), m.scores([text]))
    assert loaded.suggest(text)[0].code_path.startswith("Funding")


@needs_both
@pytest.mark.slow
def test_shipped_minilm_model_still_embeds_with_minilm(monkeypatch):
    """models/iom-demo was trained before embedders were recorded: it keeps using MiniLM."""
    from qualtally.nlp.persist import load_model

    engine, _ = load_model(ROOT / "models" / "iom-demo")
    model = next(iter(engine.models.values()))
    assert (
        model.use_embeddings_ and getattr(model, "embedder", embed.MODEL_NAME) == embed.MODEL_NAME
    )
    assert model.train_emb_t_.shape[0] == 384

    def no_static(name=embed.MODEL_NAME):
        if name != embed.MODEL_NAME:
            raise AssertionError("a MiniLM model asked for another embedder")
        return embed.get_model()

    monkeypatch.setattr(embed, "get_encoder", no_static)
    text = (
        "Member states said the coordination with IOM during the crisis was adequate "
        + string.digits
    )
    out = engine.suggest(text)
    assert (
        out
        and text in embed.cache_for(embed.MODEL_NAME)
        and text not in embed.cache_for(STATIC_NAME)
    )


@needs_both
@pytest.mark.slow
def test_project_with_a_static_model_never_runs_minilm(tmp_path, monkeypatch):
    """A project whose suggester embeds with the static table trains, saves, reopens and
    suggests for a new text without MiniLM, and writes no MiniLM vectors beside it."""
    import functools

    from nlp_fixtures import TURNS, turns_document

    from qualtally.core.models import Code, CodedRow, ImportBundle
    from qualtally.nlp import suggester as suggester_mod
    from qualtally.nlp.model import CodeSuggester
    from qualtally.project import Project

    static = functools.partial(CodeSuggester, embedder=STATIC_NAME)
    monkeypatch.setattr(suggester_mod, "CodeSuggester", static)

    def no_minilm(*a, **k):
        raise AssertionError("MiniLM was run for a static model")

    monkeypatch.setattr(embed, "get_model", no_minilm)
    p = Project.new(tmp_path / "t.qtally")
    codes = [
        Code("Funding"),
        Code("Delays", "Funding"),
        Code("Amount", "Funding"),
        Code("Training"),
        Code("Partnership"),
    ]
    rows = [CodedRow(r["respondent"], r["text"], tuple(r["codes"].split(";")), "ann", f"d{i}.txt")
            for i, r in enumerate(make_rows(40, seed=4))]
    p.store.import_bundle(
        ImportBundle("test", codes=codes, coded=rows, documents=[turns_document()]), "ann"
    )
    p.load_suggester()
    meta = json.loads(p.model_dir().joinpath("meta.json").read_text())
    assert set(meta["embedders"].values()) == {STATIC_NAME}
    assert not p.model_dir().joinpath("embeddings.npz").exists()
    eid = next(e.id for e in p.excerpts() if e.text == TURNS[0])
    assert p.suggestions(eid, "ann")[0].code_path == "Funding > Amount"
    p.close()
    embed.cache_for(STATIC_NAME).clear()
    again = Project.open(tmp_path / "t.qtally")
    try:
        again.load_suggester()
        assert again.suggest_state.suggester.models[""].embedder == STATIC_NAME
        engine = again.suggest_state.suggester
        new = "the grant money was not enough for the new staff"  # never embedded before
        assert engine.suggest(new)[0].code_path.startswith("Funding")
        assert new in embed.cache_for(STATIC_NAME) and new not in embed.cache_for(embed.MODEL_NAME)
    finally:
        again.close()


def test_cached_texts_load_no_encoder(monkeypatch):
    """A look-up of cached texts neither loads MiniLM nor the table (a reopen reads saved
    vectors)."""
    def refuse(*a, **k):
        raise AssertionError("an encoder was loaded for cached texts")

    monkeypatch.setattr(embed, "get_model", refuse)
    monkeypatch.setattr(embed, "get_encoder", refuse)
    text = "a text whose vector was read from a saved file 5521"
    for name, d in ((embed.MODEL_NAME, 384), (STATIC_NAME, 256)):
        v = np.full(d, 1 / np.sqrt(d), dtype=np.float32)
        embed.cache_for(name)[text] = v
        assert np.array_equal(embed.embed([text, text], embedder=name)[1], v)
        embed.cache_for(name).pop(text)
