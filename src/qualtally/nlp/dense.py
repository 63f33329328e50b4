"""Dense linear models and neighbour votes on sentence embeddings, for the suggester.

Split out of ``model.py`` to keep it readable: a shrinkage discriminant (one 384x384
solve for every code) and a joint L-BFGS logistic regression, both fitting all codes at
once on the (n, 384) embedding matrix, plus the nearest-neighbour votes (dense embeddings,
sparse TF-IDF rows). Pure numpy and scipy.
"""

from __future__ import annotations

import numpy as np

from qualtally.nlp.blas import one_blas_thread as _one_blas_thread


def one_blas_thread():
    """A context in which BLAS/LAPACK use one thread.

    Training does many small dense solves and products (384 x 384); on a busy 2-core
    machine two BLAS threads spin against each other (a 384 x 384 solve takes about 0.18 s
    instead of 2 ms), so fitting runs single-threaded; and a fit's floats depend on the
    count. Fits take turns in it (``nlp/blas.py``), so none lifts another's limit.
    """
    return _one_blas_thread()


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def knn_dense(Q, ET, labels, k):
    """As ``knn_sparse`` for dense L2-normalised embeddings (negative similarities count 0)."""
    if ET.shape[1] == 0:
        return np.zeros((Q.shape[0], labels.shape[1]))
    sims = np.maximum(Q @ ET, 0.0)
    k = min(k, ET.shape[1])
    idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    top = np.take_along_axis(sims, idx, axis=1)
    weights = top / np.maximum(top.sum(axis=1, keepdims=True), 1e-9)
    return np.einsum("nk,nkc->nc", weights, labels[idx].astype(np.float64))


def fit_lda(E, Y, known, shrink, C):
    """Shrinkage linear discriminant per code, then a balanced 1-D logistic calibration.

    Direction w_k = S^-1 (mean of positives - mean of negatives), S the excerpts'
    covariance shrunk towards a multiple of the identity (shared by all codes: one
    384x384 solve for every code); the scale and offset of w_k.x are then fitted by a
    class-balanced logistic regression on that one number. Fast on any training size.
    """
    n, d = E.shape
    K = Y.shape[1]
    X = np.asarray(E, dtype=np.float32)
    mu = X.mean(axis=0, dtype=np.float64)
    Xc = X - mu.astype(np.float32)
    S = (Xc.T @ Xc).astype(np.float64) / max(n - 1, 1)
    a = float(shrink)
    S = (1 - a) * S + a * (np.trace(S) / d) * np.eye(d)
    T = Y.astype(np.float64)
    P_ = (Y == 1) & known
    N_ = (Y == 0) & known
    n_pos, n_neg = P_.sum(axis=0).astype(np.float64), N_.sum(axis=0).astype(np.float64)
    const = (n_pos == 0) | (n_neg == 0)
    icpt0 = np.where(n_pos > 0, 4.0, -4.0)
    # class means as two matrix products: (d x n) @ (n x K)
    D = (Xc.T @ (P_ / np.maximum(n_pos, 1)).astype(np.float32)
         - Xc.T @ (N_ / np.maximum(n_neg, 1)).astype(np.float32)).astype(np.float64)
    D[:, const] = 0.0
    tot = n_pos + n_neg
    SW = np.where(P_, tot / (2 * np.maximum(n_pos, 1)), 0.0) + np.where(
        N_, tot / (2 * np.maximum(n_neg, 1)), 0.0
    )
    SW[:, const] = 0.0
    Wd = np.linalg.solve(S, D)  # d x K
    Z = (Xc @ Wd.astype(np.float32)).astype(np.float64)
    sd = Z.std(axis=0)
    sd[sd == 0] = 1.0
    Z /= sd
    # balanced 1-D logistic fit of (scale, offset) per code: Newton steps, all codes at once
    scale, off = np.ones(K), np.zeros(K)
    lam = 1.0 / max(float(C), 1e-6)
    for _ in range(25):
        P = sigmoid(Z * scale + off)
        G = SW * (P - T)
        H = SW * P * (1 - P)
        g_s = (G * Z).sum(0) + lam * (scale - 1)
        g_o = G.sum(0)
        h_ss = (H * Z * Z).sum(0) + lam
        h_so = (H * Z).sum(0)
        h_oo = H.sum(0) + 1e-9
        det = h_ss * h_oo - h_so ** 2
        det[det <= 1e-12] = 1e-12
        scale -= (h_oo * g_s - h_so * g_o) / det
        off -= (h_ss * g_o - h_so * g_s) / det
    W = (Wd / sd * scale).T
    b = off - W @ mu
    W, b = W.astype(np.float32), b.astype(np.float64)
    W[const] = 0.0
    b[const] = icpt0[const]
    return W, b

def fit_dense_lr(E, Y, rows_per_code, C, max_iter):
    """Class-balanced L2 logistic regression for every code at once, on dense rows.

    The same objective as the per-code liblinear fits (rows chosen per code by the caller,
    balanced class weights, penalty 1/(2C) on the weights, intercept unpenalised), but
    solved jointly with L-BFGS: on 384 embedding dimensions one matrix product serves
    all codes, which is several times faster than one solver run per code.
    """
    from scipy.optimize import minimize

    n, d = E.shape
    K = Y.shape[1]
    SW = np.zeros((n, K))
    const = np.zeros(K, dtype=bool)
    icpt0 = np.zeros(K)
    for k in range(K):
        rows = rows_per_code[k]
        yk = Y[rows, k]
        if yk.size == 0 or yk.min() == yk.max():
            const[k] = True
            icpt0[k] = 4.0 if yk.size and yk[0] else -4.0
            continue
        n_pos = float(yk.sum())
        SW[rows, k] = np.where(
            yk == 1, len(rows) / (2 * n_pos), len(rows) / (2 * (len(rows) - n_pos))
        )
    mu = E.mean(axis=0)
    X = (E - mu).astype(np.float64)  # centring: the same problem, far better conditioned
    T = Y.astype(np.float64)
    C = float(C)

    def loss(theta):
        W = theta[: d * K].reshape(d, K)
        b = theta[d * K:]
        Z = X @ W + b
        # log(1 + exp(-z)) for y=1, log(1 + exp(z)) for y=0, stably
        L = np.logaddexp(0.0, Z) - T * Z
        G = SW * (sigmoid(Z) - T)
        f = C * float((SW * L).sum()) + 0.5 * float((W * W).sum())
        gW = C * (X.T @ G) + W
        gb = C * G.sum(axis=0)
        return f, np.concatenate([gW.ravel(), gb])

    theta0 = np.zeros(d * K + K)
    res = minimize(loss, theta0, jac=True, method="L-BFGS-B",
                   options={"maxiter": max_iter, "gtol": 1e-4, "ftol": 1e-6})
    W = res.x[: d * K].reshape(d, K).T.astype(np.float32)
    b = res.x[d * K:] - W.astype(np.float64) @ mu
    W[const] = 0.0
    b[const] = icpt0[const]
    return W, b


def knn_sparse(Q, MT, labels, k):
    """Similarity-weighted share of the k most similar rows carrying each code.

    ``MT`` is the training matrix transposed (features x rows), kept in CSR form so a
    query needs no conversion.
    """
    if MT.shape[1] == 0:
        return np.zeros((Q.shape[0], labels.shape[1]))
    sims = (Q @ MT).toarray()
    k = min(k, MT.shape[1])
    idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    top = np.take_along_axis(sims, idx, axis=1)
    weights = top / np.maximum(top.sum(axis=1, keepdims=True), 1e-9)
    return np.einsum("nk,nkc->nc", weights, labels[idx].astype(np.float64))
