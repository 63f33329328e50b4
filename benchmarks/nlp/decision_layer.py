"""Our decision layer (``nlp/tuning.py``) against scikit-learn's ``TunedThresholdClassifierCV``
(issue 21), on the NHS development files by ``nhs_dev.py``'s protocol.

The suggester's stacked meta-learner gives out-of-fold scores S (excerpts x codes) from
its inner cross-validation; the decision layer turns them into proposed codes. Only that
layer is swapped (``model.tune_blend`` is patched for the stacked call); the scores, folds
and everything else are identical. Variants:

- ``ours``: what ships: a threshold per code maximising its F1 on S, pulled towards the
  global threshold for codes with few positives (``SHRINK``), then the at-least-one
  rescue and the "share of the best score" rule, chosen for micro-F1;
- ``ours-thresholds``: the same thresholds, no rescue, no relative rule;
- ``sklearn``: per code, ``TunedThresholdClassifierCV(FrozenEstimator(score column),
  scoring="f1", cv=5)``: the threshold (100 candidates between the lowest and highest
  score) with the best F1 averaged over 5 stratified folds of S; a code with fewer than
  2 positives keeps 0.5; no rescue or relative rule;
- ``sklearn+rules``: sklearn's thresholds, then our rescue/relative rule on top.

    python benchmarks/nlp/decision_layer.py [--variants ours,sklearn,...] [--files why,...]

Runs the variants one after another in one process (MiniLM embeds each text once);
each run is logged by ``nhs_dev.py`` (``results/nhs_dev.jsonl``, the variant in ``note``).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

import nhs_dev
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import TunedThresholdClassifierCV

from qualtally.nlp import model as model_mod
from qualtally.nlp import tuning


class ScoreColumn(ClassifierMixin, BaseEstimator):
    """A 'classifier' whose probability is its one input column (a score already computed)."""

    def fit(self, X, y):
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        s = np.asarray(X, dtype=np.float64)[:, 0]
        return np.column_stack([1 - s, s])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


def sklearn_thresholds(S, Y, known, seed=0) -> np.ndarray:
    th = np.full(S.shape[1], 0.5)
    frozen = FrozenEstimator(ScoreColumn().fit(None, None))
    for k in range(S.shape[1]):
        rows = known[:, k]
        y = Y[rows, k].astype(int)
        if y.sum() < 2 or y.sum() == len(y):
            continue
        t = TunedThresholdClassifierCV(frozen, scoring="f1", cv=min(5, int(y.sum())),
                                       random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t.fit(S[rows, k][:, None], y)
        th[k] = t.best_threshold_
    return th


def rules_on(S, th, Y, known, at_least_one, relative):
    """Our rescue / relative rule chosen for micro-F1 on top of given thresholds."""
    best = None
    for rescue in (tuning.RESCUE_GRID if at_least_one else (None,)):
        for ratio in (None,) + tuple(relative):
            r = rescue if ratio is None else (rescue, ratio)
            f = tuning.micro_f1(tuning.decide(S, th, r), Y, known)
            if best is None or f > best[0] + 1e-9:
                best = (f, r)
    return best[1]


ORIGINAL = tuning.tune_blend


def patched(variant):
    def tune_blend(comps, weight_grid, Y, known, at_least_one, shrink=tuning.SHRINK,
                   relative=()):
        if variant == "ours":
            return ORIGINAL(comps, weight_grid, Y, known, at_least_one, shrink, relative)
        if variant == "ours-thresholds":
            return ORIGINAL(comps, weight_grid, Y, known, False, shrink, ())
        S = comps[0]
        th = sklearn_thresholds(S, Y, known)
        rescue = rules_on(S, th, Y, known, at_least_one, relative) if variant.endswith(
            "+rules") else None
        return (1.0,), th, rescue
    return tune_blend


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", default="ours,ours-thresholds,sklearn,sklearn+rules")
    ap.add_argument("--files", default="why,improve,good")
    a = ap.parse_args(argv)
    for v in a.variants.split(","):
        model_mod.tune_blend = patched(v)
        print(f"== decision layer: {v}", flush=True)
        nhs_dev.main(["--files", a.files, "--note", f"decision_layer.py: {v}"])
    model_mod.tune_blend = ORIGINAL
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
