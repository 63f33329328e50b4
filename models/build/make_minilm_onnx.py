"""Export all-MiniLM-L6-v2 to ONNX (issue 21: onnxruntime against our numpy forward).

Build-time only: needs torch and transformers (a CPU wheel; neither is a dependency of
qualtally), plus onnx and onnxruntime for the quantised variants. The graph takes
``input_ids`` and ``attention_mask`` (int64, batch x tokens, both dynamic) and returns
the mean-pooled, L2-normalised sentence vectors, i.e. what ``qualtally.nlp.embed.MiniLM``
computes after WordPiece.

    python models/build/make_minilm_onnx.py --weights fp16 --out /tmp/minilm.onnx
    python models/build/make_minilm_onnx.py --weights SRC_DIR --out /tmp/minilm-fp32.onnx
    python models/build/make_minilm_onnx.py --weights fp16 --store fp16 --out /tmp/m16.onnx
    python models/build/make_minilm_onnx.py --weights SRC_DIR --store int8 --out /tmp/m8.onnx

``--weights fp16`` reads the shipped float16 weights (``models/minilm-l6-v2``) widened to
float32, so the graph computes what the numpy path does; a folder (an unpacked
all-MiniLM-L6-v2, float32 safetensors) reads those. ``--store``: ``fp32`` keeps float32
initialisers (about 90 MB); ``fp16`` stores the large initialisers as float16, each behind
a Cast to float32 (about 45 MB; onnxruntime folds the casts when it loads the graph, so the
arithmetic stays float32); ``int8`` is onnxruntime's dynamic quantisation of the MatMul
weights and the token table (Gather) (about 23 MB; int8 arithmetic); ``shared`` (with
``--weights fp16``) keeps no weights at all: the graph reads them from the shipped
``model.safetensors`` beside it (see ``store_shared``).

    python models/build/make_minilm_onnx.py --weights fp16 --store shared \\
        --out models/minilm-l6-v2/model.onnx
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from qualtally.nlp.tensorfile import read_safetensors

SHIPPED = ROOT / "models" / "minilm-l6-v2"


def build_torch(weights: str):
    import torch
    from transformers import BertConfig, BertModel

    cfg = BertConfig.from_json_file(str(SHIPPED / "config.json"))
    src = SHIPPED if weights == "fp16" else Path(weights)
    state = {k: torch.from_numpy(np.array(v, dtype=np.float32))
             for k, v in read_safetensors(src / "model.safetensors").items()
             if not k.endswith("position_ids")}
    bert = BertModel(cfg, add_pooling_layer=False)
    missing, unexpected = bert.load_state_dict(
        {k: v for k, v in state.items() if not k.startswith("pooler.")}, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids")]
    if missing:
        raise SystemExit(f"weights missing: {missing}")
    bert.eval()

    class Sentence(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                            token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(out.dtype)
            pooled = (out * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return pooled / pooled.norm(dim=1, keepdim=True).clamp(min=1e-12)

    return Sentence(bert)


def export(model, out: Path) -> None:
    import torch

    ids = torch.tensor([[101, 7592, 1010, 2088, 999, 102], [101, 7592, 102, 0, 0, 0]])
    mask = (ids != 0).to(torch.int64)
    with torch.no_grad():
        torch.onnx.export(
            model, (ids, mask), str(out), input_names=["input_ids", "attention_mask"],
            output_names=["embedding"], opset_version=17, dynamo=False,
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                          "attention_mask": {0: "batch", 1: "tokens"},
                          "embedding": {0: "batch"}})


def store_fp16(path: Path, out: Path, min_size: int = 1024) -> None:
    """Large float32 initialisers as float16 + Cast (the same name, so no node changes)."""
    import onnx
    from onnx import helper, numpy_helper

    m = onnx.load(str(path))
    g = m.graph
    keep, casts = [], []
    for init in g.initializer:
        arr = numpy_helper.to_array(init)
        if arr.dtype == np.float32 and arr.size >= min_size:
            half = numpy_helper.from_array(arr.astype(np.float16), init.name + "_fp16")
            keep.append(half)
            casts.append(helper.make_node("Cast", [half.name], [init.name],
                                          to=onnx.TensorProto.FLOAT))
        else:
            keep.append(init)
    del g.initializer[:]
    g.initializer.extend(keep)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(casts + nodes)
    onnx.checker.check_model(m)
    onnx.save(m, str(out))


def store_shared(path: Path, out: Path, weights: Path = SHIPPED / "model.safetensors") -> None:
    """No weights in the graph: each large initialiser becomes an external float16 tensor
    that points into the shipped ``model.safetensors`` (its raw little-endian bytes at
    their offset, which is what ONNX external data is), behind a Cast to float32 and, for
    the weights the exporter stored transposed, a Transpose. The ONNX file must sit beside
    ``model.safetensors``; the numpy forward and onnxruntime then read one copy of the
    weights, and onnxruntime folds the Cast/Transpose when it loads the graph."""
    import json
    import struct

    import onnx
    from onnx import helper, numpy_helper

    raw = weights.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    st = read_safetensors(weights)
    by_shape: dict = {}
    for k, v in st.items():
        by_shape.setdefault(tuple(v.shape), []).append(k)
    m = onnx.load(str(path))
    g = m.graph
    keep, pre = [], []
    for init in g.initializer:
        arr = numpy_helper.to_array(init)
        if arr.dtype != np.float32 or arr.size < 1024:
            keep.append(init)
            continue
        key, transposed = None, False
        direct = init.name.removeprefix("bert.")
        if direct in st and np.array_equal(st[direct].astype(np.float32), arr):
            key = direct
        else:
            for k in by_shape.get(arr.T.shape, []):
                if np.array_equal(st[k].astype(np.float32).T, arr):
                    key, transposed = k, True
                    break
        if key is None:
            raise SystemExit(f"{init.name}: no tensor in {weights.name} holds these weights")
        start, end = header[key]["data_offsets"]
        ext = onnx.TensorProto(name=init.name + "_st", data_type=onnx.TensorProto.FLOAT16,
                               dims=list(st[key].shape))
        ext.data_location = onnx.TensorProto.EXTERNAL
        for k_, v_ in (("location", weights.name), ("offset", str(8 + n + start)),
                       ("length", str(end - start))):
            e = ext.external_data.add()
            e.key, e.value = k_, v_
        keep.append(ext)
        cast_out = init.name + "_f32" if transposed else init.name
        pre.append(helper.make_node("Cast", [ext.name], [cast_out], to=onnx.TensorProto.FLOAT))
        if transposed:
            pre.append(helper.make_node("Transpose", [cast_out], [init.name], perm=[1, 0]))
    del g.initializer[:]
    g.initializer.extend(keep)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(pre + nodes)
    onnx.save(m, str(out))  # external tensors stay where they point


def store_int8(path: Path, out: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(path), str(out), weight_type=QuantType.QInt8,
                     op_types_to_quantize=["MatMul", "Gather"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weights", default="fp16", help="fp16 (the shipped weights) or a folder")
    ap.add_argument("--store", default="fp32", choices=("fp32", "fp16", "int8", "shared"))
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    raw = a.out if a.store == "fp32" else a.out.with_suffix(".fp32.onnx")
    export(build_torch(a.weights), raw)
    if a.store == "fp16":
        store_fp16(raw, a.out)
    elif a.store == "int8":
        store_int8(raw, a.out)
    elif a.store == "shared":
        if a.weights != "fp16":
            raise SystemExit("--store shared points into the shipped float16 weights")
        store_shared(raw, a.out)
    if raw != a.out:
        raw.unlink()
    print(f"{a.out}: {a.out.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
