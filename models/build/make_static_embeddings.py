"""Build models/minilm-l6-v2-static: a static token table distilled from our MiniLM.

In the manner of model2vec (Minish Lab): every WordPiece vocabulary token is run through
the shipped numpy MiniLM (``models/minilm-l6-v2``) as ``[CLS] token [SEP]``; the last
layer's output at the token's position (``--pool token``, the default; ``mean`` pools the
three positions as ``MiniLM.encode`` does for a text, and scored lower) is L2-normalised,
the table centred and reduced by PCA, and each row weighted by the token's vocabulary rank
(BERT's vocab.txt is roughly frequency-ordered; ``sifw3``, the default, is SIF weighting
a / (a + p(rank)) with a = 1e-3 and ranks counted from "the", the first whole word). A
text's static embedding is then the mean of its tokens' rows, L2-normalised
(``qualtally.nlp.static_embed``).

    PYTHONPATH=src python models/build/make_static_embeddings.py \
        [--dims 256] [--weight sifw3] [--pool token] [--out models/minilm-l6-v2-static] \
        [--raw /tmp/raw.npy]

Deterministic: no sampling; the PCA is an eigendecomposition of the float64 covariance
with each component's sign fixed (largest-magnitude loading positive). ``--raw`` keeps
the un-reduced token outputs (float32 .npy) so trying other dims/weightings skips the
encoder pass (30-60 s here; one file per ``--pool``). Writes ``embeddings.safetensors``
(float16), a copy of ``vocab.txt``, ``card.json`` (inputs, command, sha256) and
``LICENSE.md`` (Apache-2.0, inherited).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from qualtally.nlp.embed import MiniLM, write_safetensors

SRC = ROOT / "models" / "minilm-l6-v2"
SIF = 1e-4  # model2vec's default SIF coefficient
FIRST_WORD = 1996  # "the": the first whole word in BERT's uncased vocab.txt
LICENCE = """# minilm-l6-v2-static

A static token table computed from the weights of **sentence-transformers/all-MiniLM-L6-v2**
(shipped in `models/minilm-l6-v2`), with its WordPiece vocabulary. The weights are licensed
under the **Apache License, Version 2.0** (https://www.apache.org/licenses/LICENSE-2.0); this
derived table and the copied `vocab.txt` are distributed under the same licence. How it was
built: `card.json` and `models/build/make_static_embeddings.py`.
"""


def token_outputs(model: MiniLM, batch: int = 1024, pool: str = "mean") -> np.ndarray:
    """(V, 384) float32: MiniLM's normalised output for [CLS] token [SEP], every token.

    ``pool="mean"``: the three positions mean-pooled (as MiniLM embeds a text);
    ``"token"``: the token's own position only.
    """
    V = model.word.shape[0]
    out = np.zeros((V, model.word.shape[1]), dtype=np.float32)
    for i in range(0, V, batch):
        ids = np.arange(i, min(V, i + batch), dtype=np.int64)
        seq = np.stack(
            [np.full_like(ids, model.tok.cls_id), ids, np.full_like(ids, model.tok.sep_id)], axis=1
        )
        out[i : i + len(ids)] = model._forward(
            seq,
            np.ones(seq.shape, dtype=bool),
            pool=None if pool == "mean" else np.array([False, True, False]),
        )
    return out


def pca(X: np.ndarray, dims: int) -> np.ndarray:
    """Centre and project on the top ``dims`` principal components (deterministic signs)."""
    X = X.astype(np.float64)
    X = X - X.mean(axis=0)
    vals, vecs = np.linalg.eigh(X.T @ X)
    order = np.argsort(vals)[::-1][:dims]
    vecs = vecs[:, order]
    signs = np.sign(vecs[np.abs(vecs).argmax(axis=0), np.arange(vecs.shape[1])])
    return X @ (vecs * signs)


def weights(V: int, how: str) -> np.ndarray:
    """Per-row weight from the vocabulary rank (row index)."""
    rank = np.arange(V, dtype=np.float64)
    if how == "none":
        return np.ones(V)
    if how == "sif":  # model2vec: a / (a + p), p the Zipf probability of the rank
        p = 1.0 / (rank + 2)
        p /= p.sum()
        return SIF / (SIF + p)
    if how in ("sifw", "sifw3"):  # the same, ranked from the first word: BERT's vocab.txt puts
        # [unused] slots and single characters (ids < 1996) before "the"; they count as most
        # frequent
        r = np.maximum(rank - FIRST_WORD, 0)
        p = 1.0 / (r + 2)
        p /= p.sum()
        a = SIF if how == "sifw" else 1e-3
        return a / (a + p)
    if how == "log":  # model2vec's older apply_zipf: log(1 + rank)
        return np.log1p(rank + 1)
    raise SystemExit(f"unknown weighting {how!r} (none, sif, sifw, sifw3, log)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--weight", default="sifw3", choices=("none", "sif", "sifw", "sifw3", "log"))
    ap.add_argument("--out", default=str(ROOT / "models" / "minilm-l6-v2-static"))
    ap.add_argument("--pool", default="token", choices=("mean", "token"))
    ap.add_argument("--raw", default="", help="cache of the token outputs (float32 .npy)")
    a = ap.parse_args(argv)
    t = time.perf_counter()
    if a.raw and Path(a.raw).is_file():
        raw = np.load(a.raw, allow_pickle=False)
    else:
        raw = token_outputs(MiniLM(SRC, runtime="numpy"), pool=a.pool)
        if a.raw:
            np.save(a.raw, raw, allow_pickle=False)
    print(f"token outputs {raw.shape} in {time.perf_counter() - t:.1f} s")
    table = pca(raw, min(a.dims, raw.shape[1])) * weights(raw.shape[0], a.weight)[:, None]
    table = table.astype(np.float16)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    dest = out / "embeddings.safetensors"
    write_safetensors(
        dest,
        {"embeddings": table},
        {"source": "minilm-l6-v2", "dims": str(table.shape[1]), "weight": a.weight},
    )
    shutil.copy(SRC / "vocab.txt", out / "vocab.txt")
    (out / "LICENSE.md").write_text(LICENCE, encoding="utf-8")
    sha = hashlib.sha256(dest.read_bytes()).hexdigest()
    card = {
        "name": out.name,
        "source_model": "models/minilm-l6-v2 "
        "(sentence-transformers/all-MiniLM-L6-v2, float16 weights)",
        "source_sha256": hashlib.sha256((SRC / "model.safetensors").read_bytes()).hexdigest(),
        "licence": "Apache-2.0 (inherited from all-MiniLM-L6-v2; see LICENSE.md)",
        "method": "model2vec-style distillation: [CLS] token [SEP] through MiniLM, "
        + ("the token's own output" if a.pool == "token" else "the three outputs mean-pooled")
        + ", L2-normalised, centred PCA, rank weighting; "
        "a text = mean of its tokens' rows, L2-normalised",
        "vocabulary": "vocab.txt (BERT uncased WordPiece, copied from the source model)",
        "rows": int(table.shape[0]),
        "dims": int(table.shape[1]),
        "pooling": a.pool,
        "weighting": a.weight
        + {
            "sif": f" (a={SIF}, rank = vocabulary id)",
            "sifw": f" (a={SIF}, rank = id - {FIRST_WORD}, ids before it rank 0)",
            "sifw3": f" (a=0.001, rank = id - {FIRST_WORD}, ids before it rank 0)",
        }.get(a.weight, ""),
        "dtype": "float16",
        "build_command": "PYTHONPATH=src python models/build/make_static_embeddings.py "
        f"--dims {a.dims} --weight {a.weight} --pool {a.pool}",
        "embeddings_sha256": sha,
        "size_bytes": dest.stat().st_size,
    }
    (out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"{dest.relative_to(ROOT) if dest.is_relative_to(ROOT) else dest}: {table.shape}, "
          f"{dest.stat().st_size / 1e6:.1f} MB, sha256 {sha[:16]}...")
    return 0


if __name__ == "__main__":
    sys.exit(main())
