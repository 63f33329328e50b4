"""numpy answers to ``core.tally.Support`` over the cached (respondent, node, excerpts) arrays.

The tally needs, per node, a count and a sum (and the same per group when split by an
attribute); the supporting respondents themselves only when someone drills down or
exports the 0/1 matrix. Aggregating ~700k entries here takes milliseconds where building
700k dict entries in Python took seconds; sets are built per node on demand.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class ArraySupport:
    """Per-node support from parallel arrays; entries of unknown respondents are ignored."""

    def __init__(self, rids: Any, nodes: Any, counts: Any, keys: dict[int, str]) -> None:
        top = max(max(keys, default=0), int(rids.max()) if len(rids) else 0)
        self.key_of = np.empty(top + 1, dtype=object)
        known = np.zeros(top + 1, dtype=bool)
        if keys:
            ids = np.fromiter(keys, dtype=np.int64, count=len(keys))
            self.key_of[ids] = list(keys.values())
            known[ids] = True
        keep = known[rids]
        rids, nodes, counts = rids[keep], nodes[keep], counts[keep]
        order = np.argsort(nodes, kind="stable")
        self.rids, self.nodes, self.excerpts = rids[order], nodes[order], counts[order]
        self.uniq, starts, sizes = np.unique(self.nodes, return_index=True, return_counts=True)
        sums = np.add.reduceat(self.excerpts, starts) if len(starts) else np.zeros(0, dtype=np.int64)
        self.span = {int(n): (int(s), int(s + k)) for n, s, k in zip(self.uniq, starts, sizes)}
        self.tot = {int(n): (int(k), int(x)) for n, k, x in zip(self.uniq, sizes, sums)}
        self._split_for: tuple[int, int, dict[int, tuple[dict[str, int], dict[str, int]]]] | None = None

    def totals(self, node: int) -> tuple[int, int]:
        return self.tot.get(node, (0, 0))

    def keys(self, node: int) -> frozenset[str]:
        s, e = self.span.get(node, (0, 0))
        return frozenset(self.key_of[self.rids[s:e]].tolist())

    def counts(self, node: int) -> dict[str, int]:
        s, e = self.span.get(node, (0, 0))
        return dict(zip(self.key_of[self.rids[s:e]].tolist(), self.excerpts[s:e].tolist()))

    def split(self, node: int, group_of: dict[str, str],
              groups: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
        cached = self._split_for
        if cached is None or cached[0] != id(group_of) or cached[1] != id(groups):
            cached = (id(group_of), id(groups), self._all_splits(group_of, groups))
            self._split_for = cached
        zero = {g: 0 for g in groups}
        return cached[2].get(node, (zero, dict(zero)))

    def _all_splits(self, group_of: dict[str, str],
                    groups: dict[str, int]) -> dict[int, tuple[dict[str, int], dict[str, int]]]:
        names = list(groups)
        pos = {g: i for i, g in enumerate(names)}
        gidx = np.full(len(self.key_of), -1, dtype=np.int64)
        for rid, key in enumerate(self.key_of.tolist()):
            if key is not None and group_of.get(key) in pos:
                gidx[rid] = pos[group_of[key]]
        g = gidx[self.rids]
        ok = g >= 0
        width = max(len(names), 1)
        flat = np.searchsorted(self.uniq, self.nodes[ok]) * width + g[ok]
        size = len(self.uniq) * width
        resp = np.bincount(flat, minlength=size).reshape(-1, width)
        exc = np.bincount(flat, weights=self.excerpts[ok], minlength=size).reshape(-1, width)
        out = {}
        for i, node in enumerate(self.uniq.tolist()):
            out[node] = ({g: int(resp[i, j]) for j, g in enumerate(names)},
                         {g: int(round(exc[i, j])) for j, g in enumerate(names)})
        return out
