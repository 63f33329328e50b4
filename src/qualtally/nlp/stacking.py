"""A stacked meta-learner over the suggester's component scores, shared by all codes.

The blend in ``model.py`` is one weighted sum of component scores (TF-IDF and embedding
linear models, neighbour votes) with a threshold per code. A meta-learner sees more: for
each (answer, code) pair each component's score *and* how far it falls below that
answer's best code for the same component (answers carry one or two codes, so being the
top code matters more than the raw level), the zero-shot similarity between the answer
and the code's name (helps rare codes), and the code's frequency. One logistic
regression with a dozen weights is fitted on the out-of-fold component scores of all
codes at once, so it has hundreds to thousands of pairs per weight even when each code
has a handful of examples. Its weights are plain arrays (saved with the model by skops
without new types).
"""

from __future__ import annotations

import numpy as np


def meta_features(comps, prior, pairs: bool = False) -> np.ndarray:
    """(n, K, f) features from component scores ``comps`` ((n, K) each) and the code prior (K,).

    ``pairs`` adds the product of every two components (do they agree?).
    """
    n, K = comps[0].shape
    feats = []
    comps = [np.asarray(c, dtype=np.float64) for c in comps]
    for c in comps:
        feats.append(c)
        feats.append(c - (c.max(axis=1, keepdims=True) if K else 0.0))
    if pairs:
        feats += [a * b for i, a in enumerate(comps) for b in comps[i + 1:]]
    feats.append(np.broadcast_to(np.asarray(prior, dtype=np.float64)[None, :], (n, K)))
    return np.stack(feats, axis=2)


def code_prior(n_pos, n) -> np.ndarray:
    """Log-odds of a code's share of answers, smoothed (a rare code starts lower)."""
    n_pos = np.asarray(n_pos, dtype=np.float64)
    return np.log((n_pos + 0.5) / (n - n_pos + 0.5))


CLIP = 4.0
"""Standardised features are clipped to +-CLIP: a feature that barely varied in training
(the name similarity when answers never say a code's name) must not swing a new answer's
score by tens of logits when it does vary."""


def _standardise(X, mu, sd, clip):
    Z = (X - mu) / sd
    return np.clip(Z, -clip, clip) if clip else Z


def fit_meta(F, Y, known, C: float = 1.0, iters: int = 30, clip: float | None = CLIP):
    """(weights (f,), bias, mean (f,), scale (f,)): L2 logistic regression by Newton steps.

    Features are standardised on the training pairs (and clipped, see ``CLIP``); the bias
    is not penalised.
    """
    X = F[known].astype(np.float64)
    y = Y[known].astype(np.float64)
    mu = X.mean(axis=0) if len(X) else np.zeros(F.shape[2])
    sd = X.std(axis=0) if len(X) else np.ones(F.shape[2])
    sd[sd < 1e-9] = 1.0
    Z = np.hstack([_standardise(X, mu, sd, clip), np.ones((len(X), 1))])
    w = np.zeros(Z.shape[1])
    reg = np.full(Z.shape[1], 1.0 / C)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(Z @ w, -30, 30)))
        g = Z.T @ (p - y) + reg * w
        H = (Z * (p * (1 - p))[:, None]).T @ Z + np.diag(reg + 1e-9)
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w[:-1], float(w[-1]), mu, sd


def apply_meta(F, weights, bias, mu, sd, clip: float | None = CLIP) -> np.ndarray:
    z = _standardise(F, mu, sd, clip) @ weights + bias
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
