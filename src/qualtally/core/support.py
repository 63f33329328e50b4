"""Per-node support, as the tally reads it: the ``Support`` protocol and its plain-Python answer.

Storage answers one question per node of the code tree (which respondents, with how many
counted excerpts); :mod:`qualtally.core.tally` builds every number from those answers.
This module holds the shape of that answer (:class:`Support`), the reference assembly
from ``(node, respondent id, excerpts)`` rows (:class:`RowSupport`; storage's numpy one
is ``storage/tally_support.py``) and the lazily computed key sets a drill-down or the
0/1 matrix asks for. Standard library only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from typing import Protocol, TypeVar, runtime_checkable

_S = TypeVar("_S")


class LazyKeys(AbstractSet):
    """A read-only set of respondent keys computed on first use (drill-down, 0/1 matrix).

    Behaves as a set (``in``, ``len``, iteration, ``==``, ``&``, ``|``, ``-`` give frozensets),
    so code may use it wherever it would use the frozenset of those keys.
    """

    __slots__ = ("_load", "_value")

    def __init__(self, load: Callable[[], Iterable[str]]) -> None:
        self._load: Callable[[], Iterable[str]] | None = load
        self._value: frozenset[str] | None = None

    def _get(self) -> frozenset[str]:
        if self._value is None:
            assert self._load is not None
            self._value = frozenset(self._load())
            self._load = None
        return self._value

    def __contains__(self, key: object) -> bool:
        return key in self._get()

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    @classmethod
    def _from_iterable(cls, it: Iterable[_S]) -> frozenset[_S]:
        """What ``&``, ``|`` and ``-`` build: a plain frozenset (not another lazy set)."""
        return frozenset(it)

    def __repr__(self) -> str:
        return f"LazyKeys({set(self._get())!r})"


@runtime_checkable
class Support(Protocol):
    """Per-node support, as storage answers it: totals, splits, and the respondents themselves."""

    def totals(self, node: int) -> tuple[int, int]:
        """(distinct respondents, counted excerpts summed over them)."""

    def split(
        self, node: int, group_of: dict[str, str], groups: dict[str, int]
    ) -> tuple[dict[str, int], dict[str, int]]:
        """(respondents per group, excerpts per group)."""

    def counts(self, node: int) -> dict[str, int]:
        """Respondent key -> counted excerpts."""

    def keys(self, node: int) -> frozenset[str]:
        """The supporting respondents' keys."""


class RowSupport:
    """:class:`Support` over ``(node, respondent id, excerpts)`` rows: the reference assembly."""

    def __init__(self, rows: Iterable[tuple[int, int, int]], keys: dict[int, str]) -> None:
        self.per_node: dict[int, dict[str, int]] = defaultdict(dict)
        for node, rid, n_excerpts in rows:
            if rid in keys:
                self.per_node[node][keys[rid]] = int(n_excerpts)

    def totals(self, node: int) -> tuple[int, int]:
        hits = self.per_node.get(node, {})
        return len(hits), sum(hits.values())

    def split(
        self, node: int, group_of: dict[str, str], groups: dict[str, int]
    ) -> tuple[dict[str, int], dict[str, int]]:
        hits = self.per_node.get(node, {})
        return _split(hits, group_of, groups, count=True), _split(
            hits, group_of, groups, count=False
        )

    def counts(self, node: int) -> dict[str, int]:
        return dict(self.per_node.get(node, {}))

    def keys(self, node: int) -> frozenset[str]:
        return frozenset(self.per_node.get(node, {}))


class NodeKeys(Mapping):
    """Code path -> supporting keys, computed only for the paths a denominator names."""

    def __init__(self, support: Support, ids: dict[str, int]) -> None:
        self.support, self.ids = support, ids

    def __getitem__(self, path: str) -> frozenset[str]:
        return self.support.keys(self.ids[path])

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def _split(
    hits: dict[str, int], group_of: dict[str, str], groups: dict[str, int], count: bool
) -> dict[str, int]:
    out = {g: 0 for g in groups}
    for k, v in hits.items():
        g = group_of.get(k)
        if g is not None:
            out[g] = out.get(g, 0) + (1 if count else v)
    return out
