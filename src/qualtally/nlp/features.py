"""The text features every learned suggester shares: word and character TF-IDF.

Short survey answers and interview turns share few exact words with one another, so
lemmatised word 1-2 grams (meaning) are joined by character 2-5 grams inside word
boundaries (spelling variants, compounds, typos). Kept as one small transformer so the
classifier, the nearest-neighbour search and the explanations see the same vectors.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from qualtally.nlp.text import lemma_texts


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
        self.word_ = TfidfVectorizer(ngram_range=tuple(self.word_ngrams), sublinear_tf=True,
                                     token_pattern=r"(?u)\b\w+\b", min_df=1, dtype=np.float32)
        parts = [self.word_.fit_transform(lemmas)]
        self.char_ = None
        if self.char_weight > 0:
            self.char_ = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams),
                                         sublinear_tf=True, min_df=1, dtype=np.float32,
                                         max_features=self.max_char_features)
            parts.append(self.char_.fit_transform(lowered) * self.char_weight)
        self.n_word_ = len(self.word_.vocabulary_)
        self.terms_ = self.word_.get_feature_names_out().astype(str)
        return self._join(parts)

    def transform(self, X):
        lemmas, lowered = self._inputs(X)
        parts = [self.word_.transform(lemmas)]
        if self.char_ is not None:
            parts.append(self.char_.transform(lowered) * self.char_weight)
        return self._join(parts)

    @staticmethod
    def _join(parts):
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
