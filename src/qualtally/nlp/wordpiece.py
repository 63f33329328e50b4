"""BERT WordPiece tokenisation in plain Python (what ``BertTokenizer`` does, uncased).

Normalise (drop control characters, whitespace to spaces, spaces around CJK ideographs,
lower-case, strip accents), split on whitespace and punctuation, then split each word
greedily into the longest vocabulary pieces, continuation pieces prefixed ``##``; a word
that cannot be split becomes ``[UNK]``. Sequences are wrapped in ``[CLS] ... [SEP]`` and
cut to ``max_len`` tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path


def _is_whitespace(ch: str) -> bool:
    if ch in " \t\n\r":
        return True
    return unicodedata.category(ch) == "Zs"


def _is_control(ch: str) -> bool:
    """Any "other" category (Cc, Cf, Co private use, Cn unassigned, Cs): dropped, as the
    model's ``tokenizer.json`` (Hugging Face ``tokenizers``) and ``BertTokenizer`` drop them."""
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


# ASCII fast path: the same tokens as the general loop (tests/nlp/test_embed.py checks it on
# random ASCII), ~10x faster on an interview turn. ASCII control characters other than
# tab/newline/return are dropped; every printable non-alphanumeric character is punctuation.
_ASCII_DROP = {c: None for c in [*range(9), 11, 12, *range(14, 32), 127]}
_ASCII_TOKEN = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~]")


def basic_tokens(text: str) -> list[str]:
    """Normalised words and punctuation marks, before WordPiece."""
    if text.isascii():
        return _ASCII_TOKEN.findall(text.translate(_ASCII_DROP).lower())
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_whitespace(ch):
            out.append(" ")
        elif _is_cjk(cp):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    text = "".join(out).lower()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    tokens = []
    for word in text.split():
        current = []
        for ch in word:
            if _is_punctuation(ch):
                if current:
                    tokens.append("".join(current))
                    current = []
                tokens.append(ch)
            else:
                current.append(ch)
        if current:
            tokens.append("".join(current))
    return tokens


class WordPiece:
    """``encode(text)`` -> token ids with [CLS]/[SEP], at most ``max_len``."""

    def __init__(self, vocab: dict[str, int], max_len: int = 128, unk: str = "[UNK]",
                 max_chars: int = 100):
        self.vocab = vocab
        self.max_len = max_len
        self.unk_id = vocab[unk]
        self.cls_id = vocab["[CLS]"]
        self.sep_id = vocab["[SEP]"]
        self.pad_id = vocab.get("[PAD]", 0)
        self.max_chars = max_chars
        self._word = lru_cache(maxsize=50_000)(self._word_ids)

    @classmethod
    def from_vocab_file(cls, path: str | Path, **kw) -> WordPiece:
        lines = Path(path).read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return cls({tok: i for i, tok in enumerate(lines)}, **kw)

    def _word_ids(self, word: str) -> tuple[int, ...]:
        if len(word) > self.max_chars:
            return (self.unk_id,)
        ids, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return (self.unk_id,)
            ids.append(found)
            start = end
        return tuple(ids)

    def tokenize_ids(self, text: str) -> list[int]:
        ids: list[int] = []
        for w in basic_tokens(text):
            ids.extend(self._word(w))
            if len(ids) >= self.max_len - 2:
                break
        return ids[: self.max_len - 2]

    def encode(self, text: str) -> list[int]:
        return [self.cls_id, *self.tokenize_ids(text), self.sep_id]

    def tokens(self, text: str) -> list[str]:
        inv = {i: t for t, i in self.vocab.items()}
        return [inv[i] for i in self.encode(text)]
