"""Retraining shortcuts give the model scikit-learn and a one-thread fit would give, bit for bit.

``CachedTfidfVectorizer`` (per-text term rows kept across fits, per-word char n-grams) must
fit the same vocabulary, idf and float32 rows as ``TfidfVectorizer``; the fit lane
(``lane.py``) must give the same fitted arrays as fitting everything in one thread.
"""

from __future__ import annotations

import itertools
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
CHAR = {
    "analyzer": "char_wb",
    "ngram_range": (2, 5),
    "sublinear_tf": True,
    "min_df": 1,
    "dtype": np.float32,
    "max_features": 60_000,
}


def corpus_texts(limit=1500):
    lines = []
    for f in sorted(CORPUS.rglob("*.txt")):
        lines += [ln.strip() for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines[:limit] + ODD


def same(a, b):
    a, b = a.tocsr(), b.tocsr()
    return (
        a.shape == b.shape
        and a.dtype == b.dtype
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data.view(np.uint32), b.data.view(np.uint32))
    )


@pytest.mark.parametrize(
    "params", [WORD, CHAR, {**CHAR, "max_features": 2_000}, {**CHAR, "ngram_range": (3, 3)}]
)
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
        assert list(itertools.chain.from_iterable(got(text))) == want(text)
        # second call from the per-word cache
        assert list(itertools.chain.from_iterable(got(text))) == want(text)


@pytest.mark.parametrize("params", [WORD, CHAR])
def test_the_served_terms_are_scikit_learns_analysis(params):
    vec = CachedTfidfVectorizer(**params)
    docs = corpus_texts(200)
    rows = _TermRows()
    served, want = rows.analyzer(vec._cache_key(), vec, docs), vec.build_analyzer()
    for _ in range(2):  # analysed, then read back from the rows kept
        assert [list(served(d)) for d in docs] == [want(d) for d in docs]


def test_a_refit_reads_the_terms_kept_instead_of_analysing_again(monkeypatch):
    """The cache is what makes a retraining faster: a second fit on the same texts must
    not run scikit-learn's analyser again (a silent fall back to it would pass every
    bit-for-bit test and only be slower)."""
    docs = [t.lower() for t in corpus_texts(300)]
    TERM_ROWS.clear()
    first = CachedTfidfVectorizer(**CHAR)
    first.fit_transform(docs)
    assert len(TERM_ROWS.rows) == len(set(docs))
    calls = []
    real = TfidfVectorizer.build_analyzer

    def counting(self):
        analyze = real(self)
        if isinstance(self.analyzer, str):
            return lambda doc: (calls.append(doc), analyze(doc))[1]
        return analyze
    monkeypatch.setattr(TfidfVectorizer, "build_analyzer", counting)
    again = CachedTfidfVectorizer(**CHAR)
    again.fit_transform(docs)
    assert calls == []
    assert again.vocabulary_ == first.vocabulary_


def test_term_rows_clear_when_full(monkeypatch):
    monkeypatch.setattr(_TermRows, "MAX_TEXTS", 5)
    rows = _TermRows()
    vec = CachedTfidfVectorizer(**WORD)
    key = vec._cache_key()
    served = rows.analyzer(key, vec, ["one two", "two three"])
    for doc in ["one two", "two three"]:
        served(doc)
    assert len(rows.rows) == 2
    served = rows.analyzer(key, vec, ["four", "five", "six", "seven"])  # 2 + 4 > 5: cleared first
    assert rows.rows == {}
    for doc in ["four", "five", "six", "seven"]:
        served(doc)
    assert len(rows.rows) == 4 and (key, "one two") not in rows.rows


def test_features_use_no_private_name_of_scikit_learn():
    """nlp/features.py reaches scikit-learn through its public API only (issue 18): no
    ``sklearn._x`` module, no ``_name`` attribute of a scikit-learn object."""
    import ast

    tree = ast.parse(Path(features.__file__).read_text(encoding="utf-8"))
    private = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sklearn"):
            private += [node.module] * any(p.startswith("_") for p in node.module.split("."))
            private += [a.name for a in node.names if a.name.startswith("_")]
        elif (isinstance(node, ast.Attribute) and node.attr.startswith("_")
              and not node.attr.startswith("__")):
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "TextFeatures")):
                private.append(node.attr)
    # nor a subclass overriding one of its base's private methods
    for cls in vars(features).values():
        if isinstance(cls, type) and cls.__module__ == features.__name__:
            bases = [b for b in cls.__mro__[1:] if b.__module__.startswith("sklearn")]
            private += [f"{cls.__name__}.{name}" for name, v in vars(cls).items()
                        if callable(v) and name.startswith("_") and not name.startswith("__")
                        and any(hasattr(b, name) for b in bases)]
    assert private == [], f"private scikit-learn names in nlp/features.py: {private}"


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
    threads = [
        threading.Thread(target=lambda: results.append(fitted_arrays(fit()))) for _ in range(2)
    ]
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
