"""``nhs_dev.py`` with MiniLM's forward pass in onnxruntime (issue 21): what an ONNX export
(and its quantisation) does to suggestion micro-F1, on identical folds.

The suggester is the shipped one, trained as ``nhs_dev.py`` trains it; only the encoder
behind ``embed.get_model()`` is replaced by ``onnx_compare.OnnxMiniLM`` (same WordPiece,
same batches). Without ``--onnx`` it runs the numpy forward (the baseline).
Run with ``QUALTALLY_EMBED_CACHE`` unset, so every vector comes from the encoder under test.

    python benchmarks/nlp/onnx_nhs_dev.py [--onnx FILE.onnx] [--split dev]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

import nhs_dev
from onnx_compare import OnnxMiniLM

from qualtally.nlp import embed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--onnx", type=Path)
    ap.add_argument("--split", default="dev")
    a = ap.parse_args(argv)
    if os.environ.get("QUALTALLY_EMBED_CACHE"):
        raise SystemExit("unset QUALTALLY_EMBED_CACHE: the vectors must come from the encoder")
    from qualtally.nlp.embed import MiniLM

    embed._MODEL = OnnxMiniLM(a.onnx) if a.onnx else MiniLM(embed.model_dir(), runtime="numpy")
    label = f"onnxruntime {a.onnx.name}" if a.onnx else "numpy float16"
    print(f"== encoder: {label}", flush=True)
    return nhs_dev.main(["--split", a.split, "--note", f"onnx_nhs_dev.py: {label}"])


if __name__ == "__main__":
    raise SystemExit(main())
