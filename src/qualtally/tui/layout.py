"""Offset-preserving word wrap of a transcript into display rows.

The transcript view renders only the rows on screen (Textual's Line API), so it needs
the whole document laid out as rows first, each row remembering which slice of the
document text it shows. Keeping the offsets exact is what lets the view highlight an
excerpt, place code chips after it, and turn a mouse selection back into a span of the
document. Pure functions over core objects; no Textual here.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from qualtally.core.models import Document

TEXT, SPEAKER, BLANK, CHIPS = "text", "speaker", "blank", "chips"
_WORD = re.compile(r"\S+\s*")
_CONTROL = re.compile(r"[\t\r\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Row:
    """One display row. ``TEXT`` rows show ``document.text[start:end]``."""

    kind: str
    start: int = 0
    end: int = 0
    text: str = ""
    respondent: bool = False
    excerpt_ids: tuple[int, ...] = ()
    """For ``CHIPS`` rows: the excerpts whose codes this row shows."""


_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d+[.)])\s")


def _next_break(text: str, pos: int, end: int, soft: bool) -> int:
    """Offset of the next newline that ends a row, or -1.

    With ``soft`` (Markdown notes), a single newline inside a paragraph is a soft break
    and is shown as a space; a blank line or a list item still breaks the row. The
    newline stays in the document, so offsets do not move.
    """
    nl = text.find("\n", pos, end)
    while soft and nl >= 0:
        before = text[nl - 1] if nl > 0 else "\n"
        after = text[nl + 1] if nl + 1 < len(text) else "\n"
        if before == "\n" or after == "\n" or _LIST_ITEM.match(text, nl + 1):
            return nl
        nl = text.find("\n", nl + 1, end)
    return nl


def wrap_span(
    text: str, start: int, end: int, width: int, soft: bool = False
) -> list[tuple[int, int]]:
    """Greedy word wrap of ``text[start:end]`` into ``(start, end)`` pieces of <= width chars.

    Newlines end a row; a word longer than the width is cut. Trailing spaces stay on the
    row they follow, so every character belongs to exactly one piece.
    """
    width = max(8, width)
    out: list[tuple[int, int]] = []
    pos = start
    while pos <= end:
        nl = _next_break(text, pos, end, soft)
        para_end = end if nl < 0 else nl
        row_start = pos
        for m in _WORD.finditer(text, pos, para_end):
            w_start, w_end = m.span()
            word_len = len(m.group().rstrip())
            if w_start + word_len - row_start > width and w_start > row_start:
                out.append((row_start, w_start))
                row_start = w_start
            while w_start + word_len - row_start > width:
                out.append((row_start, row_start + width))
                row_start += width
        if para_end > row_start or nl >= 0 or not out:
            out.append((row_start, para_end))
        if nl < 0:
            break
        pos = nl + 1
    return out


def _blocks(doc: Document) -> list[tuple[int, int, str | None, bool]]:
    """(start, end, speaker, is_respondent) blocks covering the text, in order.

    A turn's block starts at the beginning of its line, so a label written in the text
    ("R01: ...") is shown as written; ``speaker`` is set only when the text has no label.
    """
    text = doc.text
    blocks: list[tuple[int, int, str | None, bool]] = []
    pos = 0
    for turn in sorted(doc.turns, key=lambda t: t.start):
        line_start = max(pos, text.rfind("\n", 0, turn.start) + 1)
        if line_start > pos and text[pos:line_start].strip():
            blocks.append((pos, line_start, None, False))
        label = text[line_start:turn.start].strip()
        blocks.append((line_start, max(turn.end, line_start), None if label else turn.speaker,
                       bool(turn.respondent_key)))
        pos = max(pos, turn.end)
    if pos < len(text) and text[pos:].strip():
        blocks.append((pos, len(text), None, False))
    return blocks


def layout(doc: Document, width: int) -> list[Row]:
    """Rows for a whole document: a speaker row, its wrapped text, a blank line, per turn."""
    text = doc.text
    rows: list[Row] = []
    for start, end, speaker, is_resp in _blocks(doc):
        s, e = start, end
        while s < e and text[s] in " \n":
            s += 1
        while e > s and text[e - 1] in " \n":
            e -= 1
        if speaker:
            rows.append(Row(SPEAKER, start, start, speaker, is_resp))
        for a, b in wrap_span(text, s, e, width, soft=doc.kind == "md"):
            rows.append(Row(TEXT, a, b, _CONTROL.sub(" ", text[a:b]).replace("\n", " "), is_resp))
        rows.append(Row(BLANK, end, end))
    return rows


def with_chips(rows: list[Row], chips: dict[int, int]) -> list[Row]:
    """Insert a ``CHIPS`` row after the last text row of each excerpt that has codes.

    ``chips`` maps excerpt id -> excerpt end offset. Several excerpts ending in the same
    row share one chips row.
    """
    if not chips:
        return rows
    text_idx = [i for i, r in enumerate(rows) if r.kind == TEXT]
    if not text_idx:
        return rows
    ends = [rows[i].end for i in text_idx]
    after: dict[int, list[int]] = {}
    for excerpt_id, end in chips.items():
        k = min(len(text_idx) - 1, bisect_left(ends, end))
        if k > 0 and rows[text_idx[k]].start >= end:
            k -= 1  # the excerpt ends in trimmed whitespace before this row
        after.setdefault(text_idx[k], []).append(excerpt_id)
    out: list[Row] = []
    for i, row in enumerate(rows):
        out.append(row)
        if i in after:
            out.append(Row(CHIPS, row.end, row.end, excerpt_ids=tuple(sorted(after[i]))))
    return out


def row_starts(rows: list[Row]) -> list[int]:
    return [r.start for r in rows]
