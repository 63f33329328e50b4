"""Our static embedder (``nlp/static_embed.py``) against model2vec's ``StaticModel`` (issue 21).

Loads the shipped table (``models/minilm-l6-v2-static``) into
``model2vec.StaticModel(vectors, tokenizer)``, the tokenizer being the model's own
``tokenizer.json`` (Hugging Face ``tokenizers``), with no length cut and normalised
output, as ours; then compares the vectors on the real texts of ``real_texts.py`` and
times one short answer, one long turn and the NHS set in one call. Needs ``model2vec``
(not a qualtally dependency; run it in a build venv with PYTHONPATH=src).

    PYTHONPATH=src python benchmarks/nlp/model2vec_compare.py [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

import real_texts

from qualtally.nlp import static_embed


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    from model2vec import StaticModel
    from tokenizers import Tokenizer

    folder = static_embed.find_dir()
    ours = static_embed.StaticEmbedder(folder)
    tok = Tokenizer.from_file(str(ROOT / "models" / "minilm-l6-v2" / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    m2v = StaticModel(ours.table, tok, normalize=True, max_length=None)
    out: dict = {"load": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    texts = real_texts.nhs() + real_texts.demo() + real_texts.pdpilot()
    A = ours.encode(texts)
    B = m2v.encode(texts, max_length=None, use_multiprocessing=False)
    nz = np.linalg.norm(A, axis=1) > 0
    cos = (A[nz] * B[nz]).sum(1) / np.maximum(np.linalg.norm(B[nz], axis=1), 1e-12)
    out["texts"] = len(texts)
    out["cosine"] = {"min": round(float(cos.min()), 6), "mean": round(float(cos.mean()), 6)}
    out["max_abs_diff"] = float(np.abs(A - B).max())
    out["zero_vectors"] = {"ours": int((~nz).sum()),
                           "model2vec": int((np.linalg.norm(B, axis=1) == 0).sum())}
    for label, text in (("short", real_texts.short_answer()), ("long", real_texts.long_turn())):
        for name, fn in (("ours", lambda t: ours.encode([t])),
                         ("model2vec", lambda t: m2v.encode([t], max_length=None,
                                                            use_multiprocessing=False))):
            xs = []
            for _ in range(300):
                t0 = time.perf_counter()
                fn(text)
                xs.append((time.perf_counter() - t0) * 1e3)
            out[f"{name}_{label}_ms"] = {"p50": round(pct(xs, 0.5), 3),
                                         "p95": round(pct(xs, 0.95), 3)}
    nhs = real_texts.nhs()
    for name, fn in (("ours", lambda: ours.encode(nhs)),
                     ("model2vec", lambda: m2v.encode(nhs, max_length=None,
                                                      use_multiprocessing=False))):
        t0 = time.perf_counter()
        fn()
        out[f"{name}_nhs_{len(nhs)}_s"] = round(time.perf_counter() - t0, 3)
    out["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(json.dumps(out, indent=1))
    if a.json:
        a.json.write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
