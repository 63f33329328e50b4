"""The fast TF-IDF path (one excerpt's suggestion miss) gives bit-for-bit scikit-learn's rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp
from nlp_fixtures import make_rows

from qualtally.nlp.coldstart import CodeProfile, ColdStart
from qualtally.nlp.features import TextFeatures, tfidf_transform
from qualtally.nlp.text import lemma_texts

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "iom-evaluation"


def corpus_lines(limit=400):
    lines = []
    for f in sorted(CORPUS.rglob("*.txt")):
        lines += [ln.strip() for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines[:limit]


def same(a, b):
    a, b = a.tocsr(), b.tocsr()
    return (a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a.indptr, b.indptr)
            and np.array_equal(a.indices, b.indices) and np.array_equal(a.data, b.data))


def slow_transform(features, texts):
    """TextFeatures.transform as it was: scikit-learn's transforms, scipy's hstack and norms."""
    lemmas, lowered = features._inputs(texts)
    parts = [
        features.word_.transform(lemmas),
        features.char_.transform(lowered) * features.char_weight,
    ]
    return TextFeatures._join_slow(parts)


def test_transform_matches_scikit_learn_bit_for_bit():
    train = corpus_lines() + [r["text"] for r in make_rows(60)]
    assert len(train) > 200
    feats = TextFeatures().fit(train)
    queries = train[::7] + [
        "",
        "...",
        "[inaudible] zzqx unseenword",
        "The grant was not enough [crosstalk].",
    ]
    assert same(feats.transform(queries), slow_transform(feats, queries))
    for q in queries[:40]:  # one excerpt at a time, as a suggestion miss asks
        assert same(feats.transform([q]), slow_transform(feats, [q]))
    lemmas = lemma_texts(queries)
    assert same(tfidf_transform(feats.word_, lemmas), feats.word_.transform(lemmas))


def test_char_ngrams_counted_word_by_word_match_scikit_learn():
    """char_wb rows built from each word's cached n-gram columns equal scikit-learn's,
    with the word cache cold and warm, on odd whitespace, accents and repeats."""
    train = corpus_lines() + [r["text"] for r in make_rows(60)]
    feats = TextFeatures().fit(train)
    odd = ["", "  ", "a", "Ça  va\tbien,\nÇA VA", "grant grant GRANT grant.", "x" * 40,
           "[inaudible] zzqx unseenword", "née café naïve", "well -- I mean ... yes"]
    for _ in range(2):
        texts = [t.lower() for t in train[::5] + odd]
        assert same(tfidf_transform(feats.char_, texts), feats.char_.transform(texts))
        for t in texts[-len(odd):]:
            assert same(tfidf_transform(feats.char_, [t]), feats.char_.transform([t]))


def test_fit_transform_rows_unchanged(monkeypatch):
    train = corpus_lines(200)
    new = TextFeatures().fit_transform(train)
    monkeypatch.setattr(TextFeatures, "_join", staticmethod(TextFeatures._join_slow))
    assert same(new, TextFeatures().fit_transform(train))


def test_join_handles_empty_rows():
    a = sp.csr_matrix(np.array([[0, 1.5, 0], [0, 0, 0], [2, 0, 1]], dtype=np.float32))
    b = sp.csr_matrix(np.array([[0, 0], [0, 0], [0.5, 3]], dtype=np.float32))
    assert same(TextFeatures._join([a, b]), TextFeatures._join_slow([a, b]))


def test_cold_start_similarity_unchanged():
    profiles = [
        CodeProfile(
            "Funding > Delays",
            ("late", "delay"),
            "money that arrives late",
            ("payments were late",),
        ),
        CodeProfile("Training", ("workshop",), "courses and trainers"),
    ]
    cold = ColdStart(profiles)
    texts = corpus_lines(120)
    lemmas = lemma_texts(texts)
    assert same(tfidf_transform(cold.vec, lemmas), cold.vec.transform(lemmas))


def test_one_spacy_pass_gives_the_same_lemmas_and_keyword_hits():
    """The keyword matcher's Docs (no sentencizer) also feed lemma_texts: same strings, same
    hits."""
    from qualtally.nlp import text
    from qualtally.nlp.pipeline import get_nlp

    texts = corpus_lines(150) + ["Refugees and REFUGEE returns [inaudible] delays, delayed."]
    nlp = get_nlp()
    # the whole pipeline, for reference
    full = text._lemmatise_tokens(nlp.pipe(t.lower() for t in texts))
    text._CACHE.clear()
    profiles = [
        CodeProfile("Return", ("refugee", "return home")),
        CodeProfile("Delays", ("delay",)),
    ]
    cold = ColdStart(profiles)
    hits = cold.keyword_hits(texts)
    assert [text._CACHE[t] for t in texts] == full  # remembered by the matcher's pass
    text._CACHE.clear()
    assert lemma_texts(texts) == full
    old_hits = []
    for doc in nlp.pipe(t.lower() for t in texts):
        found = {}
        for key, start, end in cold.matcher(doc):
            found.setdefault(cold._keys[key], []).append(doc[start:end].text)
        old_hits.append({k: tuple(dict.fromkeys(v)) for k, v in found.items()})
    assert hits == old_hits and hits[-1]["Return"] == ("refugees", "refugee")


def test_bulk_lemmas_equal_the_pipeline_lemmatizer_token_by_token():
    """Lemmas set in bulk from the per-token cache are the lookup lemmatizer's, on every corpus
    line."""
    from qualtally.nlp import text
    from qualtally.nlp.pipeline import get_nlp

    texts = corpus_lines(10_000) + [
        "",
        "   ",
        "Don't—can't won't; e-mail's [laughs] 3.5% U.N. IOM's",
        "naïve café ½",
    ]
    assert len(texts) > 300
    nlp = get_nlp()
    before = [
        [(t.text, t.lemma_) for t in d]
        for d in nlp.pipe((x.lower() for x in texts), disable=["sentencizer"])
    ]
    text._WORDS.clear()
    text._LEMMAS.clear()
    for _ in range(2):  # first pass fills the per-token caches, second reads them
        after = [[(t.text, t.lemma_) for t in d] for d in text._docs(texts, 64)]
        assert after == before
        assert text._lemmatise(text._docs(texts, 64)) == text._lemmatise_tokens(
            nlp.pipe(x.lower() for x in texts)
        )


def test_a_dropped_models_word_cache_goes_with_it():
    """The per-vectoriser word cache holds its vectoriser weakly: after a retrain drops the
    old model, its cache is gone by the next new vectoriser's first transform."""
    import gc

    from qualtally.nlp import features

    train = corpus_lines(150)
    old = TextFeatures().fit(train)
    old.transform(train[:20])
    old_id = id(old.char_)
    assert old_id in features._WORDS and features._WORDS[old_id][1]
    del old
    gc.collect()
    new = TextFeatures().fit(train[:100])
    new.transform(train[:5])
    assert all(ref() is not None for ref, _ in features._WORDS.values())
    assert features._WORDS[id(new.char_)][0]() is new.char_
