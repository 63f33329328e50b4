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
    feats = model.features_
    n_word = feats.n_word_
    row = row.tocsr()
    words = row.indices < n_word
    idx = row.indices[words]
    if not len(idx):
        return ()
    vals = row.data[words] * model.coef_[k, idx]
    terms = feats.word_terms()
    out = []
    for j in np.argsort(-vals):
        if vals[j] <= 0 or len(out) >= n:
            break
        term = terms[idx[j]]
        if any(w in STOP_WORDS for w in term.split()):
            continue
        out.append(str(term))
    return tuple(out)


def similarities(model, rows) -> np.ndarray:
    """Cosine similarity of excerpts' feature rows to every training excerpt: (n, n_train)."""
    return (rows @ model.train_matrix_t_).toarray()


def similar_coded(model, sims: np.ndarray, k: int) -> str | None:
    """The training excerpt coded with code ``k`` that is most similar to this excerpt."""
    rows = np.flatnonzero(model.train_labels_[:, k])
    if not len(rows):
        return None
    text = model.train_texts_[int(rows[int(np.argmax(sims[rows]))])]
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1].rstrip() + "…"
