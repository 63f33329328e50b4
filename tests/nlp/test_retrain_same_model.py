"""Retraining shortcuts give the model scikit-learn and a one-thread fit would give, bit for bit.

``CachedTfidfVectorizer`` (per-text term rows kept across fits, per-word char n-grams) must
fit the same vocabulary, idf and float32 rows as ``TfidfVectorizer``; the fit lane
(``lane.py``) must give the same fitted arrays as fitting everything in one thread.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from nlp_fixtures import make_rows
from sklearn.feature_extraction.text import TfidfVectorizer

from qualtally.nlp import features, model
from qualtally.nlp.features import TERM_ROWS, CachedTfidfVectorizer, _TermRows
from qualtally.nlp.lane import run_now
from qualtally.nlp.text import lemma_texts

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "iom-evaluation"
ODD = ["", " ", "a", "I", "[inaudible]  --  ok\t\tyes\n\nno", "naïve café\u00a0déjà\u2003vu",
       "x" * 40, "it's  it's it's", "Ünïcödé ÄÖ", "2024-05-01 12:30", "a  b\r\nc\x0bd\x0ce"]
WORD = {"ngram_range": (1, 2), "sublinear_tf": True, "token_pattern": r"(?u)\b\w+\b", "min_df": 1,
        "dtype": np.float32}
CHAR = {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True, "min_df": 1, "dtype": np.float32,
        "max_features": 60_000}


def corpus_texts(limit=1500):
    lines = []
    for f in sorted(CORPUS.rglob("*.txt")):
        lines += [ln.strip() for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines[:limit] + ODD


def same(a, b):
    a, b = a.tocsr(), b.tocsr()
    return (a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a.indptr, b.indptr)
            and np.array_equal(a.indices, b.indices) and np.array_equal(a.data.view(np.uint32), b.data.view(np.uint32)))


@pytest.mark.parametrize("params", [WORD, CHAR, {**CHAR, "max_features": 2_000}, {**CHAR, "ngram_range": (3, 3)}])
def test_cached_vectoriser_fits_what_scikit_learn_fits(params):
    texts = corpus_texts()
    docs = lemma_texts(texts) if params is WORD else [t.lower() for t in texts]
    TERM_ROWS.clear()
    for subset in (docs, docs[::-1], docs[: len(docs) // 2] + ["a text no fit has seen yet"], docs):
        want = TfidfVectorizer(**params)
        got = CachedTfidfVectorizer(**params)
        assert same(want.fit_transform(subset), got.fit_transform(subset))
        assert want.vocabulary_ == got.vocabulary_
        assert np.array_equal(want.idf_, got.idf_)
        plain = got.plain()
        assert type(plain) is TfidfVectorizer
        assert same(want.transform(subset[:50]), plain.transform(subset[:50]))


def test_char_wb_stream_is_scikit_learns_in_order():
    vec = CachedTfidfVectorizer(**CHAR)
    want = vec.build_analyzer()
    got = _TermRows()._char_wb(("char_wb",), vec)
    for text in ODD + corpus_texts(300):
        assert got(text) == want(text)
        assert got(text) == want(text)  # second call from the per-word cache


def test_term_rows_clear_when_full(monkeypatch):
    monkeypatch.setattr(_TermRows, "MAX_TEXTS", 5)
    rows = _TermRows()
    vec = CachedTfidfVectorizer(**WORD)
    key = vec._cache_key()
    rows.get(key, vec, ["one two", "two three"])
    assert len(rows.rows) == 2
    rows.get(key, vec, ["four", "five", "six", "seven"])  # 2 + 4 > 5: cleared first
    assert len(rows.rows) == 4 and "one" not in rows.ids


def test_empty_vocabulary_is_scikit_learns_error():
    with pytest.raises(ValueError, match="empty vocabulary"):
        CachedTfidfVectorizer(**WORD).fit_transform(["", "  "])


class SerialLane:
    """What ``Lane`` replaces: each call run at once, in the calling thread."""

    def __init__(self, name: str = "lane") -> None:
        self.name = name

    def submit(self, fn, *args):
        return run_now(fn, *args)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


def fitted_arrays(m):
    out = {}
    for k, v in vars(m).items():
        if k.endswith("_") and k != "features_":
            out[k] = v.toarray() if sp.issparse(v) else v
    return out


def assert_same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        x, y = np.asarray(a[k]), np.asarray(b[k])
        assert x.shape == y.shape and x.dtype == y.dtype, k
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), k


@pytest.mark.parametrize("n, emb_model", [(48, "liblinear"), (1600, "auto")])
def test_lane_fit_is_the_one_thread_fit(monkeypatch, n, emb_model):
    """Small sets (4 inner folds; embedding liblinear fits contend with the lane for the
    lock) and a set above ``HOLDOUT_ABOVE`` (one inner split); two fits at once as well."""
    rows = make_rows(n, seed=3)
    X = [r["text"] for r in rows]
    y = [set(r["codes"].split(";")) for r in rows]

    def fit():
        return CodeSuggester(emb_model=emb_model).fit(X, y)

    CodeSuggester = model.CodeSuggester
    lane_fit = fitted_arrays(fit())
    results = []
    threads = [threading.Thread(target=lambda: results.append(fitted_arrays(fit()))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2, "a concurrent fit raised in its thread"
    monkeypatch.setattr(model, "Lane", SerialLane)
    features.TERM_ROWS.clear()
    serial = fitted_arrays(fit())
    for got in [lane_fit] + results:
        assert_same(serial, got)


def test_a_failed_fit_cancels_the_fits_still_queued_in_the_lane():
    from qualtally.core.background import Lane

    started, gate, ran = threading.Event(), threading.Event(), []
    with pytest.raises(RuntimeError):
        with Lane() as lane:
            first = lane.submit(lambda: (started.set(), gate.wait(5))[1])
            queued = [lane.submit(ran.append, i) for i in range(3)]
            assert started.wait(5)
            raise RuntimeError("the fit failed")
    gate.set()
    assert first.result(timeout=5) is True
    assert all(f.cancelled() for f in queued) and ran == []
