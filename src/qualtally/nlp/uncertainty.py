"""How unsure the suggester is about an excerpt, and the "least sure first" visiting order.

One definition shared by the coding screen's ``o`` key (``Project.uncertainty_order``), the
margin stored in each suggestion-cache entry (``Suggester.suggest_many``) and the benchmark
that simulates a coder visiting answers in that order (``benchmarks/nlp/learning_curves.py``),
so what is measured is what the app does. An excerpt's margin is the smallest distance
between a code's score and that code's decision threshold: small means some code is on the
edge of being proposed or not. Excerpts are visited by rising margin, ties in the order
given (document order); one without a margin (never scored) counts as :data:`NO_MARGIN`.
Works on numpy arrays without importing numpy, so the façade can import it cheaply.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any, TypeVar

NO_MARGIN = 1.0
"""The margin of an excerpt with no score to go on (no model, no code): ranked last."""

K = TypeVar("K", bound=Hashable)


def margins(S: Any, thresholds: Any) -> list[float]:
    """Per row of ``S`` (n excerpts x K codes, numpy): min over codes of |score - threshold|."""
    if len(S) == 0:
        return []
    if S.shape[1] == 0:
        return [NO_MARGIN] * len(S)
    return [float(m) for m in abs(S - thresholds).min(axis=1)]


def margin(scores: Any, thresholds: Any) -> float:
    """:func:`margins` of one excerpt's row of scores."""
    return float(abs(scores - thresholds).min()) if len(scores) else NO_MARGIN


def least_sure_first(ids: Iterable[K], margin_of: Mapping[K, float]) -> list[K]:
    """``ids`` by rising margin (the least sure first); ties keep the given order."""
    return sorted(ids, key=lambda i: margin_of.get(i, NO_MARGIN))
