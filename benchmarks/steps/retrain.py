"""Retraining time at 1,000 / 5,000 / 20,000 codings (synthetic survey answers, as
``benchmarks/nlp/speed.py``), embeddings computed once first as a loaded project has them."""

from __future__ import annotations

import sys
import time

from benchmarks.steps import ROOT, args, write

SIZE = {"demo": (1000,), "1k": (1000, 5000, 20000), "10k": (1000, 5000, 20000)}


def main() -> None:
    a = args(__doc__.splitlines()[0])
    sys.path.insert(0, str(ROOT / "benchmarks" / "nlp"))
    from speed import synthetic_items

    from qualtally.nlp import embed
    from qualtally.nlp.suggester import Suggester
    from qualtally.nlp.text import lemma_texts

    lemma_texts(["warm up"])
    out = {}
    for n in SIZE[a.size]:
        items = synthetic_items(n)
        if embed.available():
            embed.embed([it.text for it in items])
        runs = []
        for _ in range(2):  # the first fit also analyses every text; a retraining reuses that
            t = time.perf_counter()
            Suggester.train(items, by_question=False)
            runs.append(time.perf_counter() - t)
        out[str(n)] = {"excerpts": len(items), "first_s": round(runs[0], 2),
                       "retrain_s": round(runs[1], 2)}
    write(a.json, {"codings": out})


if __name__ == "__main__":
    main()
