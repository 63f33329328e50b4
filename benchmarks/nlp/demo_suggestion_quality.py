"""How good are the suggestions a newcomer sees on opening the demo? Scored against coder-a.

A fresh ``qualtally demo`` shows suggestions from its seeded cache
(``models/iom-demo/suggestions.json.gz``). This scores what ``Project.suggestions()``
returns for each demo excerpt (at most 9, best first, before any model has loaded), as a
newcomer with no codings of their own would see them, against ``coder-a``'s coding of that
excerpt in ``corpus/iom-evaluation/coded.csv``:

- ``in-sample``: the shipped model's own suggestions (it was trained on that coding); what
  the demo shipped before its suggestions were made out of fold;
- ``out-of-fold``: the shipped file, each transcript's entries from a model trained
  without that transcript (``make_demo_suggestions.py``);
- ``after-retrain`` (``--retrain``): the model the demo trains once the newcomer has made
  5 codings (here: coder-a's codes applied to the first excerpts coder-a coded), scored on
  the other excerpts. The demo keeps its own coders (coder-a, coder-b) out of training
  (``Project.exclude_from_training``), so that model learns from the newcomer's codings
  and the codebook only, as on a project of one's own.

Figures: precision@1 (the first suggestion is one of coder-a's codes; excerpts coder-a gave
at least one code), recall@3 (share of coder-a's codes among the first three), and
micro-F1 of the suggestions marked as proposed among those shown (every excerpt coder-a
coded, including those coded as nothing applies).

    .venv/bin/python benchmarks/nlp/demo_suggestion_quality.py [--retrain] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "models" / "build"))
import make_demo_suggestions as mds  # noqa: E402 - the same project, key and payloads

NEWCOMER = "newcomer"


def truth(corpus: Path) -> dict[tuple, set[str]]:
    """(document, text, question) -> coder-a's codes (empty: coded as nothing applies)."""
    from qualtally.nlp.dataset import load_coded

    return {(it.document, it.text.strip(), it.question or ""): set(it.codes)
            for it in load_coded(corpus / "coded.csv", coder="coder-a")}


def score(shown: dict[int, list], gold: dict[int, set[str]]) -> dict:
    tp = fp = fn = 0
    p1, r3 = [], []
    for eid, codes in gold.items():
        s = shown.get(eid, [])
        proposed = {x.code_path for x in s if x.suggested}
        tp, fp, fn = (
            tp + len(proposed & codes),
            fp + len(proposed - codes),
            fn + len(codes - proposed),
        )
        if codes:
            p1.append(bool(s) and s[0].code_path in codes)
            r3.append(len(codes & {x.code_path for x in s[:3]}) / len(codes))
    return {
        "precision_at_1": round(sum(p1) / len(p1), 4),
        "recall_at_3": round(sum(r3) / len(r3), 4),
        "micro_f1": round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else 0.0,
        "excerpts": len(gold),
        "with_codes": len(p1),
    }


def seen_from(project, path: Path, ids) -> dict[int, list]:
    """What suggestions() returns, before loading, once the cache is seeded from ``path``."""
    from qualtally.storage import suggestion_cache as sc

    sc.clear(project.engine)
    if not project.seed_suggestion_cache(path):
        raise SystemExit(f"{path}: no entry fits this project")
    return {eid: project.suggestions(eid, NEWCOMER) for eid in ids}


def in_sample_file(project, out: Path) -> Path:
    """The shipped model's own entries for the demo excerpts (what the demo shipped before)."""
    from qualtally.nlp.persist import load_model
    from qualtally.storage import suggestion_cache as sc

    engine, _ = load_model(mds.MODEL_DIR)
    excerpts = project.excerpts()
    mds.load_vectors([e.text for e in excerpts])
    mds.write(out, {"v": sc.FORMAT, "model_key": mds.shipped_key(project),
                    "entries": mds.fold_entries(engine, excerpts)})
    return out


def after_retrain(project, gold_by_id: dict[int, set[str]]) -> dict:
    """Code excerpts as the newcomer until the project retrains, score the rest."""
    from qualtally.project.suggestions import RETRAIN_EVERY

    project.load_suggester()
    first = [eid for eid, codes in gold_by_id.items() if codes][:RETRAIN_EVERY]
    paths = {c.path: c.id for c in project.codes()}
    n = 0
    for eid in first:
        for path in sorted(gold_by_id[eid]):
            project.apply_code(eid, paths[path], NEWCOMER)
            n += 1
    retrained = project.maybe_retrain(NEWCOMER)
    rest = {eid: codes for eid, codes in gold_by_id.items() if eid not in first}
    shown = {eid: project.suggestions(eid, NEWCOMER) for eid in rest}
    return {**score(shown, rest), "codings_made": n, "retrained": retrained}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--oof", type=Path, default=mds.OUT, help="the out-of-fold file (default: the shipped one)"
    )
    ap.add_argument(
        "--retrain", action="store_true", help="also score the model trained after 5 codings"
    )
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    from qualtally.demo import corpus_dir

    t = time.perf_counter()
    gold_by_key = truth(corpus_dir())
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    with tempfile.TemporaryDirectory() as tmp, mds.build_project(Path(tmp)) as project:
        docs = {d.id: d.name for d in project.documents()}
        gold = {e.id: gold_by_key[k] for e in project.excerpts()
                if (k := (docs[e.document_id], e.text.strip(), e.question or "")) in gold_by_key}
        results["in-sample"] = score(
            seen_from(project, in_sample_file(project, Path(tmp) / "in.json.gz"), gold), gold
        )
        results["out-of-fold"] = score(seen_from(project, args.oof, gold), gold)
        if args.retrain:
            results["after-retrain"] = after_retrain(project, gold)
    for name in ("in-sample", "out-of-fold", "after-retrain"):
        if name in results:
            r = results[name]
            print(f"{name:14} P@1 {r['precision_at_1']:.3f}  R@3 {r['recall_at_3']:.3f}  "
                  f"micro-F1 {r['micro_f1']:.3f}  ({r['excerpts']} excerpts coded by coder-a, "
                  f"{r['with_codes']} with a code)")
    print(f"{time.perf_counter() - t:.0f} s, {results['date']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return results


if __name__ == "__main__":
    main()
