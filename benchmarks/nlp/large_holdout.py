"""Held-out micro-F1 on one large question: does the fast path for big sets cost accuracy?

One realistic 15-code question (``realistic_survey.py``) with 4,000 answers: train on the
first 3,000, score the last 1,000. Compares the inner tuning used above
``HOLDOUT_ABOVE`` rows (one 2/3 : 1/3 split) with 2-fold cross-validation (the earlier
rule), everything else equal. ``--cache`` keeps embeddings on disk between runs.

    python benchmarks/nlp/large_holdout.py [--cache /tmp/emb.npz]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from realistic_survey import make_question
from variants import load_cache, save_cache

import qualtally.nlp.model as model_module
from qualtally.nlp import embed
from qualtally.nlp.model import CodeSuggester, label_matrix
from qualtally.nlp.tuning import micro_f1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default="")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    rows = make_question(random.Random(a.seed), 15, 4000)
    load_cache(a.cache)
    embed.embed([t for t, _ in rows])
    save_cache(a.cache)
    tr, te = rows[:3000], rows[3000:]
    for label, above in (
        ("one 2/3:1/3 split (current)", model_module.HOLDOUT_ABOVE),
        ("2-fold CV (before)", 10**9),
    ):
        model_module.HOLDOUT_ABOVE = above
        folds = 2 if above == 10**9 else 4
        t = time.perf_counter()
        m = CodeSuggester(inner_folds=folds).fit([x for x, _ in tr], [c for _, c in tr])
        fit_s = time.perf_counter() - t
        Y, known = label_matrix([c for _, c in te], m.classes_)
        f = micro_f1(m.predict([x for x, _ in te]), Y, known)
        print(f"{label}: held-out micro-F1 {f:.3f}, fit {fit_s:.1f} s", flush=True)


if __name__ == "__main__":
    main()
