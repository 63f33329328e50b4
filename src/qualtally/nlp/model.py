"""The learned suggester: TF-IDF and sentence-embedding linear models, nearest neighbours.

One estimator that a methodologist can reason about: for each code a class-balanced
logistic regression on word and character TF-IDF and a linear model on sentence
embeddings (``dense.py``), and a similarity-weighted vote of the most similar coded
excerpts (which helps codes with few examples). By default their out-of-fold scores feed
one small meta-learner shared by all codes (``stacking.py``: each score, its distance to
the answer's best code, the similarity to the code's name, the code's frequency); with
``stack=False`` they are blended by tuned weights instead. A decision threshold per code
is chosen by inner cross-validation rather than a fixed 0.5, and a code must also reach a
tuned share of the answer's best score. Each code's own name is an extra labelled example
(three copies) for the linear models (a code coded twice still has its name to go on). If
no code passes its threshold, the best code is still proposed when it comes close (tuned
the same way), because most answers carry at least one code. Everything learned ends in
``_``."""

from __future__ import annotations

import warnings
import weakref

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from qualtally.core.background import Lane
from qualtally.core.models import split_path
from qualtally.nlp.dense import fit_dense_lr, fit_lda, one_blas_thread
from qualtally.nlp.dense import knn_dense as _knn_dense
from qualtally.nlp.dense import knn_sparse as _knn
from qualtally.nlp.dense import sigmoid as _sigmoid
from qualtally.nlp.features import TextFeatures
from qualtally.nlp.lane import LIBLINEAR, run_now
from qualtally.nlp.stacking import apply_meta, code_prior, fit_meta, meta_features
from qualtally.nlp.tuning import decide, tune_blend

MAX_ROWS = 2000
HOLDOUT_ABOVE = 1500
"""Above this many training rows the inner cross-validation is one 2/3 : 1/3 split."""
LDA_ABOVE = 1000
"""Above this many training rows the embedding model is a discriminant, not per-code LR."""
"""Above this many rows a code's negatives are subsampled (see ``CodeSuggester._rows``)."""


def code_name(path, levels: str = "leaf") -> str:
    """The words of a code's name as a pseudo-example: its last level, or its whole path."""
    parts = list(split_path(str(path))) or [str(path).strip()]
    return parts[-1] if levels == "leaf" else " ".join(parts)


def label_matrix(y, classes, negatives=None):
    """(Y, known): 0/1 labels and a mask of which labels are known for each row.

    A row is fully known unless ``negatives[i]`` is a set (codes a coder rejected on an
    excerpt they did not otherwise code): then only its positives and those are known.
    """
    index = {c: j for j, c in enumerate(classes)}
    Y = np.zeros((len(y), len(classes)), dtype=np.int8)
    known = np.ones_like(Y, dtype=bool)
    for i, labels in enumerate(y):
        for c in labels:
            if c in index:
                Y[i, index[c]] = 1
        if negatives is not None and negatives[i] is not None:
            known[i] = Y[i].astype(bool)
            for c in negatives[i]:
                if c in index:
                    known[i, index[c]] = True
    return Y, known


class CodeSuggester(ClassifierMixin, BaseEstimator):
    """Multi-label code suggester; ``fit(texts, label_sets)``, ``scores(texts)``, ``predict``."""

    def __init__(self, C=8.0, char_weight=2.0, knn_k=10, inner_folds=4,
                 blend_grid=(0.0, 0.2, 0.4, 0.6), at_least_one=True, shrink=4.0, word_ngrams=(1, 2),
                 random_state=0, embeddings=True, emb_C=8.0, emb_shares=(0.0, 0.35, 0.65, 1.0),
                 emb_iter=100, emb_model="auto", emb_shrink=0.5, name_rows="leaf", name_copies=3,
                 stack=True, meta_C=0.1, relative=(0.3, 0.5, 0.7), meta_pairs=False,
                 embedder="minilm-l6-v2"):
        self.C = C
        self.char_weight = char_weight
        self.knn_k = knn_k
        self.inner_folds = inner_folds
        self.blend_grid = blend_grid
        self.at_least_one = at_least_one
        self.shrink = shrink
        self.word_ngrams = word_ngrams
        self.random_state = random_state
        self.embeddings = embeddings
        self.emb_C = emb_C
        self.emb_shares = emb_shares
        self.emb_iter = emb_iter
        self.emb_model = emb_model
        self.emb_shrink = emb_shrink
        self.name_rows = name_rows
        self.name_copies = name_copies
        self.stack = stack
        self.meta_C = meta_C
        self.relative = relative
        self.meta_pairs = meta_pairs
        # saved with the model: it always embeds with the one it was fitted with
        self.embedder = embedder

    # -- fitting --------------------------------------------------------------------------
    def fit(self, X, y, negatives=None):
        # liblinear's tol=1e-3 stop is deliberate (speed); its warning would only alarm users
        # one BLAS thread, which the small dense solves need (``dense.one_blas_thread``); the
        # TF-IDF liblinear fits run in a lane beside the rest (``lane.py``), giving the same
        # model
        with one_blas_thread(), warnings.catch_warnings(), Lane("fit-lane") as lane:
            warnings.simplefilter("ignore", ConvergenceWarning)
            return self._fit(X, y, negatives, lane)

    def _fit(self, X, y, negatives, lane):
        texts = [str(t) for t in X]
        self.classes_ = np.array(sorted({c for labels in y for c in labels}), dtype=object)
        Y, known = label_matrix(y, self.classes_, negatives)
        n, K = Y.shape
        names = (
            [code_name(c, self.name_rows) for c in self.classes_] * self.name_copies
            if self.name_rows
            else []
        )
        self.features_ = TextFeatures(word_ngrams=self.word_ngrams, char_weight=self.char_weight)
        Ma = self.features_.fit_transform(texts + names)
        M = Ma[:n]
        # the linear models also see each code's name as labelled examples (rows n onwards)
        Ya = np.vstack([Y] + [np.eye(K, dtype=Y.dtype)] * (len(names) // max(K, 1)))
        knowna = np.vstack([known, np.ones((len(names), K), dtype=bool)])
        full = lane.submit(self._fit_linear, Ma, Ya, knowna)
        self.train_matrix_t_, self.train_labels_ = M.T.tocsr(), Y * known
        self.train_texts_ = texts
        self.n_positive_ = Y.sum(axis=0).astype(int)
        Ea = self._embed(texts + names) if self.embeddings else None
        self.use_embeddings_ = Ea is not None
        if Ea is not None:
            self.emb_coef_, self.emb_intercept_ = self._fit_dense(Ea, Ya, knowna)
            self.train_emb_t_ = np.ascontiguousarray(Ea[:n].T)
        self.stacked_ = bool(self.stack and names)  # the name-similarity features need name rows
        if self.stacked_:  # the first copy of the name rows: zero-shot similarity features
            self.name_tfidf_t_ = Ma[n:n + K].T.tocsr()
            self.name_emb_ = np.ascontiguousarray(Ea[n:n + K]) if Ea is not None else None
            self.prior_ = code_prior(self.n_positive_, n)
        self._tune(Ma, Ya, knowna, Ea, n, lane)
        self.coef_, self.intercept_ = full.result()
        return self

    def _embed(self, texts):
        from qualtally.nlp import embed

        name = getattr(self, "embedder", embed.MODEL_NAME)  # models saved before it existed: MiniLM
        if not embed.available(name):
            return None
        return embed.embed(texts, embedder=name)

    def _fit_linear(self, M, Y, known, C=None):
        K = Y.shape[1]
        M = M.astype(np.float64)  # what liblinear wants: convert once, not once per code
        coef = np.zeros((K, M.shape[1]), dtype=np.float32)
        intercept = np.zeros(K, dtype=np.float64)

        def one(k):
            rows = self._rows(known[:, k], Y[:, k], k)
            yk = Y[rows, k]
            if yk.min() == yk.max():  # only positives (or none): a constant score
                intercept[k] = 4.0 if yk.size and yk[0] else -4.0
                return
            clf = LogisticRegression(
                C=C or self.C,
                class_weight="balanced",
                solver="liblinear",
                dual=True,
                tol=1e-3,
                random_state=self.random_state,
            )
            Mk = M if len(rows) == M.shape[0] else M[rows]
            with LIBLINEAR:
                clf.fit(Mk, yk)
            coef[k] = clf.coef_[0]
            intercept[k] = clf.intercept_[0]

        for k in range(K):
            one(k)
        return coef, intercept

    def _fit_dense(self, E, Y, known):
        """The embedding model: per-code liblinear LR up to ``LDA_ABOVE`` rows, LDA above.

        ``emb_model`` "auto" (the default) switches by size: on the per-question data the
        suggester is tuned for (tens to hundreds of answers) the per-code logistic
        regression scores best; above ``LDA_ABOVE`` rows it would break the retraining
        budget, so a shrinkage discriminant (one solve for all codes) takes over.
        """
        kind = self.emb_model
        if kind == "auto":
            kind = "lda" if E.shape[0] > LDA_ABOVE else "liblinear"
        if kind == "lda":
            return self._fit_lda(E, Y, known)
        if kind == "lbfgs":
            return self._fit_dense_lr(E, Y, known)
        return self._fit_linear(E, Y, known, C=self.emb_C)

    def _fit_lda(self, E, Y, known):
        return fit_lda(E, Y, known, self.emb_shrink, self.emb_C)

    def _fit_dense_lr(self, E, Y, known):
        rows = [self._rows(known[:, k], Y[:, k], k) for k in range(Y.shape[1])]
        return fit_dense_lr(E, Y, rows, self.emb_C, self.emb_iter)

    def _rows(self, known_k, y_k, k):
        """Row indices to fit code k on: all positives, negatives subsampled on large sets.

        With balanced class weights a few thousand negatives carry the same boundary as
        all of them; capping them keeps retraining on 5,000 codings within seconds.
        """
        rows = np.flatnonzero(known_k)
        if len(rows) <= MAX_ROWS:
            return rows
        pos, neg = rows[y_k[rows] == 1], rows[y_k[rows] == 0]
        n_neg = max(MAX_ROWS - len(pos), 3 * len(pos))
        if n_neg >= len(neg):
            return rows
        rng = np.random.default_rng([self.random_state, k])
        return np.sort(np.concatenate([pos, rng.choice(neg, n_neg, replace=False)]))

    def _tune(self, Ma, Ya, knowna, Ea=None, n=None, lane=None):
        """Out-of-fold scores -> blend weights, per-code thresholds, at-least-one rule.

        Components: TF-IDF linear, TF-IDF neighbours, and with embeddings also the
        embedding linear model and embedding neighbours. The grid splits the linear part
        between TF-IDF and embeddings (``emb_shares``) and gives the neighbour vote a
        weight from ``blend_grid``, from either representation.
        """
        n = Ma.shape[0] if n is None else n
        extra = np.arange(n, Ma.shape[0])  # name rows: always on the training side
        M, Y, known = Ma[:n], Ya[:n], knowna[:n]
        E = Ea[:n] if Ea is not None else None
        comps = [np.zeros(Y.shape) for _ in range(4 if E is not None else 2)]
        scored = np.ones(n, dtype=bool)
        if n > HOLDOUT_ABOVE:  # one split: a third of a large set is plenty to tune on
            te = np.random.default_rng(self.random_state).permutation(n)[: n // 3]
            scored = np.zeros(n, dtype=bool)
            scored[te] = True
            splits = [(np.flatnonzero(~scored), np.sort(te))]
        else:
            folds = min(self.inner_folds, n)
            splits = (
                list(KFold(folds, shuffle=True, random_state=self.random_state).split(M))
                if folds >= 2
                else []
            )
        if splits:
            tras = [np.concatenate([tr, extra]) for tr, _ in splits]
            fits = [
                (lane.submit if lane else run_now)(self._fit_linear, Ma[tra], Ya[tra], knowna[tra])
                for tra in tras
            ]
            for (tr, te), tra, fit in zip(splits, tras, fits):
                comps[1][te] = _knn(M[te], M[tr].T.tocsr(), (Y * known)[tr], self.knn_k)
                if E is not None:
                    coef, icpt = self._fit_dense(Ea[tra], Ya[tra], knowna[tra])
                    comps[2][te] = _sigmoid(E[te] @ coef.T + icpt)
                    comps[3][te] = _knn_dense(
                        E[te], np.ascontiguousarray(E[tr].T), (Y * known)[tr], self.knn_k
                    )
                coef, icpt = fit.result()
                comps[0][te] = _sigmoid(M[te] @ coef.T + icpt)
        if getattr(self, "stacked_", False):
            comps = comps + self._name_sims(M, E)
            F = meta_features([c[scored] for c in comps], self.prior_, self.meta_pairs)
            self.meta_w_, self.meta_b_, self.meta_mu_, self.meta_sd_ = fit_meta(
                F, Y[scored], known[scored], self.meta_C)
            S = apply_meta(F, self.meta_w_, self.meta_b_, self.meta_mu_, self.meta_sd_)
            _, self.thresholds_, self.rescue_ = tune_blend(
                [S],
                [(1.0,)],
                Y[scored],
                known[scored],
                self.at_least_one,
                self.shrink,
                self.relative,
            )
            self.weights_ = np.array([1.0, 0.0, 0.0, 0.0])
            self.blend_ = 0.0
            return
        grid = []
        for w in self.blend_grid:
            for share in (self.emb_shares if E is not None else (0.0,)):
                lin = ((1 - w) * (1 - share), (1 - w) * share)
                if E is None:
                    grid.append((lin[0], w))
                elif w == 0:
                    grid.append((lin[0], 0.0, lin[1], 0.0))
                else:
                    grid += [(lin[0], w, lin[1], 0.0), (lin[0], 0.0, lin[1], w)]
        comps = [c[scored] for c in comps]
        weights, self.thresholds_, self.rescue_ = tune_blend(
            comps, grid, Y[scored], known[scored], self.at_least_one, self.shrink, self.relative
        )
        weights = tuple(weights) + (0.0,) * (4 - len(weights)) if weights else (1.0, 0.0, 0.0, 0.0)
        # tfidf lin, tfidf knn, emb lin, emb knn
        self.weights_ = np.array(weights, dtype=np.float64)
        self.blend_ = float(self.weights_[1] + self.weights_[3])

    def _name_sims(self, M, E):
        """Zero-shot features: cosine of each text with each code's name (TF-IDF, embedding)."""
        out = [(M @ self.name_tfidf_t_).toarray()]
        if E is not None and self.name_emb_ is not None:
            out.append(np.maximum(E @ self.name_emb_.T, 0.0))
        return out

    def _stacked_scores(self, M, texts):
        comps = [_sigmoid(M @ _coef_t(self) + self.intercept_),
                 _knn(M, self.train_matrix_t_, self.train_labels_, self.knn_k)]
        E = None
        if self.use_embeddings_:
            if texts is None:
                raise ValueError("this model needs the texts to embed them")
            E = self._embed([str(t) for t in texts])
            if E is None:  # the embedding model is gone: the TF-IDF linear model alone
                return comps[0]
            comps += [_sigmoid(E @ self.emb_coef_.T + self.emb_intercept_),
                      _knn_dense(E, self.train_emb_t_, self.train_labels_, self.knn_k)]
        F = meta_features(comps + self._name_sims(M, E), self.prior_, self.meta_pairs)
        return apply_meta(F, self.meta_w_, self.meta_b_, self.meta_mu_, self.meta_sd_)

    # -- scoring --------------------------------------------------------------------------
    def transform_texts(self, X):
        return self.features_.transform([str(t) for t in X])

    def scores_from_matrix(self, M, texts=None):
        """Scores from TF-IDF rows ``M`` (and the texts' embeddings, when the model uses them)."""
        if getattr(self, "stacked_", False):
            return self._stacked_scores(M, texts)
        w = getattr(self, "weights_", None)
        if w is None:  # a model saved before embeddings existed
            w = np.array([1 - self.blend_, self.blend_, 0.0, 0.0])
        S = w[0] * _sigmoid(M @ _coef_t(self) + self.intercept_)
        if w[1] > 0:
            S = S + w[1] * _knn(M, self.train_matrix_t_, self.train_labels_, self.knn_k)
        if getattr(self, "use_embeddings_", False) and (w[2] > 0 or w[3] > 0):
            if texts is None:
                raise ValueError("this model needs the texts to embed them")
            E = self._embed([str(t) for t in texts])
            if E is None:  # the embedding model is gone: fall back to the TF-IDF parts
                if w[0] + w[1] <= 1e-9:
                    return _sigmoid(M @ _coef_t(self) + self.intercept_)
                return S / (w[0] + w[1])
            if w[2] > 0:
                S = S + w[2] * _sigmoid(E @ self.emb_coef_.T + self.emb_intercept_)
            if w[3] > 0:
                S = S + w[3] * _knn_dense(E, self.train_emb_t_, self.train_labels_, self.knn_k)
        return S

    def scores(self, X):
        """(n, K) scores in [0, 1], columns in the order of ``classes_``."""
        texts = [str(t) for t in X]
        return self.scores_from_matrix(self.transform_texts(texts), texts)

    def decide(self, S):
        """Boolean (n, K): the codes the suggester proposes as applying."""
        return decide(S, self.thresholds_, self.rescue_)

    def predict(self, X):
        return self.decide(self.scores(X))

    def predict_labels(self, X):
        return [tuple(self.classes_[row]) for row in self.predict(X)]



_COEF_T: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _coef_t(model) -> np.ndarray:
    """``coef_.T`` made C-contiguous once per fitted model: a sparse row times the Fortran-order
    transpose makes scipy copy all of it on every call (~2 ms a suggestion on the demo model)."""
    hit = _COEF_T.get(model)
    if hit is None or hit[0] is not model.coef_:
        hit = _COEF_T[model] = (model.coef_, np.ascontiguousarray(model.coef_.T))
    return hit[1]
