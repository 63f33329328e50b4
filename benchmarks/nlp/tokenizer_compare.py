"""Our WordPiece (``nlp/wordpiece.py``) against Hugging Face ``tokenizers`` (issue 21).

Both read the shipped model folder: ours ``vocab.txt``, the library the model's own
``tokenizer.json`` (its padding switched off). Checks, on real texts (``real_texts.py``:
every NHS answer, the demo's turns and transcript lines, PDPilot's segments and lines)
plus a set of awkward strings (accents, CJK, emoji, control characters, a 150-letter
word, ...), that the token ids are identical, cut at 128 tokens (the MiniLM path) and
uncut (the static table's path); then times one short answer and one long turn
(per-word cache warm, and cold: a fresh tokenizer state per text), the whole NHS set in
one go, and the import and load of each.

    python benchmarks/nlp/tokenizer_compare.py [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

import real_texts

from qualtally.nlp.wordpiece import WordPiece

MODEL = ROOT / "models" / "minilm-l6-v2"

AWKWARD = [
    "", " ", "\t\n", "Naïve café RÉSUMÉ", "Straße Ærø ǅ İstanbul ﬁne", "東京で働いています。",
    "emoji 😀👍🏽 and ♥ hearts", "zero\u200bwidth joiner\u200d", "nbsp\u00a0here\u2028line\u2029",
    "ctrl\x00\x01\x7f\x85chars\ufffd", "a" * 150, "x" * 100, "y" * 101, "don't 3.5% £20 €5",
    "«quoted» „German“ —dash– …", "mixed-CASE_snake_case/path\\back", "Ωμέγα Ελληνικά",
    "Привет мир", "עברית", "العربية", "हिन्दी", "ｆｕｌｌｗｉｄｔｈ", "combining e\u0301 a\u0308",
    "private\ue000use", "unassigned\U000e0001tag", "surrogate-free \U0001f9ea test",
    "word " * 300,
]


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def hf_tokenizer(truncate: int | None):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(MODEL / "tokenizer.json"))
    tok.no_padding()
    if truncate:
        tok.enable_truncation(truncate)
    else:
        tok.no_truncation()
    return tok


def compare(texts, ours: WordPiece, hf) -> tuple[int, list]:
    got = hf.encode_batch(texts)
    diffs = []
    for t, e in zip(texts, got):
        a = ours.encode(t)
        if a != e.ids:
            diffs.append({"text": t[:200], "ours": a[:40], "hf": e.ids[:40]})
    return len(texts), diffs


def time_one(fn, text, n=300, fresh=None) -> dict:
    xs = []
    for _ in range(n):
        if fresh:
            fresh()
        t0 = time.perf_counter()
        fn(text)
        xs.append((time.perf_counter() - t0) * 1e3)
    return {"p50_ms": round(pct(xs, 0.5), 4), "p95_ms": round(pct(xs, 0.95), 4)}


def import_time(stmt: str, n: int = 5) -> float:
    """Median wall time of a fresh interpreter running ``stmt`` minus one running ``pass``."""
    def run(s):
        xs = []
        for _ in range(n):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", s], check=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
            xs.append(time.perf_counter() - t0)
        return sorted(xs)[n // 2]
    return round((run(stmt) - run("pass")) * 1e3, 1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    sets = {"nhs": real_texts.nhs(), "demo": real_texts.demo(), "pdpilot": real_texts.pdpilot(),
            "awkward": AWKWARD}
    out: dict = {"load": " ".join(f"{x:.2f}" for x in os.getloadavg()), "sets": {}}
    ours128 = WordPiece.from_vocab_file(MODEL / "vocab.txt", max_len=128)
    ours_uncut = WordPiece.from_vocab_file(MODEL / "vocab.txt", max_len=1 << 30)
    hf128, hf_uncut = hf_tokenizer(128), hf_tokenizer(None)
    for name, texts in sets.items():
        n, d128 = compare(texts, ours128, hf128)
        _, dun = compare(texts, ours_uncut, hf_uncut)
        out["sets"][name] = {"texts": n, "differ_at_128": len(d128), "differ_uncut": len(dun),
                             "examples": (d128 + dun)[:5]}
        print(f"{name:8s} {n:6d} texts: ids differ on {len(d128)} (cut at 128), "
              f"{len(dun)} (uncut)")
        for d in (d128 + dun)[:5]:
            print("   ", json.dumps(d, ensure_ascii=False)[:300])
    short, long = real_texts.short_answer(), real_texts.long_turn()
    out["short_chars"], out["long_chars"] = len(short), len(long)
    timing = {}
    for label, text in (("short", short), ("long", long)):
        timing[f"ours_{label}_warm"] = time_one(ours128.encode, text)
        timing[f"hf_{label}_warm"] = time_one(lambda t: hf128.encode(t).ids, text)
        # cold: every word new to our per-word cache (the library keeps none by default)
        timing[f"ours_{label}_cold"] = time_one(ours128.encode, text,
                                                fresh=ours128._word.cache_clear)
    nhs = sets["nhs"] or sets["demo"]
    for label, fn in (("ours", lambda: [ours128.encode(t) for t in nhs]),
                      ("hf_loop", lambda: [hf128.encode(t).ids for t in nhs]),
                      ("hf_batch", lambda: [e.ids for e in hf128.encode_batch(nhs)])):
        ours128._word.cache_clear()
        t0 = time.perf_counter()
        fn()
        timing[f"{label}_all_{len(nhs)}_ms"] = round((time.perf_counter() - t0) * 1e3, 1)
    t0 = time.perf_counter()
    WordPiece.from_vocab_file(MODEL / "vocab.txt")
    timing["ours_load_ms"] = round((time.perf_counter() - t0) * 1e3, 1)
    t0 = time.perf_counter()
    hf_tokenizer(128)
    timing["hf_load_ms"] = round((time.perf_counter() - t0) * 1e3, 1)
    timing["ours_import_ms"] = import_time("import qualtally.nlp.wordpiece")
    timing["hf_import_ms"] = import_time("import tokenizers")
    out["timing"] = timing
    for k, v in timing.items():
        print(f"{k:28s} {v}")
    out["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print("load average before / after:", out["load"], "/", out["load_after"])
    if a.json:
        a.json.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
