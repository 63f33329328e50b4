"""Develop and check the suggester on the NHS patient-feedback set (issue 21's protocol).

Per file: KFold(5, shuffle=True, random_state=0) over the file's rows; each fold trains
the suggester exactly as ``qualtally suggest --train`` does (``Suggester.train`` on the
training rows read as the CLI reads a coded CSV) and marks codes ``suggested`` for the
held-out rows; micro-F1 of those marks against the trust staff's codes, pooled over the
folds. ``--split dev`` runs the three development files (why, improve, good), ``check``
the two check files (do-better, service-111), ``all`` all five. ``--variant`` picks an
engine variant (``VARIANTS``, keyword arguments of ``CodeSuggester``) so alternatives are
measured on identical folds; ``--cli`` runs the real CLI as a subprocess per fold instead
(slower; the figure the model card reports).

    python benchmarks/nlp/nhs_dev.py --split dev [--variant default] [--data DIR] [--cli]

Prints one line per file and the mean, and appends a JSON record to
``benchmarks/nlp/results/nhs_dev.jsonl`` (what ran, when, the figures), so every figure in
the model card can be traced to a run and the number of looks at the check files counted.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DEV = ("why", "improve", "good")
CHECK = ("do-better", "service-111")
DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "nhs-patient-feedback"
RESULTS = Path(__file__).resolve().parent / "results" / "nhs_dev.jsonl"

VARIANTS: dict[str, dict] = {
    "default": {},
    "emb_lr": {"emb_model": "liblinear"},
    "pairs": {"meta_pairs": True},
    "emb_lr_c2": {"emb_model": "liblinear", "emb_C": 2.0},
}
"""Engine variants measured on identical folds (keyword arguments of ``CodeSuggester``)."""


def read_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["text"].strip()]


def codes_of(row: dict) -> tuple[str, ...]:
    from qualtally.nlp.dataset import norm_code

    return tuple(dict.fromkeys(norm_code(c) for c in row["codes"].split(";") if c.strip()))


def items_of(rows: list[dict]):
    from qualtally.core.models import CodedRow
    from qualtally.nlp.dataset import rows_to_items

    coded = [CodedRow(r.get("respondent", ""), r["text"], tuple(
        c.strip() for c in r["codes"].split(";") if c.strip()), r.get("coder") or "imported",
        r.get("document") or None, r.get("question") or None, line=i)
        for i, r in enumerate(rows, start=2)]
    return rows_to_items(coded)


def micro_f1(pred: list[set], gold: list[set]) -> float:
    tp = sum(len(p & g) for p, g in zip(pred, gold))
    fp = sum(len(p - g) for p, g in zip(pred, gold))
    fn = sum(len(g - p) for p, g in zip(pred, gold))
    return 2 * tp / max(2 * tp + fp + fn, 1)


def folds(n: int, seed: int = 0):
    from sklearn.model_selection import KFold

    return list(KFold(5, shuffle=True, random_state=seed).split(np.arange(n)))


class TableEncoder:
    """Vectors computed elsewhere (``--vectors``: an .npz of ``texts`` and ``vecs``), looked up
    by text: to measure a stronger encoder before deciding whether to ship it."""

    def __init__(self, path: Path):
        data = np.load(path, allow_pickle=False)
        self.table = dict(zip(data["texts"].tolist(), data["vecs"]))
        self.dim = data["vecs"].shape[1]

    def encode(self, texts):
        return np.stack([self.table[t] for t in texts]).astype(np.float32)


def predict_inprocess(train_rows, test_rows, variant: dict, seed: int = 0) -> list[set]:
    from qualtally.nlp.model import CodeSuggester
    from qualtally.nlp.suggester import Suggester

    items = items_of(train_rows)
    if variant:
        model = CodeSuggester(random_state=seed, **variant).fit(
            [it.text for it in items], [it.codes for it in items])
        sugg = Suggester({"": model}, [], seed)
    else:
        sugg = Suggester.train(items, seed=seed, by_question=False)
    texts = [r["text"].strip() for r in test_rows]
    sugg.embed_ahead(texts)
    codes, _, P, _, _ = sugg.score(texts, None)
    return [{codes[j] for j in np.flatnonzero(P[i])} for i in range(len(texts))]


def predict_cli(train_rows, test_rows, workdir: Path) -> list[set]:
    """The real command: ``qualtally suggest --train TRAIN.csv --input TEST.csv --json``."""
    train, test = workdir / "train.csv", workdir / "input.csv"
    with open(train, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(train_rows[0]))
        w.writeheader()
        w.writerows(train_rows)
    with open(test, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text"])
        w.writerows([(i, r["text"]) for i, r in enumerate(test_rows)])
    out = subprocess.run(
        [sys.executable, "-m", "qualtally", "suggest", "--train", str(train), "--input",
         str(test), "--json"], capture_output=True, text=True, check=True)
    pred: dict[int, set] = {}
    for line in out.stdout.splitlines():
        obj = json.loads(line)
        pred[int(obj["id"])] = {s["code"] for s in obj["suggestions"] if s["suggested"]}
    return [pred.get(i, set()) for i in range(len(test_rows))]


def run_file(path: Path, variant: dict, cli: bool, seed: int = 0) -> dict:
    rows = read_rows(path)
    gold = [set(codes_of(r)) for r in rows]
    pred: list[set] = [set() for _ in rows]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for tr, te in folds(len(rows), seed):
            train_rows = [rows[i] for i in tr]
            test_rows = [rows[i] for i in te]
            got = (predict_cli(train_rows, test_rows, Path(tmp)) if cli
                   else predict_inprocess(train_rows, test_rows, variant, seed))
            for i, p in zip(te, got):
                pred[i] = p
    per_code = {}
    for c in sorted({c for g in gold for c in g}):
        tp = sum(1 for p, g in zip(pred, gold) if c in p and c in g)
        fp = sum(1 for p, g in zip(pred, gold) if c in p and c not in g)
        fn = sum(1 for p, g in zip(pred, gold) if c not in p and c in g)
        per_code[c] = {"tp": tp, "fp": fp, "fn": fn}
    return {"rows": len(rows), "micro_f1": round(micro_f1(pred, gold), 4),
            "seconds": round(time.perf_counter() - t0, 1), "per_code": per_code,
            "empty": sum(1 for p in pred if not p)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["dev", "check", "all"], default="dev")
    ap.add_argument("--files", help="comma-separated file stems instead of --split")
    ap.add_argument("--variant", default="default", choices=sorted(VARIANTS))
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("NHS_DATA", DEFAULT_DATA)))
    ap.add_argument("--cli", action="store_true", help="run the real CLI per fold")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--vectors", type=Path, help="an .npz of texts and vectors (another encoder)")
    ap.add_argument("--note", default="", help="what this run is for (kept in the log)")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data}: NHS data folder not found (give --data)", file=sys.stderr)
        return 2
    variant = dict(VARIANTS[args.variant])
    if args.vectors:
        from qualtally.nlp import embed

        embed.register(args.vectors.stem, TableEncoder(args.vectors))
        variant["embedder"] = args.vectors.stem
    stems = (args.files.split(",") if args.files else
             {"dev": DEV, "check": CHECK, "all": DEV + CHECK}[args.split])
    results = {}
    cache = os.environ.get("QUALTALLY_EMBED_CACHE")  # speeds up repeated development runs
    if cache and not args.cli:
        from qualtally.nlp import embed

        alltexts = [r["text"].strip() for s in stems for r in read_rows(args.data / f"{s}.csv")]
        embed.load_cache(cache, alltexts)
    for stem in stems:
        results[stem] = run_file(args.data / f"{stem}.csv", variant, args.cli,
                                 args.seed)
        r = results[stem]
        print(f"{stem:12s} rows {r['rows']:5d}  micro-F1 {r['micro_f1']:.4f}  ({r['seconds']} s)",
              flush=True)
    if cache and not args.cli:
        embed.save_cache(cache, alltexts)
    mean = float(np.mean([r["micro_f1"] for r in results.values()]))
    print(f"{'mean':12s} {'':10s}  micro-F1 {mean:.4f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with open(RESULTS, "a", encoding="utf-8") as f:
        f.write(json.dumps({
            "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "variant": args.variant, "vectors": str(args.vectors or ""), "cli": args.cli, "seed": args.seed, "files": results,
            "mean": round(mean, 4), "note": args.note,
            "touches_check": any(s in CHECK for s in stems)}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
