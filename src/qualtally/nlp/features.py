"""The text features every learned suggester shares: word and character TF-IDF.

Short survey answers and interview turns share few exact words with one another, so
lemmatised word 1-2 grams (meaning) are joined by character 2-5 grams inside word
boundaries (spelling variants, compounds, typos). Kept as one small transformer so the
classifier, the nearest-neighbour search and the explanations see the same vectors.

Retraining refits the vocabulary on texts that barely change between retrains, and
scikit-learn's n-gram analysers are pure Python (~0.5 s on 4,000 excerpts), so each
text's term counts are kept per process (``TERM_ROWS``) and a fit analyses only texts it
has not seen; the vocabulary, counts and float order stay exactly scikit-learn's.
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

try:
    from sklearn.utils._sparse import _align_api_if_sparse
except ImportError:  # older scikit-learn: its vectorisers returned scipy matrices as they are
    def _align_api_if_sparse(X):
        return sp.csr_matrix(X)

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
    if vec.binary or vec.norm not in ("l2", None) or not vec.use_idf or vec.dtype not in (np.float32, np.float64):
        return vec.transform(docs)
    from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

    vocab, words = vec.vocabulary_, _word_columns(vec)
    indices: list[int] = []
    counts: list[int] = []
    indptr = [0]
    if words is not None:  # char_wb: a text's n-grams are its words' n-grams
        preprocess, ngrams = vec.build_preprocessor(), vec._char_wb_ngrams
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
    X = sp.csr_matrix((data, idx, np.asarray(indptr, dtype=np.int32)), shape=(len(indptr) - 1, len(vocab)),
                      dtype=vec.dtype)
    if vec.norm == "l2":
        inplace_csr_row_normalize_l2(X)
    return X


def _per_word(vec) -> bool:
    """A plain char_wb vectoriser: its n-grams can be counted word by word (see _TermRows)."""
    return (vec.analyzer == "char_wb" and vec.input == "content" and vec.preprocessor is None
            and vec.tokenizer is None and vec.stop_words is None and vec.strip_accents is None)


class _TermRows:
    """Each text's analysed terms as (term ids, counts), kept across fits in this process.

    Ids index one process-wide term table; a row holds the text's distinct terms in the
    order the analyser first yields them, which is all ``_count_vocab`` needs to rebuild
    scikit-learn's vocabulary order. Cleared whole when it passes ``MAX_TEXTS`` rows (one
    per text and analyser: word and char make two). Measured: 18 MB for the 4,000 texts of
    ``speed.py``'s synthetic set, both analysers.
    """

    MAX_TEXTS = 40_000

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        self.ids: dict[str, int] = {}
        self.terms: list[str] = []
        self.rows: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self.words: dict[tuple, tuple[str, ...]] = {}

    def get(self, key, vec, docs):
        """[(ids, counts)] per doc of fitted-to-be vectoriser ``vec`` (call under ``self.lock``)."""
        if len(self.rows) + len(docs) > self.MAX_TEXTS or len(self.words) > 20 * self.MAX_TEXTS:
            self.clear()
        ids, terms, rows, out = self.ids, self.terms, self.rows, []
        analyze = self._char_wb(key, vec) if key[0] == "char_wb" else vec.build_analyzer()
        for doc in docs:
            row = rows.get((key, doc))
            if row is None:
                counts = Counter(analyze(doc))
                gids = []
                for term in counts:
                    g = ids.get(term)
                    if g is None:
                        g = ids[term] = len(terms)
                        terms.append(term)
                    gids.append(g)
                row = rows[(key, doc)] = (np.array(gids, dtype=np.int64),
                                          np.fromiter(counts.values(), dtype=np.intc, count=len(counts)))
            out.append(row)
        return out

    def _char_wb(self, key, vec):
        """scikit-learn's char_wb analyser with each word's n-grams kept (words recur a lot).

        Its n-grams of a text are those of each whitespace-separated word of the
        preprocessed text, in order (its whitespace normalisation does not change the
        split), so the stream, and hence the counts' order, is the same.
        """
        preprocess, ngrams, words = vec.build_preprocessor(), vec._char_wb_ngrams, self.words

        def analyze(doc):
            out = []
            for w in preprocess(doc).split():
                grams = words.get((key, w))
                if grams is None:
                    grams = words[(key, w)] = tuple(ngrams(w))
                out += grams
            return out
        return analyze


TERM_ROWS = _TermRows()


class CachedTfidfVectorizer(TfidfVectorizer):
    """A TfidfVectorizer whose fit reads per-text term counts from ``TERM_ROWS``.

    Only ``_count_vocab`` (fit time) differs; it returns the same vocabulary and count
    matrix as scikit-learn's. ``plain()`` gives the fitted state as a plain
    TfidfVectorizer, which is what models keep and save.
    """

    def _cache_key(self):
        if (self.input != "content" or self.preprocessor is not None or self.tokenizer is not None
                or self.stop_words is not None or self.strip_accents is not None
                or not isinstance(self.analyzer, str)):
            return None
        return (self.analyzer, tuple(self.ngram_range), self.token_pattern, bool(self.lowercase))

    def _count_vocab(self, raw_documents, fixed_vocab):
        docs = raw_documents if isinstance(raw_documents, list) else list(raw_documents)
        key = None if fixed_vocab else self._cache_key()
        if key is None or not docs or not all(type(d) is str for d in docs):
            return super()._count_vocab(docs, fixed_vocab)
        with TERM_ROWS.lock:
            rows = TERM_ROWS.get(key, self, docs)
            terms = TERM_ROWS.terms
            lens = np.fromiter((len(r[0]) for r in rows), dtype=np.int64, count=len(rows))
            if lens.sum() == 0 or lens.sum() > np.iinfo(np.int32).max:
                return super()._count_vocab(docs, fixed_vocab)  # its own error / 64-bit path
            gids = np.concatenate([r[0] for r in rows])
            values = np.concatenate([r[1] for r in rows])
            uniq, first = np.unique(gids, return_index=True)
            by_first = np.argsort(first, kind="stable")  # ids in the order the corpus first shows them
            local = np.empty(len(uniq), dtype=np.int64)
            local[by_first] = np.arange(len(uniq))
            vocabulary = {terms[g]: i for i, g in enumerate(uniq[by_first].tolist())}
        j_indices = local[np.searchsorted(uniq, gids)].astype(np.int32)
        indptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int32)
        X = sp.csr_array((values, j_indices, indptr), shape=(len(docs), len(vocabulary)), dtype=self.dtype)
        X.sort_indices()
        return vocabulary, _align_api_if_sparse(X)

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
                a.has_sorted_indices and b.has_sorted_indices):  # fit_transform's rows: the slow way
            return TextFeatures._join_slow(parts)
        n, wa = a.shape
        rows = np.concatenate([np.repeat(np.arange(n), np.diff(a.indptr)), np.repeat(np.arange(n), np.diff(b.indptr))])
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
        # _join_slow's diagonal product leaves each row's columns in reverse order: kept, so
        # that every later sum over a row adds in the same order as before
        rev = np.repeat(indptr[:-1] + indptr[1:] - 1, np.diff(indptr)) - np.arange(len(data))
        return sp.csr_matrix((data[rev], cols[rev], indptr), shape=(n, wa + b.shape[1]), dtype=np.float32)

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
