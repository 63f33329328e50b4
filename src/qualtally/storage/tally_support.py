"""numpy answers to ``core.support.Support`` over the cached (respondent, node, excerpts) arrays.

The tally needs, per node, a count and a sum (and the same per group when split by an
attribute); the supporting respondents themselves only when someone drills down or
exports the 0/1 matrix. Aggregating ~700k entries here takes milliseconds, where building
as many dict entries in Python would take seconds; so sets are built per node, on demand.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy.engine import Connection

from qualtally.core.tally import finding_node
from qualtally.storage import tally_cache


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
        if not keep.all():
            rids, nodes, counts = rids[keep], nodes[keep], counts[keep]
        self.rids, self.nodes, self.excerpts = rids, nodes, counts
        self.low = int(nodes.min()) if len(nodes) else 0
        # nodes are small ints (code ids, minus finding numbers): no sort needed
        slot = nodes - self.low
        self.slot = slot
        self.size = int(slot.max()) + 1 if len(slot) else 0
        self.n = np.bincount(slot, minlength=self.size)
        self.sum = np.bincount(slot, weights=counts, minlength=self.size)
        self._split_for: tuple[int, int, Any, Any, list[str]] | None = None

    def _slot(self, node: int) -> int | None:
        s = node - self.low
        return s if 0 <= s < self.size else None

    def totals(self, node: int) -> tuple[int, int]:
        s = self._slot(node)
        return (0, 0) if s is None else (int(self.n[s]), int(round(self.sum[s])))

    def _mask(self, node: int) -> Any:
        return self.nodes == node

    def keys(self, node: int) -> frozenset[str]:
        return frozenset(self.key_of[self.rids[self._mask(node)]].tolist())

    def counts(self, node: int) -> dict[str, int]:
        m = self._mask(node)
        return dict(zip(self.key_of[self.rids[m]].tolist(), self.excerpts[m].tolist()))

    def split(self, node: int, group_of: dict[str, str],
              groups: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
        cached = self._split_for
        if cached is None or cached[0] != id(group_of) or cached[1] != id(groups):
            cached = (id(group_of), id(groups), *self._all_splits(group_of, groups), list(groups))
            self._split_for = cached
        _, _, resp, exc, names = cached
        s = self._slot(node)
        if s is None:
            return {g: 0 for g in names}, {g: 0 for g in names}
        return ({g: int(v) for g, v in zip(names, resp[s].tolist())},
                {g: int(round(v)) for g, v in zip(names, exc[s].tolist())})

    def _all_splits(self, group_of: dict[str, str], groups: dict[str, int]) -> tuple[Any, Any]:
        pos = {g: i for i, g in enumerate(groups)}
        width = max(len(pos), 1)
        gidx = np.fromiter((pos.get(group_of.get(k), -1) if k is not None else -1  # type: ignore[arg-type]
                            for k in self.key_of.tolist()), dtype=np.int64, count=len(self.key_of))
        g = gidx[self.rids]
        ok = g >= 0
        flat = self.slot[ok] * width + g[ok]
        size = self.size * width
        resp = np.bincount(flat, minlength=size).reshape(-1, width)
        exc = np.bincount(flat, weights=self.excerpts[ok], minlength=size).reshape(-1, width)
        return resp, exc


def cached(conn: Connection, coder: str | None, keys: dict[int, str],
           n_findings: int) -> ArraySupport:
    """The tally cache's support arrays, findings renumbered from -id to ``finding_node(i)``.

    The cache stores a finding's node as minus its row id; the tally numbers findings by
    their position (``core.tally.finding_node``). A finding no longer listed maps to 0,
    which is never a code id.
    """
    rids, nodes, counts = tally_cache.load(conn, coder)
    ids = tally_cache.finding_ids(conn)[:n_findings]
    if ids and len(nodes):
        lut_size = max(ids) + 1
        lut = np.zeros(lut_size, dtype=np.int64)
        lut[np.asarray(ids, dtype=np.int64)] = [finding_node(i) for i in range(len(ids))]
        neg = nodes < 0
        fid = -nodes[neg]
        mapped = np.where(fid < lut_size, lut[np.minimum(fid, lut_size - 1)], 0)
        nodes = nodes.copy()
        nodes[neg] = mapped
    return ArraySupport(rids, nodes, counts, keys)
