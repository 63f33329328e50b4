"""Does adding sentence embeddings (all-MiniLM-L6-v2) to the suggester raise micro-F1?

Same harness, folds and seed as ``qualtally evaluate`` (5-fold CV, model refitted in each
fold, mean over codebooks with ``--by question``), the suggester with and without the
embedding components. Texts are embedded once up front (cached by text).

    python benchmarks/nlp/embed_compare.py NAME=CODED.csv[:question] ... [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from qualtally.nlp import embed
from qualtally.nlp.dataset import load_coded
from qualtally.nlp.evaluate import evaluate
from qualtally.nlp.model import CodeSuggester

VARIANTS = {
    "tfidf (current)": dict(embeddings=False),
    "tfidf + embeddings": dict(embeddings=True),  # the default: per-code LR, LDA above 1,000 rows
    "tfidf + emb (joint L-BFGS LR)": dict(embeddings=True, emb_model="lbfgs"),
    "tfidf + emb (LDA)": dict(embeddings=True, emb_model="lda"),
}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="+")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args(argv)
    results = {}
    for spec in args.sets:
        name, _, path = spec.partition("=")
        path, _, by = path.partition(":")
        items = load_coded(path)
        t = time.perf_counter()
        embed.embed([it.text for it in items])
        print(
            f"{name}: embedded {len(items)} texts in {time.perf_counter() - t:.1f} s",
            file=sys.stderr,
        )
        results[name] = {}
        for v in args.variants.split(","):
            kw = VARIANTS[v]
            t = time.perf_counter()
            r = evaluate(items, by=by or None, folds=5, seed=args.seed, curve=False,
                         make_model=lambda kw=kw: CodeSuggester(random_state=args.seed, **kw))
            s = r["summary"]
            results[name][v] = {
                k: s[k]["model"] for k in ("micro_f1", "macro_f1", "precision_at_1", "recall_at_3")
            }
            results[name][v]["seconds"] = round(time.perf_counter() - t, 1)
            print(
                f"{name:12s} {v:22s} " + " ".join(f"{k}={x}" for k, x in results[name][v].items()),
                flush=True,
            )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
