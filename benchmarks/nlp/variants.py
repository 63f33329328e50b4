"""Compare suggester variants on several data sets with one harness (accuracy before/after).

Every variant goes through ``qualtally.nlp.evaluate`` exactly as ``qualtally evaluate``
does (5-fold CV, seed 0 unless told, every model refitted in each fold, mean over
codebooks with ``:question``), on the same folds. Embeddings are computed once per text
and kept in a disk cache (``--cache``, a plain ``.npz`` of strings and float32 vectors,
read with ``allow_pickle=False``) so repeated runs cost only the fitting.

    python benchmarks/nlp/variants.py NAME=CODED.csv[:question] ... \
        --variants current,no-embeddings [--json OUT] [--cache /tmp/emb.npz]

Variants are named sets of ``CodeSuggester`` keyword arguments (``VARIANTS`` below), or a
baseline from ``compare.py`` (``BASELINES``: ``tfidf-lr-balanced``, word TF-IDF into
class-balanced logistic regression at 0.5; ``tfidf-char-lr``, word and character TF-IDF,
the same regression, proposing the best code too). Every row also gives keyword search's figures on
the same folds. ``--json`` writes the figures with the date and the machine's core count.
``static`` uses the shipped static table (``models/minilm-l6-v2-static``); other tables
built by ``make_static_embeddings.py --out DIR`` are compared with
``--table NAME=DIR``, which adds a variant ``NAME`` embedding with that table. The disk
cache holds MiniLM vectors only (static vectors cost less to compute than to read).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from qualtally.nlp import embed
from qualtally.nlp.dataset import load_coded
from qualtally.nlp.evaluate import evaluate
from qualtally.nlp.model import CodeSuggester
from qualtally.nlp.static_embed import STATIC_NAME, StaticEmbedder

VARIANTS: dict[str, dict] = {
    "current": {},  # the defaults of CodeSuggester as committed
    "no-embeddings": {"embeddings": False},
    "static": {"embedder": STATIC_NAME},
    "C=4": {"C": 4.0},
    "C=16": {"C": 16.0},
    "emb_C=2": {"emb_C": 2.0},
    "emb_C=32": {"emb_C": 32.0},
    "k=5": {"knn_k": 5},
    "no-name-rows": {"name_rows": False},
    "name-path": {"name_rows": "path"},
    "name-x1": {"name_copies": 1},
    "name-x2": {"name_copies": 2},
    "shrink=1": {"shrink": 1.0},
    "shrink=10": {"shrink": 10.0},
    "shrink=20": {"shrink": 20.0},
    "shrink=100": {"shrink": 100.0},
    "global-threshold": {"shrink": 1e9},
    "shrink=10+folds=8": {"shrink": 10.0, "inner_folds": 8},
    "stack": {"stack": True},
    "stack-C0.1": {"stack": True, "meta_C": 0.1},
    "stack-C10": {"stack": True, "meta_C": 10.0},
    "relative": {"relative": (0.3, 0.5, 0.7)},
    "stack+relative": {"stack": True, "relative": (0.3, 0.5, 0.7)},
    "stack+relative+shrink=20": {"stack": True, "relative": (0.3, 0.5, 0.7), "shrink": 20.0},
    "stack+relative+C0.1": {"stack": True, "relative": (0.3, 0.5, 0.7), "meta_C": 0.1},
    "stack+relative+C10": {"stack": True, "relative": (0.3, 0.5, 0.7), "meta_C": 10.0},
    "stack+relative+pairs": {"stack": True, "relative": (0.3, 0.5, 0.7), "meta_pairs": True},
    "stack+relative+pairs+C0.1": {
        "stack": True,
        "relative": (0.3, 0.5, 0.7),
        "meta_pairs": True,
        "meta_C": 0.1,
    },
}


def _baseline(name: str):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import compare

    return getattr(compare, name)()


BASELINES = {"tfidf-lr-balanced": lambda: _baseline("BalancedTfidfLR"),
             "tfidf-char-lr": lambda: _baseline("CharTfidfLR")}


def load_cache(path: str) -> None:
    if path and os.path.exists(path):
        with np.load(path, allow_pickle=False) as z:
            for t, v in zip(z["texts"], z["vecs"]):
                embed._CACHE[str(t)] = v


def save_cache(path: str) -> None:
    if path:
        texts = list(embed._CACHE)
        np.savez(
            path,
            texts=np.array(texts, dtype=str),
            vecs=np.stack([embed._CACHE[t] for t in texts])
            if texts
            else np.zeros((0, embed.DIM), np.float32),
        )


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="+")
    ap.add_argument("--variants", default="current")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--json")
    ap.add_argument("--cache", default="")
    ap.add_argument(
        "--table", action="append", default=[], help="NAME=DIR: a static table as variant NAME"
    )
    args = ap.parse_args(argv)
    for spec in args.table:
        tname, _, folder = spec.partition("=")
        embed.register(tname, StaticEmbedder(folder))
        VARIANTS[tname] = {"embedder": tname}
    load_cache(args.cache)
    names = args.variants.split(",")
    results: dict = {}
    for spec in args.sets:
        name, _, path = spec.partition("=")
        path, _, by = path.partition(":")
        items = load_coded(path)
        n_cached = len(embed._CACHE)
        if any(
            v in VARIANTS
            and VARIANTS[v].get("embeddings", True)
            and VARIANTS[v].get("embedder", embed.MODEL_NAME) == embed.MODEL_NAME
            for v in names
        ):
            embed.embed([it.text for it in items])
        if len(embed._CACHE) != n_cached:
            save_cache(args.cache)
        results[name] = {}
        for v in names:
            make = BASELINES.get(v) or (
                lambda kw=VARIANTS[v]: CodeSuggester(random_state=args.seed, **kw)
            )
            t = time.perf_counter()
            r = evaluate(
                items, by=by or None, folds=args.folds, seed=args.seed, curve=False, make_model=make
            )
            s = r["summary"]
            results[name][v] = {
                k: s[k]["model"] for k in ("micro_f1", "macro_f1", "precision_at_1", "recall_at_3")
            }
            results[name][v]["keyword"] = s["micro_f1"]["keyword"]
            results[name][v]["keyword_p1"] = s["precision_at_1"]["keyword"]
            results[name][v]["excerpts"] = len(items)
            results[name][v]["codebooks"] = s["codebooks"]
            per = r.get("questions") or {"": r}
            results[name][v]["sizes"] = {q: [x["excerpts"], x["codes"]] for q, x in per.items()}
            results[name][v]["seconds"] = round(time.perf_counter() - t, 1)
            m = results[name][v]
            print(
                f"{name:12} {v:28} micro {m['micro_f1']:.3f} macro {m['macro_f1']:.3f} "
                f"P@1 {m['precision_at_1']:.3f} R@3 {m['recall_at_3']:.3f} "
                f"(keyword {m['keyword']:.3f}, "
                f"{m['seconds']} s)",
                flush=True,
            )
    if len(names) > 1:
        print(
            "mean micro-F1 over sets:",
            {
                v: round(float(np.mean([results[s][v]["micro_f1"] for s in results])), 4)
                for v in names
            },
        )
    if args.json:
        meta = {"date": time.strftime("%Y-%m-%d", time.gmtime()), "cores": os.cpu_count(),
                "seed": args.seed, "folds": args.folds, "command": " ".join(sys.argv)}
        with open(args.json, "w") as fh:
            json.dump({"meta": meta, "results": results}, fh, indent=1)
    return results


if __name__ == "__main__":
    sys.exit(main() and 0)
