"""Why a code is proposed: the evidence a coder can judge in a glance.

For one excerpt and one code: the terms of the excerpt that pushed the code's linear
score up most (lemmas and lemma pairs, weighted by the excerpt's TF-IDF times the code's
coefficient), and the most similar excerpt already coded with that code. Keyword hits come
from :mod:`qualtally.nlp.coldstart`. Computed only for the few codes shown.
"""

from __future__ import annotations

import numpy as np

from qualtally.nlp.text import STOP_WORDS

SNIPPET = 160


def top_terms(model, row, k: int, n: int = 3) -> tuple[str, ...]:
    """The excerpt's most weighted terms for code column ``k`` (positive contributions only)."""
    row = row.tocsr()
    return top_terms_many(model, row.indices, row.data, [k], n)[0]


def top_terms_many(model, indices, data, ks, n: int = 3) -> list[tuple[str, ...]]:
    """:func:`top_terms` for several codes of one excerpt, from its CSR row's indices and data.

    One product for all the codes shown (the suggestion cache explains 16 per excerpt);
    terms holding a stop word never count (:func:`stop_mask`).
    """
    words = indices < model.features_.n_word_
    idx = indices[words]
    keep = ~stop_mask(model)[idx]
    idx, vals0 = idx[keep], data[words][keep]
    if not len(idx):
        return [() for _ in ks]
    vals = vals0[None, :] * model.coef_[np.ix_(np.asarray(ks), idx)]
    terms = model.features_.word_terms()
    out = []
    for r in range(len(ks)):
        row = vals[r]
        pos = np.flatnonzero(row > 0)
        if len(pos) > n:
            pos = pos[np.argpartition(-row[pos], n - 1)[:n]]
        pos = pos[np.argsort(-row[pos], kind="stable")]
        out.append(tuple(str(terms[idx[j]]) for j in pos))
    return out


_STOP_MASKS: dict[int, tuple[object, np.ndarray]] = {}


def stop_mask(model) -> np.ndarray:
    """Per word term of the model: does it hold a stop word? Computed once per model."""
    terms = model.features_.word_terms()
    hit = _STOP_MASKS.get(id(model))
    if hit is None or hit[0] is not terms:  # another model now lives at this id
        if len(_STOP_MASKS) > 16:
            _STOP_MASKS.clear()
        mask = np.fromiter(
            (any(w in STOP_WORDS for w in str(t).split()) for t in terms),
            dtype=bool,
            count=len(terms),
        )
        hit = _STOP_MASKS[id(model)] = (terms, mask)
    return hit[1]


def similarities(model, rows) -> np.ndarray:
    """Cosine similarity of excerpts' feature rows to every training excerpt: (n, n_train)."""
    return (rows @ model.train_matrix_t_).toarray()


def coded_rows(model) -> list[np.ndarray]:
    """Per code column: the training rows coded with it (for :func:`similar_coded`)."""
    labels = model.train_labels_
    return [np.flatnonzero(labels[:, k]) for k in range(labels.shape[1])]


def similar_coded(model, sims: np.ndarray, k: int, rows: np.ndarray | None = None) -> str | None:
    """The training excerpt coded with code ``k`` that is most similar to this excerpt."""
    if rows is None:
        rows = np.flatnonzero(model.train_labels_[:, k])
    if not len(rows):
        return None
    text = model.train_texts_[int(rows[int(np.argmax(sims[rows]))])]
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1].rstrip() + "…"
