"""Where retraining time goes: cProfile of ``Suggester.train`` on ``speed.py``'s 5,000 codings.

Embeddings are computed once and cached (as a project does at load; ``--cache`` keeps them
on disk between runs, read with ``allow_pickle=False``), so the timings are the retraining
alone. Prints the wall time of each repeat and the top functions by cumulative time.

    python benchmarks/nlp/profile_train.py [--codings 5000] [--repeat 2] [--cache /tmp/emb.npz]
        [--profile-first]

``--profile-first`` profiles the first retrain of the process (texts not yet lemmatised
or analysed) instead of one after the timed repeats. cProfile sees only the main thread:
the liblinear fits run in a lane thread (``nlp/lane.py``) and show as the main thread's
waits (``Future.result``).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from speed import synthetic_items
from variants import load_cache, save_cache


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--codings", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--cache", default="")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--profile-first", action="store_true")
    a = ap.parse_args()
    from qualtally.nlp import embed
    from qualtally.nlp.suggester import Suggester
    from qualtally.nlp.text import lemma_texts

    items = synthetic_items(a.codings)
    load_cache(a.cache)
    n = len(embed._CACHE)
    embed.embed([it.text for it in items])
    if len(embed._CACHE) != n:
        save_cache(a.cache)
    lemma_texts(["warm up"])
    print(
        f"{len(items)} excerpts, {sum(len(it.codes) for it in items)} codings; "
        f"load {os.getloadavg()}"
    )
    prof = cProfile.Profile()
    if a.profile_first:
        t = time.perf_counter()
        prof.runcall(Suggester.train, items, by_question=False)
        print(
            f"retrain 1 (profiled): {time.perf_counter() - t:.2f} s (load {os.getloadavg()[0]:.2f})"
        )
        pstats.Stats(prof).sort_stats("cumulative").print_stats(a.top)
    for i in range(a.repeat):
        t = time.perf_counter()
        Suggester.train(items, by_question=False)
        print(f"retrain {i + 1}: {time.perf_counter() - t:.2f} s (load {os.getloadavg()[0]:.2f})")
    if not a.profile_first:
        prof.runcall(Suggester.train, items, by_question=False)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(a.top)


if __name__ == "__main__":
    main()
