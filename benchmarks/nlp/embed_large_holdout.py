"""Held-out micro-F1 on one large synthetic 15-code question, with and without embeddings.

Exercises the size regime where the embedding model is the shrinkage discriminant
(above ``LDA_ABOVE`` rows): train on the first 3,000 answers, score the next 1,000.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from speed import synthetic_items  # noqa: E402

from qualtally.nlp.model import CodeSuggester, label_matrix  # noqa: E402
from qualtally.nlp.tuning import micro_f1  # noqa: E402

items = synthetic_items(5000)[:4000]
tr, te = items[:3000], items[3000:]
for use in (False, True):
    m = CodeSuggester(embeddings=use).fit([it.text for it in tr], [it.codes for it in tr])
    Y, known = label_matrix([it.codes for it in te], m.classes_)
    P = m.predict([it.text for it in te])
    print(f"embeddings={use}: held-out micro-F1 {micro_f1(P, Y, known):.3f}"
          + (f" (weights {m.weights_.round(2).tolist()})" if use else ""), flush=True)
