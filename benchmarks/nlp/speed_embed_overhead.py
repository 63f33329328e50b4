"""Retraining time with and without the embedding components, alternated in one process.

The machine's load varies from minute to minute, so the two are timed back to back
(embeddings cached beforehand, as after ``load_suggester``).

    python benchmarks/nlp/speed_embed_overhead.py [--codings 5000] [--repeat 2]
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from speed import synthetic_items  # noqa: E402

from qualtally.nlp import embed  # noqa: E402
from qualtally.nlp.model import CodeSuggester  # noqa: E402
from qualtally.nlp.text import lemma_texts  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--codings", type=int, default=5000)
ap.add_argument("--repeat", type=int, default=2)
a = ap.parse_args()
items = synthetic_items(a.codings)
texts, labels = [it.text for it in items], [it.codes for it in items]
lemma_texts(["warm up"])
embed.embed(texts)
for r in range(a.repeat):
    for use in (False, True):
        t = time.perf_counter()
        CodeSuggester(embeddings=use).fit(texts, labels)
        print(f"run {r}: embeddings={use}: {time.perf_counter() - t:.2f} s "
              f"({len(items)} excerpts, {sum(map(len, labels))} codings)", flush=True)
