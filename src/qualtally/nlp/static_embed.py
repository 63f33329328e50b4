"""Static sentence embeddings: a token table distilled from our MiniLM, a text = mean of rows.

The MiniLM encoder (``embed.py``) costs 30-150 ms per new text in numpy; a suggestion for
a new or edited excerpt must cost under 10 ms. Like model2vec (Minish Lab), the table
under ``models/minilm-l6-v2-static`` holds one vector per WordPiece token, MiniLM's own
output at the token in ``[CLS] token [SEP]``, reduced by PCA and weighted by vocabulary rank
(``models/build/make_static_embeddings.py`` builds it; its ``card.json`` says how).
Encoding a text is WordPiece + a row look-up + a mean, L2-normalised: no truncation at
128 tokens, ``[UNK]`` pieces skipped, a text with no known piece gives the zero vector.

The table is float16 safetensors, read without pickle and widened to float32 once.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from qualtally.nlp import shipped
from qualtally.nlp.tensorfile import read_safetensors
from qualtally.nlp.wordpiece import WordPiece

STATIC_NAME = "minilm-l6-v2-static"
TABLE_FILE = "embeddings.safetensors"
CHUNK = 4096
"""Token rows summed at a time (longer texts are summed in chunks)."""


_TABLE_ID: list = []


def find_dir() -> Path | None:
    """The shipped table's folder: in a checkout (repo/models) or an installed wheel."""
    return shipped.find(STATIC_NAME, TABLE_FILE, "vocab.txt")


def table_id() -> str | None:
    """The installed table's sha256 (None: no table); models record it.

    Read from the table's card; a card that lacks it (or is missing) costs one hash of
    the 15 MB file instead. Once per process."""
    folder = find_dir()
    if folder is None:
        return None
    if not _TABLE_ID:
        try:
            sha = json.loads((folder / "card.json").read_text(encoding="utf-8")).get(
                "embeddings_sha256"
            )
        except (OSError, ValueError):
            sha = None
        if not sha:
            from qualtally.nlp.card import file_sha256

            sha = file_sha256(folder / TABLE_FILE)
        _TABLE_ID.append(sha)
    return _TABLE_ID[0]


class StaticEmbedder:
    """``encode(texts)`` -> (n, dims) float32, each row the L2-normalised mean of token rows."""

    def __init__(self, folder: str | Path):
        folder = Path(folder)
        self.table = np.ascontiguousarray(
            read_safetensors(folder / TABLE_FILE)["embeddings"], dtype=np.float32
        )
        self.tok = WordPiece.from_vocab_file(folder / "vocab.txt", max_len=1 << 30)
        if self.table.shape[0] != len(self.tok.vocab):
            raise ValueError(
                f"{folder / TABLE_FILE}: {self.table.shape[0]} rows "
                f"for {len(self.tok.vocab)} tokens"
            )
        card = folder / "card.json"
        self.card = json.loads(card.read_text(encoding="utf-8")) if card.is_file() else {}
        self.dim = int(self.table.shape[1])

    def token_ids(self, text: str) -> list[int]:
        unk = self.tok.unk_id
        return [i for i in self.tok.tokenize_ids(str(text)) if i != unk]

    def encode_one(self, text: str) -> np.ndarray:
        ids = self.token_ids(text)
        if not ids:
            return np.zeros(self.dim, dtype=np.float32)
        if len(ids) <= CHUNK:
            v = self.table[ids].sum(axis=0)
        else:  # a whole transcript: a (tokens x dims) gather would cost ~1 KB a token
            v = np.zeros(self.dim, dtype=np.float32)
            for k in range(0, len(ids), CHUNK):
                v += self.table[ids[k:k + CHUNK]].sum(axis=0)
        n = float(np.sqrt(v @ v))
        return v / n if n > 1e-12 else v

    def encode(self, texts) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = self.encode_one(t)
        return out
