"""The figures a methodologist asks for, computed one way for every suggester.

Micro and macro F1 of the proposed (``suggested``) codes, precision@1 and recall@3 of the
ranking, and F1 per code, all from pooled out-of-fold predictions. The model and the
keyword baseline go through the same function, so their figures are comparable.
"""

from __future__ import annotations

import numpy as np


def _f1(tp, fp, fn) -> float:
    d = 2 * tp + fp + fn
    return 2 * tp / d if d else 0.0


def summarise(Y: np.ndarray, pred: np.ndarray, S: np.ndarray, classes) -> dict:
    """Y, pred (bool), S (scores): (n, K) over the same ``classes``."""
    Y = Y.astype(bool)
    pred = pred.astype(bool)
    tp = (Y & pred).sum(axis=0)
    fp = (~Y & pred).sum(axis=0)
    fn = (Y & ~pred).sum(axis=0)
    support = Y.sum(axis=0)
    per_code = {str(c): {"f1": round(_f1(tp[k], fp[k], fn[k]), 4), "support": int(support[k]),
                         "precision": round(tp[k] / (tp[k] + fp[k]), 4) if tp[k] + fp[k] else 0.0,
                         "recall": round(tp[k] / support[k], 4) if support[k] else 0.0}
                for k, c in enumerate(classes)}
    present = support > 0
    macro = (
        float(np.mean([_f1(tp[k], fp[k], fn[k]) for k in np.flatnonzero(present)]))
        if present.any()
        else 0.0
    )
    micro = _f1(tp.sum(), fp.sum(), fn.sum())
    p = float(tp.sum() / (tp.sum() + fp.sum())) if tp.sum() + fp.sum() else 0.0
    r = float(tp.sum() / support.sum()) if support.sum() else 0.0
    rows = np.flatnonzero(Y.any(axis=1))
    p1 = r3 = 0.0
    if len(rows) and S.shape[1]:
        order = np.argsort(-S[rows], axis=1, kind="stable")
        top1 = order[:, 0]
        p1 = float(np.mean(Y[rows, top1] & (S[rows, top1] > 0)))
        top3 = order[:, :3]
        hit3 = np.take_along_axis(Y[rows], top3, axis=1) & (
            np.take_along_axis(S[rows], top3, axis=1) > 0
        )
        r3 = float(np.mean(hit3.sum(axis=1) / Y[rows].sum(axis=1)))
    return {"micro_f1": round(micro, 4), "macro_f1": round(macro, 4), "precision": round(p, 4),
            "recall": round(r, 4), "precision_at_1": round(p1, 4), "recall_at_3": round(r3, 4),
            "excerpts": int(len(Y)), "codes": int(present.sum()), "per_code": per_code}


def align(S: np.ndarray, model_classes, classes) -> np.ndarray:
    """Reorder / pad score columns from a model's classes to the evaluation's classes."""
    out = np.zeros((S.shape[0], len(classes)))
    index = {c: j for j, c in enumerate(model_classes)}
    for k, c in enumerate(classes):
        if c in index:
            out[:, k] = S[:, index[c]]
    return out
