"""Cross-validated micro-F1 of the suggester against simpler baselines, per codebook.

Prints, for each coded-excerpts CSV given, the mean over questions (``--by question``) of
micro-F1 for: keyword auto-coding (code-name words), a plain TF-IDF + logistic regression
(word unigrams+bigrams, one-vs-rest, 0.5 cut-off; unweighted and class-balanced), and
qualtally's suggester. Same folds and seed for all.

    python benchmarks/nlp/compare.py CODED.csv [CODED2.csv ...] [--by question] [--folds 5]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np


class PlainTfidfLR:
    """The usual baseline: word TF-IDF into one-vs-rest logistic regression at 0.5."""

    class_weight = None

    def fit(self, X, y):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.preprocessing import MultiLabelBinarizer

        self.mlb_ = MultiLabelBinarizer()
        Y = self.mlb_.fit_transform(y)
        self.classes_ = self.mlb_.classes_
        self.vec_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        M = self.vec_.fit_transform(X)
        keep = (Y.min(axis=0) != Y.max(axis=0))
        self.keep_ = keep
        self.clf_ = OneVsRestClassifier(
            LogisticRegression(max_iter=1000, random_state=0, class_weight=self.class_weight)
        ).fit(M, Y[:, keep])
        return self

    def scores(self, X):
        S = np.zeros((len(X), len(self.classes_)))
        S[:, self.keep_] = self.clf_.predict_proba(self.vec_.transform(X))
        return S

    def decide(self, S):
        return S >= 0.5

    def predict(self, X):
        return self.decide(self.scores(X))


class BalancedTfidfLR(PlainTfidfLR):
    """The same with class-balanced weights: rare codes can pass 0.5 (the calibration reference)."""

    class_weight = "balanced"


class CharTfidfLR(BalancedTfidfLR):
    """A stronger plain baseline: word 1-2 and character (``char_wb`` 3-5) TF-IDF into
    class-balanced logistic regression; a code is proposed at 0.5, and the best code always."""

    def fit(self, X, y):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion

        self.union_ = FeatureUnion([
            ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True))])
        return self._fit_on(self.union_.fit_transform(X), y)

    def _fit_on(self, M, y):
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.preprocessing import MultiLabelBinarizer

        self.mlb_ = MultiLabelBinarizer()
        Y = self.mlb_.fit_transform(y)
        self.classes_ = self.mlb_.classes_
        self.keep_ = Y.min(axis=0) != Y.max(axis=0)
        self.clf_ = OneVsRestClassifier(
            LogisticRegression(max_iter=1000, random_state=0, class_weight="balanced")
        )
        self.clf_.fit(M, Y[:, self.keep_])
        return self

    def scores(self, X):
        S = np.zeros((len(X), len(self.classes_)))
        S[:, self.keep_] = self.clf_.predict_proba(self.union_.transform(X))
        return S

    def decide(self, S):
        top = np.zeros_like(S, dtype=bool)
        if S.shape[1]:
            top[np.arange(len(S)), S.argmax(axis=1)] = True
        return (S >= 0.5) | top


def run(path: str, by: str | None, folds: int, seed: int) -> dict:
    from qualtally.nlp.dataset import load_coded
    from qualtally.nlp.evaluate import evaluate

    items = load_coded(path)
    out = {}
    for name, make in (
        ("tfidf_lr", PlainTfidfLR),
        ("tfidf_lr_bal", BalancedTfidfLR),
        ("qualtally", None),
    ):
        t = time.perf_counter()
        r = evaluate(items, by=by, folds=folds, seed=seed, curve=False, make_model=make)
        out[name] = r["summary"]["micro_f1"]["model"]
        out["keyword"] = r["summary"]["micro_f1"]["keyword"]
        out[name + "_macro"] = r["summary"]["macro_f1"]["model"]
        out[name + "_seconds"] = round(time.perf_counter() - t, 1)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--by", choices=["question"])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    for f in a.files:
        r = run(f, a.by, a.folds, a.seed)
        print(
            f"{f}: keyword {r['keyword']:.3f}  tfidf+LR {r['tfidf_lr']:.3f}  "
            f"balanced {r['tfidf_lr_bal']:.3f}  "
            f"qualtally {r['qualtally']:.3f} "
            f"(macro {r['qualtally_macro']:.3f}, {r['qualtally_seconds']}s)"
        )
        sys.stdout.flush()
