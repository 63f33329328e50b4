"""How far the suggester's decisions are from what its scores allow, on the NHS files.

For the default engine's out-of-fold scores (same folds as ``nhs_dev.py``) it prints the
micro-F1 of the codes it marks ``suggested`` beside three oracles that look at the answers'
true codes, so no engine could use them:

- ``oracle-thr``: one threshold per code chosen on the test answers themselves (plus the
  best code when none passes): the best any per-code threshold rule could do;
- ``oracle-k``: each answer's top-k codes where k is its true number of codes;
- ``top1`` and ``P@1``: only the best code, and how often it is one of the answer's codes.

If ``oracle-thr`` is close to the engine's figure, better thresholds cannot help; the
ranking of the scores is the limit. ``--budgets 25,50,100`` does the same after training on
that many answers (first of a random order; 600 other answers scored; ``--orders``).

    python benchmarks/nlp/nhs_ceiling.py [--files why,good] [--budgets 50,100] [--orders 2]
                                         [--fold 0]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nhs_dev as d  # noqa: E402


def figures(S, P, Y) -> dict:
    from qualtally.nlp.tuning import micro_f1, thresholds_for

    known = np.ones_like(Y, dtype=bool)
    orc = S >= thresholds_for(S, Y, known, 0.0)
    empty = ~orc.any(axis=1)
    orc[np.flatnonzero(empty), S[empty].argmax(axis=1)] = True
    order = np.argsort(-S, axis=1)
    topk = np.zeros_like(P)
    for i, k in enumerate(Y.sum(axis=1)):
        topk[i, order[i, :k]] = True
    top1 = np.zeros_like(P)
    top1[np.arange(len(S)), S.argmax(axis=1)] = True
    return {"engine": micro_f1(P, Y, known), "oracle-thr": micro_f1(orc, Y, known),
            "oracle-k": micro_f1(topk, Y, known), "top1": micro_f1(top1, Y, known),
            "P@1": float(Y[np.arange(len(S)), S.argmax(axis=1)].mean())}


def scored(train_rows, test_rows, codes):
    """(S, P) of the default engine for ``test_rows``, columns in the order of ``codes``."""
    from qualtally.nlp.suggester import Suggester

    sugg = Suggester.train(d.items_of(train_rows), by_question=False)
    texts = [r["text"].strip() for r in test_rows]
    sugg.embed_ahead(texts)
    cs, sc, pp, _, _ = sugg.score(texts)
    S, P = np.zeros((len(texts), len(codes))), np.zeros((len(texts), len(codes)), dtype=bool)
    for j, c in enumerate(codes):
        if c in cs:
            S[:, j], P[:, j] = sc[:, cs.index(c)], pp[:, cs.index(c)]
    return S, P


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", default="why,improve,good")
    ap.add_argument("--budgets", default="", help="training sizes (default: 5-fold CV)")
    ap.add_argument("--orders", type=int, default=2)
    ap.add_argument("--fold", type=int, help="only this fold of the 5 (as finetune_ceiling.py)")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("NHS_DATA", d.DEFAULT_DATA)))
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data}: NHS data folder not found (give --data)", file=sys.stderr)
        return 2
    for stem in args.files.split(","):
        rows = d.read_rows(args.data / f"{stem}.csv")
        codes = sorted({c for r in rows for c in d.codes_of(r)})
        Y = np.array([[c in d.codes_of(r) for c in codes] for r in rows], dtype=int)
        if not args.budgets:
            S, P = np.zeros(Y.shape), np.zeros(Y.shape, dtype=bool)
            done = np.zeros(len(rows), dtype=bool)
            for f, (tr, te) in enumerate(d.folds(len(rows))):
                if args.fold is None or f == args.fold:
                    S[te], P[te] = scored([rows[i] for i in tr], [rows[i] for i in te], codes)
                    done[te] = True
            label = "5-fold" if args.fold is None else f"fold {args.fold}"
            runs = {label: [figures(S[done], P[done], Y[done])]}
        else:
            runs = {}
            for b in (int(x) for x in args.budgets.split(",")):
                for seed in range(args.orders):
                    perm = np.random.default_rng(seed).permutation(len(rows))
                    held, pool = perm[:600], perm[600:]
                    S, P = scored([rows[i] for i in pool[:b]], [rows[i] for i in held], codes)
                    runs.setdefault(f"after {b}", []).append(figures(S, P, Y[held]))
        for label, figs in runs.items():
            mean = {k: np.mean([f[k] for f in figs]) for k in figs[0]}
            print(f"{stem:12s} {label:10s} " + "  ".join(f"{k} {v:.3f}" for k, v in mean.items()),
                  flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
