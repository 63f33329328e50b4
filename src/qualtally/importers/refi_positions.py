"""Which characters a REFI-QDA selection's ``startPosition``/``endPosition`` count.

The standard says Unicode code points of the plain-text file, the first being 0. Real
files differ: NVivo counts UTF-16 code units (an emoji is two) and CRLF as two; other tools
count a line end as one character whatever the file holds, and some count a byte-order
mark. A file does not say which, so each convention below is tried on all of a file's
selections and the one that fits best is used for the whole file (one program wrote it):

* a selection fits when it lies inside the text, and scores for each of its ends that
  falls on a word boundary (people select words, not halves of them; a wrong convention
  shifts ends by a character per line or emoji and cuts words);
* ties go to the earlier convention in :data:`CONVENTIONS` (the standard's first).

Positions are then mapped onto the text qualtally keeps (byte-order mark dropped, every
CRLF and CR made LF), so ``text[start:end]`` is the selected text. When the plain text
came inline (``PlainTextContent``), XML parsing has already made its line ends LF, so
"CRLF counted as two" is tried by assuming every line ended in CRLF, as written on Windows.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from qualtally.importers.decoding import normalise_newlines

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Convention:
    label: str
    utf16: bool
    crlf_two: bool
    bom: bool = False


CONVENTIONS = (
    Convention("Unicode code points, CRLF as two (the standard)", False, True),
    Convention("Unicode code points, a line end as one", False, False),
    Convention("UTF-16 code units, CRLF as two (NVivo)", True, True),
    Convention("UTF-16 code units, a line end as one", True, False),
    Convention("Unicode code points with the byte-order mark, CRLF as two", False, True, True),
    Convention("Unicode code points with the byte-order mark, a line end as one", False, False,
               True),
    Convention("UTF-16 code units with the byte-order mark, CRLF as two", True, True, True),
    Convention("UTF-16 code units with the byte-order mark, a line end as one", True, False,
               True),
)


class _Units:
    """Positions in one text counted in code points or UTF-16 units."""

    def __init__(self, text: str) -> None:
        astral = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 index just after the k-th astral character: a[k] + k + 2
        self.after = [a + k + 2 for k, a in enumerate(astral)]
        self.middles = {a + k + 1 for k, a in enumerate(astral)}
        self.length = len(text)

    def code_point(self, pos: int, utf16: bool) -> int | None:
        if utf16:
            if pos in self.middles:
                return None  # inside a surrogate pair
            pos -= bisect_right(self.after, pos)
        return pos if 0 <= pos <= self.length else None


class SourceText:
    """A source's plain text as read (``raw``, BOM dropped) and as kept (``text``, LF)."""

    def __init__(self, raw: str, had_bom: bool = False, inline: bool = False) -> None:
        self.had_bom = had_bom
        self.text = normalise_newlines(raw)
        if inline and "\r" not in raw:
            raw = raw.replace("\n", "\r\n")  # line ends as the writing program may have had them
        self.raw = raw
        self.crlf = [m.start() for m in re.finditer("\r\n", raw)]
        self._units = {True: _Units(raw), False: _Units(self.text)}

    def offset(self, pos: int, conv: Convention) -> int | None:
        """The index in ``text`` of position ``pos`` counted by ``conv``; None if outside."""
        if conv.bom:
            if not self.had_bom:
                return None
            pos -= 1
        r = self._units[conv.crlf_two].code_point(pos, conv.utf16)
        if r is None:
            return None
        if conv.crlf_two:
            r -= bisect_right(self.crlf, r - 1)  # the CR of each CRLF before r is dropped
        return r

    def span(self, start: int, end: int, conv: Convention) -> tuple[int, int] | None:
        s, e = self.offset(start, conv), self.offset(end, conv)
        if s is None or e is None or e < s:
            return None
        return s, e


def _boundary(text: str, i: int) -> bool:
    return i <= 0 or i >= len(text) or not (text[i - 1].isalnum() and text[i].isalnum())


def score(sources: list[tuple[SourceText, list[tuple[int, int]]]], conv: Convention
          ) -> tuple[int, int]:
    """(selections that fit, ends on a word boundary) under ``conv``."""
    fit = ends = 0
    for src, spans in sources:
        if conv.bom and not src.had_bom:
            conv_here = Convention(conv.label, conv.utf16, conv.crlf_two)
        else:
            conv_here = conv
        for start, end in spans:
            got = src.span(start, end, conv_here)
            if got is None:
                continue
            fit += 1
            ends += _boundary(src.text, got[0]) + _boundary(src.text, got[1])
    return fit, ends


def choose(sources: list[tuple[SourceText, list[tuple[int, int]]]]) -> Convention:
    """The convention that fits the most selections, then the most word boundaries."""
    best, best_score = CONVENTIONS[0], (-1, -1)
    for conv in CONVENTIONS:
        if conv.bom and not any(src.had_bom for src, _ in sources):
            continue
        got = score(sources, conv)
        if got > best_score:
            best, best_score = conv, got
    return best


def for_source(conv: Convention, src: SourceText) -> Convention:
    """``conv`` as it applies to one source (a BOM is counted only where there is one)."""
    if conv.bom and not src.had_bom:
        return Convention(conv.label, conv.utf16, conv.crlf_two)
    return conv
