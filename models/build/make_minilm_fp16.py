"""Build models/minilm-l6-v2 from an unpacked all-MiniLM-L6-v2 (float32 safetensors).

    python models/build/make_minilm_fp16.py SRC_DIR [models/minilm-l6-v2]

Keeps the encoder weights as float16 (drops the unused pooler and position_ids), copies
config.json, vocab.txt, tokenizer.json and the pooling config, and checks that float16 and
float32 embeddings agree (cosine > 0.999) on a few sentences.
"""

import shutil
import sys
from pathlib import Path

import numpy as np

from qualtally.nlp.embed import MiniLM, read_safetensors, write_safetensors

src = Path(sys.argv[1])
dst = Path(sys.argv[2] if len(sys.argv) > 2 else "models/minilm-l6-v2")
dst.mkdir(parents=True, exist_ok=True)
w = read_safetensors(src / "model.safetensors")
keep = {k: v.astype(np.float16) for k, v in w.items()
        if not k.startswith("pooler.") and not k.endswith("position_ids")}
write_safetensors(
    dst / "model.safetensors",
    keep,
    {"format": "np", "source": "sentence-transformers/all-MiniLM-L6-v2"},
)
for name in (
    "config.json",
    "vocab.txt",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
):
    if (src / name).exists():
        shutil.copy(src / name, dst / name)
(dst / "1_Pooling").mkdir(exist_ok=True)
shutil.copy(src / "1_Pooling" / "config.json", dst / "1_Pooling" / "config.json")
texts = [
    "The cat sits on the mat",
    "Rents are far too high for young families here.",
    "I liked the training but the follow-up visits never happened",
    "No comment",
    "Transport to the clinic costs more than I earn in a day, so I stopped going.",
]
a, b = MiniLM(src, runtime="numpy").encode(texts), MiniLM(dst, runtime="numpy").encode(texts)
cos = (a * b).sum(1)
print(f"fp16 vs fp32 cosine: min {cos.min():.6f}")
assert cos.min() > 0.999
