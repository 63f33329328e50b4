"""Where offsets into a text land after parts of it were replaced (pseudonymised export).

A REFI-QDA selection, a turn or a coded-excerpts row is ``[start, end)`` into its
document's text; when names in that text are replaced by pseudonyms of another length,
every later offset moves. An :class:`OffsetMap` holds the replacements as
``(old_start, old_end, new_start, new_end)`` and maps a start or an end: outside any
replacement by the shift of those before it, inside one to the replacement's start (a
start) or its end (an end), so a selection still covers the same passage. Standard
library only.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable


class OffsetMap:
    def __init__(self, spans: Iterable[tuple[int, int, int, int]]) -> None:
        self.spans = sorted(spans)
        self._starts = [s[0] for s in self.spans]

    def _map(self, p: int, as_end: bool) -> int:
        i = bisect_right(self._starts, p) - 1
        if i < 0:
            return p
        old_start, old_end, new_start, new_end = self.spans[i]
        if p >= old_end:
            return p + new_end - old_end
        if p == old_start:
            return new_start
        return new_end if as_end else new_start

    def start(self, p: int) -> int:
        return self._map(p, as_end=False)

    def end(self, p: int) -> int:
        return self._map(p, as_end=True)

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.start(start), self.end(end)
