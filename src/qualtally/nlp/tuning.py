"""Choosing decision rules from out-of-fold scores, where a methodologist can see them.

A fixed 0.5 cut-off suits no code: rare codes need a lower one, frequent ones a higher
one. Given out-of-fold scores from inner cross-validation, this picks the blend weight
between the linear model and the nearest-neighbour vote, a threshold per code (pulled
towards the global threshold when a code has few examples) and the at-least-one rescue
ratio, each maximising micro-F1 on data the scores were not fitted on.
"""

from __future__ import annotations

import numpy as np

GRID = np.round(np.arange(0.05, 0.96, 0.025), 3)
RESCUE_GRID = (None, 0.9, 0.75, 0.6, 0.45, 0.3)
SHRINK = 4.0
"""Pseudo-count of positives pulling a code's threshold towards the global one."""


def micro_f1(pred, Y, known) -> float:
    p = pred & known
    t = (Y == 1) & known
    tp = float((p & t).sum())
    denom = float(p.sum() + t.sum())
    return 2 * tp / denom if denom else 1.0


def _best_threshold(s, y) -> tuple[float, float]:
    """The grid threshold with the best F1 (the lowest one on ties), all thresholds at once."""
    s = np.asarray(s, dtype=np.float64)
    pos_mask = np.asarray(y) == 1
    pos = float(pos_mask.sum())
    all_sorted = np.sort(s)
    pos_sorted = np.sort(s[pos_mask])
    n_pred = len(all_sorted) - np.searchsorted(all_sorted, GRID, side="left")
    tp = len(pos_sorted) - np.searchsorted(pos_sorted, GRID, side="left")
    denom = n_pred + pos
    f = np.where(denom > 0, 2 * tp / np.maximum(denom, 1e-12), 0.0)
    best_i, best_f = 0, -1.0
    for i, fi in enumerate(f):  # keep the loop's tie rule: a later threshold must beat by 1e-9
        if fi > best_f + 1e-9:
            best_i, best_f = i, float(fi)
    return float(GRID[best_i]), best_f


def thresholds_for(S, Y, known, shrink: float = SHRINK) -> np.ndarray:
    flat_s = S[known]
    flat_y = Y[known]
    global_t, _ = _best_threshold(flat_s, flat_y)
    out = np.full(S.shape[1], global_t)
    for k in range(S.shape[1]):
        rows = known[:, k]
        n_pos = float(Y[rows, k].sum())
        if n_pos == 0:
            continue
        t, _ = _best_threshold(S[rows, k], Y[rows, k])
        out[k] = (n_pos * t + shrink * global_t) / (n_pos + shrink)
    return out


def tune_decision(lin, knn, Y, known, blend_grid, at_least_one, shrink: float = SHRINK):
    """(blend, thresholds, rescue) maximising out-of-fold micro-F1."""
    w, th, rescue = tune_blend(
        [lin, knn], [(1 - w, w) for w in blend_grid], Y, known, at_least_one, shrink
    )
    return float(w[1]) if len(w) else 0.0, th, rescue


def tune_blend(comps, weight_grid, Y, known, at_least_one, shrink: float = SHRINK, relative=()):
    """(weights, thresholds, rescue) maximising out-of-fold micro-F1.

    ``comps`` are out-of-fold score matrices (linear models, neighbour votes); each entry
    of ``weight_grid`` is one weight per component, the blend being their weighted sum.
    With a ``relative`` grid the rescue becomes a pair (rescue, ratio): a code must also
    score at least ratio x the answer's best score (see ``decide``).
    """
    best = None
    for weights in weight_grid:
        S = sum(float(a) * c for a, c in zip(weights, comps) if a)
        if isinstance(S, int):
            S = np.zeros(Y.shape)
        w = tuple(float(a) for a in weights)
        th = thresholds_for(S, Y, known, shrink)
        for rescue in (RESCUE_GRID if at_least_one else (None,)):
            for ratio in (None,) + tuple(relative):
                r = rescue if ratio is None else (rescue, ratio)
                f = micro_f1(decide(S, th, r), Y, known)
                if best is None or f > best[0] + 1e-9:
                    best = (f, w, th, r)
    if best is None:
        return (), np.full(Y.shape[1], 0.5), None
    return best[1], best[2], best[3]


def decide(S, thresholds, rescue):
    """Codes at or above their threshold; if none, the best one when its score/threshold
    ratio reaches ``rescue``. A pair (rescue, ratio) also drops codes scoring below
    ratio x the answer's best score (most answers carry one or two codes)."""
    ratio = None
    if isinstance(rescue, tuple | list):
        rescue, ratio = rescue
    out = S >= thresholds
    if ratio is not None and S.shape[1]:
        out &= S >= ratio * S.max(axis=1, keepdims=True)
    if rescue is not None and S.shape[1]:
        empty = ~out.any(axis=1)
        ratio = S / np.maximum(thresholds, 1e-6)
        best = ratio.argmax(axis=1)
        ok = empty & (ratio[np.arange(len(S)), best] >= rescue)
        out[np.flatnonzero(ok), best[ok]] = True
    return out
