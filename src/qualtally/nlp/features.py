"""The text features every learned suggester shares: word and character TF-IDF.

Short survey answers and interview turns share few exact words with one another, so
lemmatised word 1-2 grams (meaning) are joined by character 2-5 grams inside word
boundaries (spelling variants, compounds, typos). Kept as one small transformer so the
classifier, the nearest-neighbour search and the explanations see the same vectors.

Retraining refits the vocabulary on texts that barely change between retrains, and
scikit-learn's n-gram analysers are pure Python (~0.5 s on 4,000 excerpts), so each
text's terms are kept per process (``TERM_ROWS``) and a fit analyses only texts it has
not seen, through scikit-learn's public API (a callable analyser); the vocabulary,
counts and float order stay exactly scikit-learn's. Nothing here uses a private name of
scikit-learn (``tests/nlp/test_retrain_same_model.py`` checks it).
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from qualtally.nlp.text import lemma_texts

_WORDS: dict[int, tuple[weakref.ref, dict]] = {}
"""id(char_wb vectoriser) -> (weak reference to it, word -> its in-vocabulary n-gram columns).

Weak, so a retrained-away model's vectoriser and its word cache go when the model does
(entries of dead vectorisers are dropped whenever a new one is seen)."""
_WORDS_LOCK = threading.Lock()


def _word_columns(vec) -> dict | None:
    """``vec``'s word cache (created on first use), or None when it cannot count by word."""
    if not _per_word(vec):
        return None
    hit = _WORDS.get(id(vec))
    if hit is not None and hit[0]() is vec:
        return hit[1]
    with _WORDS_LOCK:
        for key in [k for k, (ref, _) in _WORDS.items() if ref() is None]:
            del _WORDS[key]
        words: dict = {}
        _WORDS[id(vec)] = (weakref.ref(vec), words)
        return words


def tfidf_transform(vec, docs):
    """``vec.transform(docs)`` for a fitted TfidfVectorizer, without scikit-learn's checks.

    Those input checks cost ~1 ms per call, more than the work itself for one excerpt
    (a suggestion cache miss). Same steps in the same float order: counts of in-vocabulary
    terms, sorted by column, ``log(tf) + 1`` when sublinear, times idf, then scikit-learn's
    own in-place L2 row normalisation; anything unusual goes to ``vec.transform``.
    """
    if (
        vec.binary
        or vec.norm not in ("l2", None)
        or not vec.use_idf
        or vec.dtype not in (np.float32, np.float64)
    ):
        return vec.transform(docs)
    from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

    vocab, words = vec.vocabulary_, _word_columns(vec)
    indices: list[int] = []
    counts: list[int] = []
    indptr = [0]
    if words is not None:  # char_wb: a text's n-grams are its words' n-grams
        # the analyser applied to one preprocessed word gives its n-grams (see _TermRows._char_wb)
        preprocess, ngrams = vec.build_preprocessor(), vec.build_analyzer()
        if len(words) > 200_000:
            words.clear()
        for doc in docs:
            cols = []
            for w in preprocess(doc).split():
                c = words.get(w)
                if c is None:
                    c = words[w] = [j for j in map(vocab.get, ngrams(w)) if j is not None]
                cols += c
            js, ns = np.unique(np.asarray(cols, dtype=np.int64), return_counts=True)
            indices += js.tolist()
            counts += ns.tolist()
            indptr.append(len(indices))
    analyze = vec.build_analyzer() if words is None else None  # ~3 us
    for doc in docs if words is None else ():
        row = {j: n for j, n in ((vocab.get(term), n) for term, n in Counter(analyze(doc)).items())
               if j is not None}
        for j in sorted(row):
            indices.append(j)
            counts.append(row[j])
        indptr.append(len(indices))
    data = np.asarray(counts, dtype=vec.dtype)
    if vec.sublinear_tf:
        np.log(data, data)
        data += 1.0
    idx = np.asarray(indices, dtype=np.int32)
    data *= vec.idf_[idx]
    X = sp.csr_matrix(
        (data, idx, np.asarray(indptr, dtype=np.int32)),
        shape=(len(indptr) - 1, len(vocab)),
        dtype=vec.dtype,
    )
    if vec.norm == "l2":
        inplace_csr_row_normalize_l2(X)
    return X


def _per_word(vec) -> bool:
    """A plain char_wb vectoriser: its n-grams can be counted word by word (see _TermRows)."""
    return (vec.analyzer == "char_wb" and vec.input == "content" and vec.preprocessor is None
            and vec.tokenizer is None and vec.stop_words is None and vec.strip_accents is None)


class _TermRows:
    """Each text's analysed terms, kept across fits in this process.

    A row is what the vectoriser's own analyser yields for the text, in order (all a fit
    needs to rebuild scikit-learn's vocabulary order and counts): for char_wb a tuple of
    its words' n-gram tuples, shared between texts and read as one chained stream, else a
    tuple of terms. Cleared whole when it passes ``MAX_TEXTS`` rows (one per text and
    analyser: word and char make two).
    """

    MAX_TEXTS = 40_000

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        self.rows: dict[tuple, tuple] = {}
        self.words: dict[tuple, tuple[str, ...]] = {}

    def analyzer(self, key, vec, docs):
        """A callable analyser for fitting ``vec`` on ``docs``: each text's terms as ``vec``'s
        own analyser yields them, read from the rows kept (call under ``self.lock``)."""
        if len(self.rows) + len(docs) > self.MAX_TEXTS or len(self.words) > 20 * self.MAX_TEXTS:
            self.clear()
        rows = self.rows
        if key[0] == "char_wb":
            analyze, chain = self._char_wb(key, vec), itertools.chain.from_iterable

            def terms(doc):
                row = rows.get((key, doc))
                if row is None:
                    row = rows[(key, doc)] = analyze(doc)
                return chain(row)
            return terms
        analyze_word = vec.build_analyzer()

        def word_terms(doc):
            row = rows.get((key, doc))
            if row is None:
                row = rows[(key, doc)] = tuple(analyze_word(doc))
            return row
        return word_terms

    def _char_wb(self, key, vec):
        """scikit-learn's char_wb analyser as a tuple of per-word n-gram tuples (words recur
        a lot, so each word is analysed once).

        Its n-grams of a text are those of each whitespace-separated word of the
        preprocessed text, in order (its whitespace normalisation does not change the
        split), and its analyser applied to one such word gives that word's n-grams (the
        preprocessing, lowercasing, leaves the word as it is). So the chained stream, and
        hence the counts' order, is the same; ``test_retrain_same_model.py`` compares them.
        """
        preprocess, ngrams, words = vec.build_preprocessor(), vec.build_analyzer(), self.words

        def analyze(doc):
            out = []
            for w in preprocess(doc).split():
                grams = words.get((key, w))
                if grams is None:
                    grams = words[(key, w)] = tuple(ngrams(w))
                out.append(grams)
            return tuple(out)
        return analyze


TERM_ROWS = _TermRows()


class CachedTfidfVectorizer(TfidfVectorizer):
    """A TfidfVectorizer whose fit reads per-text terms from ``TERM_ROWS``.

    Only the fit differs, and only through scikit-learn's public API: the texts are
    fitted by a plain TfidfVectorizer with the same parameters whose ``analyzer`` is a
    callable serving each text's kept terms, and its fitted state is taken over. Same
    vocabulary, idf and rows as scikit-learn's own fit (scikit-learn still counts the
    terms; only the analysis is saved). ``plain()`` gives the fitted state as a plain
    TfidfVectorizer, which is what models keep and save.
    """

    def _cache_key(self):
        if (self.input != "content" or self.preprocessor is not None or self.tokenizer is not None
                or self.stop_words is not None or self.strip_accents is not None
                or not isinstance(self.analyzer, str)):
            return None
        return (self.analyzer, tuple(self.ngram_range), self.token_pattern, bool(self.lowercase))

    def fit(self, raw_documents, y=None):
        self.fit_transform(raw_documents)
        return self

    def fit_transform(self, raw_documents, y=None):
        docs = raw_documents if isinstance(raw_documents, list) else list(raw_documents)
        key = self._cache_key()
        if key is None or not docs or not all(type(d) is str for d in docs):
            return super().fit_transform(docs, y)
        params = self.get_params()
        with TERM_ROWS.lock:
            # a callable analyser ignores the n-gram range and token pattern (scikit-learn
            # warns about them): the terms it serves are already those
            fit = TfidfVectorizer(**{**params, "analyzer": TERM_ROWS.analyzer(key, self, docs),
                                     "ngram_range": (1, 1), "token_pattern": None})
            X = fit.fit_transform(docs)
        # the fitted state: every attribute that is not a parameter (scikit-learn's convention)
        self.__dict__.update((k, v) for k, v in vars(fit).items() if k not in params)
        return X

    def plain(self) -> TfidfVectorizer:
        vec = TfidfVectorizer.__new__(TfidfVectorizer)
        vec.__dict__.update(self.__dict__)
        return vec


class TextFeatures(TransformerMixin, BaseEstimator):
    """Raw texts -> L2-normalised [word TF-IDF | char TF-IDF] rows."""

    def __init__(self, word_ngrams=(1, 2), char_ngrams=(2, 5), char_weight=2.0,
                 max_char_features=60_000):
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.char_weight = char_weight
        self.max_char_features = max_char_features

    def _inputs(self, texts):
        texts = [str(t) for t in texts]
        return lemma_texts(texts), [t.lower() for t in texts]

    def fit(self, X, y=None):
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        lemmas, lowered = self._inputs(X)
        word = CachedTfidfVectorizer(ngram_range=tuple(self.word_ngrams), sublinear_tf=True,
                                     token_pattern=r"(?u)\b\w+\b", min_df=1, dtype=np.float32)
        parts = [word.fit_transform(lemmas)]
        self.word_ = word.plain()
        self.char_ = None
        if self.char_weight > 0:
            char = CachedTfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams),
                                         sublinear_tf=True, min_df=1, dtype=np.float32,
                                         max_features=self.max_char_features)
            parts.append(char.fit_transform(lowered) * self.char_weight)
            self.char_ = char.plain()
        self.n_word_ = len(self.word_.vocabulary_)
        self.terms_ = self.word_.get_feature_names_out().astype(str)
        return self._join(parts)

    def transform(self, X):
        lemmas, lowered = self._inputs(X)
        parts = [tfidf_transform(self.word_, lemmas)]
        if self.char_ is not None:
            parts.append(tfidf_transform(self.char_, lowered) * self.char_weight)
        return self._join(parts)

    @staticmethod
    def _join(parts):
        """[word | char] rows, each scaled to unit length (the float32 sums of ``_join_slow``)."""
        if len(parts) != 2:
            return TextFeatures._join_slow(parts)
        a, b = (p.tocsr() for p in parts)
        if a.dtype != np.float32 or b.dtype != np.float32 or not (
                a.has_sorted_indices and b.has_sorted_indices):
            # fit_transform's rows: the slow way
            return TextFeatures._join_slow(parts)
        n, wa = a.shape
        rows = np.concatenate(
            [np.repeat(np.arange(n), np.diff(a.indptr)), np.repeat(np.arange(n), np.diff(b.indptr))]
        )
        order = np.argsort(rows, kind="stable")  # each row: its word entries, then its char entries
        data = np.concatenate([a.data, b.data])[order]
        cols = np.concatenate([a.indices, b.indices + wa])[order]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])
        # the row norms as _join_slow computes them: np.add.reduceat in float32 over each
        # row's squares in column order
        sq, sums = data * data, np.zeros(n, dtype=np.float32)
        full = np.flatnonzero(np.diff(indptr))
        if len(full):
            sums[full] = np.add.reduceat(sq, indptr[full])
        norms = np.sqrt(sums)
        norms[norms == 0] = 1.0
        data *= np.repeat(np.float32(1.0) / norms, np.diff(indptr))
        # each row's columns stay in the reverse order _join_slow's diagonal product leaves
        # them, so every later sum over a row adds in the same order whichever join built it
        rev = np.repeat(indptr[:-1] + indptr[1:] - 1, np.diff(indptr)) - np.arange(len(data))
        return sp.csr_matrix(
            (data[rev], cols[rev], indptr), shape=(n, wa + b.shape[1]), dtype=np.float32
        )

    @staticmethod
    def _join_slow(parts):
        mat = sp.hstack(parts, format="csr", dtype=np.float32)
        norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ mat, dtype=np.float32)

    def word_terms(self) -> np.ndarray:
        return self.terms_

    # Saved vocabularies as arrays: skops reads a 100,000-entry dict slowly, arrays fast.
    def __getstate__(self):
        state = dict(self.__dict__)
        for name in ("word_", "char_"):
            vec = state.get(name)
            if vec is not None and hasattr(vec, "vocabulary_"):
                terms = np.empty(len(vec.vocabulary_), dtype=object)
                for term, j in vec.vocabulary_.items():
                    terms[j] = term
                state[name + "terms"] = terms.astype(str)
                vec = TfidfVectorizer(**vec.get_params())
                state[name + "idf"] = self.__dict__[name].idf_
                state[name] = vec
        return state

    def __setstate__(self, state):
        for name in ("word_", "char_"):
            terms = state.pop(name + "terms", None)
            idf = state.pop(name + "idf", None)
            if terms is not None and state.get(name) is not None:
                vec = state[name]
                vec.vocabulary_ = {str(t): j for j, t in enumerate(terms)}
                vec.idf_ = idf
        self.__dict__.update(state)
