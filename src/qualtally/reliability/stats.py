"""Cohen's kappa, Krippendorff's alpha and Gwet's AC1 from weighted value patterns.

``core.agreement`` gives each code's ratings as value patterns (one value per coder, None
where the coder did not code the unit) with the number of units (or characters) showing
each. Alpha is the ``krippendorff`` package's (nominal), kappa scikit-learn's
``cohen_kappa_score`` (with the patterns' counts as sample weights), so the figures are the
reference implementations' own; AC1, which neither package offers, is Gwet's two-rater
formula. A statistic the data cannot define (every value the same: a code nobody applied)
is None.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

Ratings = dict[tuple[object, ...], int]


def _pairable(ratings: Ratings) -> Ratings:
    return {p: w for p, w in ratings.items() if w > 0 and sum(v is not None for v in p) >= 2}


def _codes(ratings: Ratings, domain: Sequence[object] | None) -> dict[object, int]:
    seen = domain if domain is not None else sorted(
        {v for p in ratings for v in p if v is not None}, key=str)
    return {v: i for i, v in enumerate(seen)}


def _defined(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def alpha_nominal(ratings: Ratings, domain: Sequence[object] | None = None) -> float | None:
    """Krippendorff's alpha, nominal, over every coder (rows) and unit (columns)."""
    import krippendorff

    data = _pairable(ratings)
    if not data:
        return None
    index = _codes(data, domain)
    if len(index) < 2:
        return None  # one value in the domain: nobody disagrees, nothing to measure
    patterns = list(data)
    cols = np.array([[np.nan if v is None else index[v] for v in p] for p in patterns]).T
    matrix = np.repeat(cols, [data[p] for p in patterns], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal",
                                   value_domain=list(range(len(index))))
    return _defined(value)


def kappa(ratings: Ratings, domain: Sequence[object] | None = None) -> float | None:
    """Cohen's kappa of two coders over the units both coded."""
    from sklearn.metrics import cohen_kappa_score

    data: Ratings = {p: w for p, w in _pairable(ratings).items() if len(p) == 2}
    if not data:
        return None
    index = _codes(data, domain)
    patterns = list(data)
    y1 = [index[p[0]] for p in patterns]
    y2 = [index[p[1]] for p in patterns]
    weights = [data[p] for p in patterns]
    if len(set(y1) | set(y2)) < 2:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        value = cohen_kappa_score(y1, y2, labels=list(range(len(index))),
                                  sample_weight=weights, replace_undefined_by=np.nan)
    return _defined(value)


def ac1(ratings: Ratings, domain: Sequence[object] | None = None) -> float | None:
    """Gwet's AC1 of two coders: (pa - pe) / (1 - pe), pe = sum pi_k (1 - pi_k) / (Q - 1),
    pi_k the mean of the two coders' shares of category k, Q the number of categories."""
    data: Ratings = {p: w for p, w in _pairable(ratings).items() if len(p) == 2}
    total = sum(data.values())
    if not total:
        return None
    index = _codes(data, domain)
    q = max(len(index), 2)
    pa = sum(w for (x, y), w in data.items() if x == y) / total
    pi = {v: sum(w * ((x == v) + (y == v)) for (x, y), w in data.items()) / (2 * total)
          for v in index}
    pe = sum(p * (1 - p) for p in pi.values()) / (q - 1)
    return None if pe >= 1 else (pa - pe) / (1 - pe)
