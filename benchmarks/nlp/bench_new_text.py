"""What a NEW text costs: embedding it, and the whole suggester for it, per sentence embedder.

Issue 5 asks for one excerpt's suggestions <= 10 ms p95 once loaded. A text the model has
never seen (``qualtally suggest --input``, an edited or narrowed excerpt) must be embedded
first; this times, for MiniLM (``minilm-l6-v2``) and the static table
(``minilm-l6-v2-static``), nothing cached:

1. table/model load (``get_encoder`` in this process, first call);
2. embedding one text, p50/p95/max: short survey answers (``realistic_survey.py``, seed 0)
   and long demo turns (``corpus/iom-evaluation/coded.csv``), every text on its own,
   ``cache=False`` (WordPiece keeps a per-word cache; long turns are also timed with it
   emptied before each text, every word new);
3. embedding ``--bulk`` (4,000) short answers in one call;
4. the suggester on a new text: a ``CodeSuggester`` fitted with that embedder on the demo's
   coded excerpts, with the shipped demo model's cold-start profiles, then
   ``suggest_many([text])`` for 300 demo turns narrowed by their last word (new text, as a
   coder's narrowed excerpt) and for 300 short answers, the embedder's cache emptied before
   each call. (The MiniLM fit reads the demo's shipped vectors, so it does not take minutes.)

    PYTHONPATH=src python benchmarks/nlp/bench_new_text.py [--embedders static,minilm] [--json OUT]

Run at normal priority; prints the load average before and after (2 shared cores here).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

NAMES = {"static": "minilm-l6-v2-static", "minilm": "minilm-l6-v2"}


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def stats(xs) -> dict:
    return {
        "n": len(xs),
        "p50": round(pct(xs, 0.5), 3),
        "p95": round(pct(xs, 0.95), 3),
        "max": round(max(xs), 3),
    }


def short_answers(n: int) -> list[str]:
    import realistic_survey

    out: list[str] = []
    seed = 0
    with tempfile.TemporaryDirectory() as tmp:
        while len(out) < n:
            path = Path(tmp) / f"s{seed}.csv"
            realistic_survey.write(path, seed, 6)
            with path.open(encoding="utf-8") as fh:
                out += [r["text"] for r in csv.DictReader(fh)]
            seed += 1
    return out[:n]


def per_text(fn, texts) -> list[float]:
    times = []
    for t in texts:
        a = time.perf_counter()
        fn(t)
        times.append(1000 * (time.perf_counter() - a))
    return times


def measure(name, short, short300, long_texts, narrowed, demo, profiles, bulk) -> dict:
    from qualtally.nlp import embed
    from qualtally.nlp.model import CodeSuggester
    from qualtally.nlp.suggester import Suggester

    r: dict = {}
    t = time.perf_counter()
    enc = embed.get_encoder(name)
    r["load_ms"] = round(1000 * (time.perf_counter() - t), 1)
    enc.encode(["warm up"])
    r["embed_short_ms"] = stats(
        per_text(lambda s: embed.embed([s], cache=False, embedder=name), short300)
    )
    r["embed_long_ms"] = stats(
        per_text(lambda s: embed.embed([s], cache=False, embedder=name), long_texts)
    )
    if hasattr(enc.tok._word, "cache_clear"):  # every word new too: WordPiece's word cache emptied

        def cold(s):
            enc.tok._word.cache_clear()
            embed.embed([s], cache=False, embedder=name)

        r["embed_long_cold_words_ms"] = stats(per_text(cold, long_texts))
        enc.tok._word.cache_clear()
    t = time.perf_counter()
    embed.embed(short[:bulk], cache=False, embedder=name)
    r[f"embed_{bulk}_short_s"] = round(time.perf_counter() - t, 2)
    if name == embed.MODEL_NAME:
        embed.load_cache(ROOT / "models" / "iom-demo" / "embeddings.npz", long_texts)
    model = CodeSuggester(random_state=0, embedder=name).fit(long_texts, [it.codes for it in demo])
    suggester = Suggester({"": model}, profiles)
    suggester.suggest_many([narrowed[0]], limit=16)  # warm (spaCy pipeline, first calls)
    cache = embed.cache_for(name)

    def new(text):
        cache.clear()
        suggester.suggest_many([text], limit=16)

    r["engine_new_long_ms"] = stats(per_text(new, narrowed))
    r["engine_new_short_ms"] = stats(per_text(new, short300))
    return r


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--embedders", default="static,minilm")
    ap.add_argument("--bulk", type=int, default=4000)
    ap.add_argument("--json")
    a = ap.parse_args(argv)
    from qualtally.nlp.dataset import load_coded
    from qualtally.nlp.persist import load_model

    print("load average before:", load(), flush=True)
    demo = load_coded(ROOT / "corpus" / "iom-evaluation" / "coded.csv")
    long_texts = [it.text for it in demo]
    short = short_answers(max(a.bulk, 300))
    rng = random.Random(1)
    short300 = rng.sample(short, 300)
    narrowed = [
        t.strip().rsplit(" ", 1)[0]
        for t in rng.sample(long_texts, min(300, len(long_texts)))
        if " " in t.strip()
    ]
    profiles = load_model(ROOT / "models" / "iom-demo")[0].profiles
    res: dict = {
        "texts": {
            "short": len(short300),
            "long": len(long_texts),
            "narrowed": len(narrowed),
            "long_chars_p50": pct([len(t) for t in long_texts], 0.5),
            "short_chars_p50": pct([len(t) for t in short300], 0.5),
        }
    }
    for key in a.embedders.split(","):
        res[key] = measure(
            NAMES[key], short, short300, long_texts, narrowed, demo, profiles, a.bulk
        )
        print(key, json.dumps(res[key]), flush=True)
    res["load_after"] = load()
    print("load average after:", res["load_after"])
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
