"""Retraining's TF-IDF fits, for a before/after of ``nlp/features.py``.

Not a test (timings vary by machine); run it and read the figures:

    PYTHONPATH=src python benchmarks/nlp/bench_tfidf_refit.py [--src OTHER/src] [--rounds 3]

For each qualtally named (this checkout's ``src``, then each ``--src``), in turn and
``--rounds`` times, a fresh process builds the synthetic survey of ``speed.py`` (4,000
codings), then times ``TextFeatures().fit_transform`` on its texts (the first fit analyses
every text; the next ones are what a retraining does, the texts' terms already kept) and a
whole TF-IDF-only ``Suggester.train`` (no embeddings: so the vectoriser's share is not lost in
them), first and then again. Prints the median of each figure per source, as wall-clock
and as CPU time of the process (steadier when other jobs share the machine), and the load
average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = r'''
import json, sys, time
sys.path.insert(0, sys.argv[1])
from speed import synthetic_items
from qualtally.nlp import embed
embed.available = lambda *a: False
from qualtally.nlp.suggester import Suggester
from qualtally.nlp.features import TextFeatures
from qualtally.nlp.text import lemma_texts
items = synthetic_items(int(sys.argv[2]))
texts = [it.text for it in items]
lemma_texts(texts)  # spaCy's lemmas are cached by text: not part of what is compared
out = {"excerpts": len(items), "fit": [], "train": [], "fit_cpu": [], "train_cpu": []}
for _ in range(6):
    t, c = time.perf_counter(), time.process_time()
    TextFeatures().fit_transform(texts)
    out["fit"].append(time.perf_counter() - t)
    out["fit_cpu"].append(time.process_time() - c)
for _ in range(3):
    t, c = time.perf_counter(), time.process_time()
    Suggester.train(items, by_question=False)
    out["train"].append(time.perf_counter() - t)
    out["train_cpu"].append(time.process_time() - c)
print(json.dumps(out))
'''


def run(src: Path, codings: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    here = str(ROOT / "benchmarks" / "nlp")
    out = subprocess.run([sys.executable, "-c", CHILD, here, str(codings)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, action="append", default=[],
                    help="another qualtally src folder")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--codings", type=int, default=4000)
    a = ap.parse_args()
    sources = [ROOT / "src", *(p.resolve() for p in a.src)]
    runs: dict[Path, list[dict]] = {s: [] for s in sources}
    for _ in range(a.rounds):
        for src in sources:
            runs[src].append(run(src, a.codings))
    load = os.getloadavg()
    print(f"{a.rounds} rounds, {runs[sources[0]][0]['excerpts']} excerpts, load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    med = statistics.median
    for src, rs in runs.items():
        print(f"{src}:")
        for key, label in (("fit", "TextFeatures.fit_transform"),
                           ("train", "Suggester.train, TF-IDF only")):
            for suffix, unit in (("", "wall"), ("_cpu", "CPU")):
                first = med(r[key + suffix][0] for r in rs)
                again = med(x for r in rs for x in r[key + suffix][1:])
                print(f"  {label} ({unit}): first {first:.3f} s, again {again:.3f} s (medians)")


if __name__ == "__main__":
    main()
