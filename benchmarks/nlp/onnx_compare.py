"""Our numpy MiniLM forward (``nlp/embed.py``) against onnxruntime (issue 21).

ONNX files come from ``models/build/make_minilm_onnx.py`` (build-time torch export).
Both runtimes get the same WordPiece ids and the same length-sorted batches
(``MiniLM.encode``); only the forward pass differs. Measures, per ONNX file given:

1. agreement: cosine of each text's vector with the numpy float16 path (what ships) and,
   with ``--fp32 DIR`` (an unpacked all-MiniLM-L6-v2, float32), with numpy on those
   weights; min / p1 / mean over ``--n`` NHS answers plus the demo's coded turns;
2. latency of one text, p50 / p95 over ``--reps`` calls: a short NHS answer and the
   demo's longest turn (numpy and each ONNX file interleaved, so load moves them alike);
3. throughput: ``--n`` NHS answers in one ``encode`` call;
4. load: ``import onnxruntime`` + session creation, against building the numpy model.

    python benchmarks/nlp/onnx_compare.py A.onnx [B.onnx ...] [--fp32 DIR] [--threads 0]
        [--vectors-out DIR]

``--vectors-out`` writes, per ONNX file, an ``.npz`` of the NHS dev texts' vectors (for
``nhs_dev.py --vectors``). Prints the load average before and after (2 shared cores).
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

from qualtally.nlp.embed import MiniLM

SHIPPED = ROOT / "models" / "minilm-l6-v2"


class OnnxMiniLM(MiniLM):
    """``MiniLM.encode`` (WordPiece, length-sorted batches) with the forward in onnxruntime,
    on any ONNX file (``MiniLM`` itself runs only the shipped ``model.onnx``)."""

    def __init__(self, onnx_path: str | Path, threads: int = 0):
        import onnxruntime as ort

        from qualtally.nlp.wordpiece import WordPiece

        self.max_len = 128
        self.tok = WordPiece.from_vocab_file(SHIPPED / "vocab.txt", max_len=self.max_len)
        self.dim = 384
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(onnx_path), so,
                                            providers=["CPUExecutionProvider"])


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def cos_stats(a, b) -> dict:
    c = (a * b).sum(1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12)
    return {"min": round(float(c.min()), 6), "p1": round(float(np.percentile(c, 1)), 6),
            "mean": round(float(c.mean()), 6)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("onnx", nargs="+", type=Path)
    ap.add_argument("--fp32", type=Path, help="unpacked all-MiniLM-L6-v2 (float32 safetensors)")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=100)
    ap.add_argument("--threads", type=int, default=0, help="onnxruntime intra-op threads (0: all)")
    ap.add_argument("--vectors-out", type=Path)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    out: dict = {"load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()), "files": {}}
    nhs = real_texts.nhs()
    rng = np.random.default_rng(0)
    sample = [nhs[i] for i in rng.choice(len(nhs), size=min(a.n, len(nhs)), replace=False)]
    texts = sample + real_texts._csv_texts(ROOT / "corpus/iom-evaluation/coded.csv", "text")

    t0 = time.perf_counter()
    ref = MiniLM(SHIPPED, runtime="numpy")
    out["numpy_load_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    E16 = ref.encode(texts)
    out["numpy_encode_all_s"] = round(time.perf_counter() - t0, 2)
    E32 = MiniLM(a.fp32, runtime="numpy").encode(texts) if a.fp32 else None
    if E32 is not None:
        out["numpy_fp16_vs_fp32"] = cos_stats(E16, E32)
        print("numpy fp16 vs numpy fp32:", out["numpy_fp16_vs_fp32"])
    t0 = time.perf_counter()
    import onnxruntime

    out["ort_import_s"] = round(time.perf_counter() - t0, 2)
    out["ort_version"] = onnxruntime.__version__
    encs = {}
    for p in a.onnx:
        t0 = time.perf_counter()
        encs[p.stem] = OnnxMiniLM(p, a.threads)
        info = {"size_mb": round(p.stat().st_size / 1e6, 1),
                "session_s": round(time.perf_counter() - t0, 2)}
        t0 = time.perf_counter()
        E = encs[p.stem].encode(texts)
        info["encode_all_s"] = round(time.perf_counter() - t0, 2)
        info["vs_numpy_fp16"] = cos_stats(E, E16)
        if E32 is not None:
            info["vs_numpy_fp32"] = cos_stats(E, E32)
        out["files"][p.stem] = info
        print(p.stem, json.dumps(info))
        if a.vectors_out:
            a.vectors_out.mkdir(parents=True, exist_ok=True)
            dev = list(dict.fromkeys(t.strip() for t in real_texts.nhs(("why", "improve", "good"))))
            np.savez(a.vectors_out / f"{p.stem}.npz", texts=np.array(dev),
                     vecs=encs[p.stem].encode(dev))

    # latency, one text at a time, runtimes interleaved
    runners = {"numpy": ref, **encs}
    for label, text in (("short", real_texts.short_answer()), ("long", real_texts.long_turn())):
        times: dict[str, list] = {k: [] for k in runners}
        for r in runners.values():
            r.encode([text])  # warm (per-word cache, first-call allocations)
        for _ in range(a.reps):
            for k, r in runners.items():
                t0 = time.perf_counter()
                r.encode([text])
                times[k].append((time.perf_counter() - t0) * 1e3)
        out[f"latency_{label}"] = {
            "tokens": len(ref.tok.encode(text)),
            **{k: {"p50_ms": round(pct(v, 0.5), 2), "p95_ms": round(pct(v, 0.95), 2)}
               for k, v in times.items()}}
        print(f"latency {label}:", json.dumps(out[f"latency_{label}"]))
    for k, r in runners.items():
        t0 = time.perf_counter()
        r.encode(sample)
        out.setdefault("throughput_texts_per_s", {})[k] = round(
            len(sample) / (time.perf_counter() - t0), 1)
    print("throughput (texts/s):", json.dumps(out["throughput_texts_per_s"]))
    out["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print("load average before / after:", out["load_before"], "/", out["load_after"])
    if a.json:
        a.json.write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
