"""Speed of the suggester: per-excerpt suggestion latency, retraining time, load time.

Targets (issue 5): one excerpt's suggestions <= 10 ms p95 once loaded; retraining on
5,000 codings <= 5 s; a saved model loaded quickly enough that suggestions show <= 2 s
after the TUI starts. Data: the synthetic survey generator (``synth_survey.py``) scaled
to the requested size, or a coded-excerpts CSV given with ``--csv``. Prints what it ran.

    python benchmarks/nlp/speed.py [--codings 5000] [--csv CODED.csv]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path


def synthetic_items(n_codings: int, seed: int = 0):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from synth_survey import make_question

    from qualtally.nlp.dataset import Item

    rng = random.Random(seed)
    items, codings = [], 0
    while codings < n_codings:
        for text, codes in make_question(1, rng, 15, 200, 0.05):
            items.append(Item(text, tuple(codes)))
            codings += len(codes)
    return items


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--codings", type=int, default=5000)
    ap.add_argument("--csv")
    ap.add_argument("--no-embeddings", action="store_true", help="time the TF-IDF-only suggester")
    a = ap.parse_args()
    if a.no_embeddings:
        from qualtally.nlp import embed as _embed

        _embed.available = lambda: False
    from qualtally.nlp.dataset import load_coded
    from qualtally.nlp.persist import load_model, save_model
    from qualtally.nlp.suggester import Suggester
    from qualtally.nlp.text import lemma_texts

    items = load_coded(a.csv) if a.csv else synthetic_items(a.codings)
    n_codings = sum(len(it.codes) for it in items)
    lemma_texts(["warm up"])  # load spaCy outside the timings
    from qualtally.nlp import embed

    if embed.available():  # as load_suggester does in the background: every excerpt once
        t = time.perf_counter()
        embed.embed([it.text for it in items])
        print(f"embed {len(items)} excerpts once (cached by text): {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    suggester = Suggester.train(items, by_question=False)
    train_s = time.perf_counter() - t
    print(f"retrain: {len(items)} excerpts, {n_codings} codings, "
          f"{len(suggester.models[''].classes_)} codes: {train_s:.2f} s (target <= 5 s)")
    with tempfile.TemporaryDirectory() as tmp:
        save_model(suggester, tmp, codebook="bench", training_size=len(items))
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        t = time.perf_counter()
        loaded, _ = load_model(tmp, expect_hash="bench")
        load_s = time.perf_counter() - t
    print(f"load saved model: {load_s:.2f} s ({size / 1e6:.1f} MB on disk)")
    probe = synthetic_items(600, seed=7)[:300] if not a.csv else items[:300]
    uses_embed = any(getattr(m, "use_embeddings_", False) for m in loaded.models.values())
    cases = (
        [("cached embedding", "  "), ("uncached embedding", " .")] if uses_embed else [("", " ")]
    )
    for label, suffix in cases:
        # not in the lemma cache: a cold excerpt each time
        texts = [it.text + suffix for it in probe]
        if label == "cached embedding":
            embed.embed(texts)  # the project's excerpts, embedded once at load
        for explain in (False, True):
            times = []
            for text in texts:
                if label == "uncached embedding":
                    for cache in embed._CACHES.values():  # whichever embedder the model uses
                        cache.pop(text, None)
                t = time.perf_counter()
                loaded.suggest(text, limit=9, explain=explain)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p95 = times[int(0.95 * (len(times) - 1))]
            print(
                f"suggest one excerpt ({'with' if explain else 'without'} explanations"
                f"{', ' + label if label else ''}): "
                f"median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms over {len(times)} "
                "(target p95 <= 10 ms)"
            )


if __name__ == "__main__":
    main()
