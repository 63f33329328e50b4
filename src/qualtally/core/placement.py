"""Where each row of a coded-excerpts CSV lands: which document, which offsets.

A coded-excerpts CSV names a document (optional) and quotes the excerpt's text. Rows
of different coders with the same document and the same text (or the same start/end)
are the same excerpt. When a row's document is not in the project, its texts are
gathered into a document of their own (one per document name, or per respondent when
the CSV has no document column) so that every excerpt is still a slice of a document.
A row without a document whose text is found in exactly one respondent turn of the
project's transcripts (that respondent's, when the row names one) is placed in that turn
instead, so re-importing an export without its document column does not duplicate excerpts.

A row placed in a transcript is checked against who spoke there, because a row naming
the wrong person would add a respondent to a count: the speaker turns its text touches
decide. Text inside one respondent's turn(s) is that respondent's: the row must name
them, or name nobody and take theirs. Text touching two respondents' turns, or a row
naming a respondent for text in no respondent's turn (interviewer turns, a header), is
an error naming the CSV, the line, the document and both respondents. A row naming
nobody for such text stays nobody's. A row that names nobody and allows it
(``across_turns``: a REFI-QDA selection, whose file never says who spoke) may touch
several respondents' turns; it is kept and counts for nobody. Pure rules, standard
library only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from qualtally.core.errors import InputError
from qualtally.core.models import CodedRow, Document, Turn

GAP = "\n\n"


@dataclass(frozen=True)
class Placement:
    row: CodedRow
    document: str
    start: int
    end: int
    respondent: str | None = None
    """Whose words these are: the row's respondent, checked against the turns (or None)."""


def _doc_aliases(name: str) -> list[str]:
    p = PurePosixPath(name.replace("\\", "/"))
    return [name, p.name, p.stem]


def resolve_document(name: str, known: dict[str, str]) -> str | None:
    """Find a project document for a CSV's ``document`` cell: full name, file name or stem."""
    if name in known:
        return name
    index: dict[str, str] = {}
    for doc in known:
        for alias in _doc_aliases(doc):
            index.setdefault(alias, doc)
    for alias in _doc_aliases(name):
        if alias in index:
            return index[alias]
    return None


def _locate(row: CodedRow, text: str, source: str, doc: str) -> tuple[int, int]:
    if row.start is not None and row.end is not None:
        if 0 <= row.start <= row.end <= len(text) and text[row.start : row.end] == row.text:
            return row.start, row.end
    pos = text.find(row.text)
    if pos < 0:
        stripped = row.text.strip()
        pos = text.find(stripped) if stripped else -1
        if pos < 0:
            raise InputError(source, f"line {row.line}: text not found in document {doc!r}")
        return pos, pos + len(stripped)
    return pos, pos + len(row.text)


def speaker_of(row: CodedRow, start: int, end: int, turns: Sequence[Turn], source: str,
               doc: str) -> str | None:
    """The respondent of ``[start, end)`` in ``doc`` given its turns; InputError on a clash."""
    named = row.respondent or None
    touched = sorted({t.respondent_key for t in turns if t.respondent_key
                      and t.start < end and start < t.end})
    if not turns:
        return named
    where = f"line {row.line}: the text in document {doc!r}"
    if len(touched) > 1:
        if row.across_turns and named is None:
            return None
        raise InputError(source, f"{where} spans turns of several respondents "
                         f"({', '.join(map(repr, touched))}); the row names {named!r}")
    if not touched:
        if named:
            raise InputError(source, f"{where} is in no respondent's turn (interviewer or "
                             f"header text), but the row names respondent {named!r}")
        return None
    if named is not None and named != touched[0]:
        raise InputError(source, f"{where} is respondent {touched[0]!r}'s turn, but the row "
                         f"names respondent {named!r}")
    return touched[0]


def find_in_turns(row: CodedRow, known: dict[str, str],
                  turns: dict[str, Sequence[Turn]]) -> tuple[str, int, int] | None:
    """The one place where a row without a document lies inside a respondent's turn (that
    respondent's when the row names one): ``(document, start, end)``, or None when the text is
    in no such turn or in several (then the row keeps a document of its own)."""
    text = row.text.strip()
    if not text:
        return None
    hits: list[tuple[str, int, int]] = []
    for doc, body in known.items():
        pos = body.find(text)
        while pos >= 0:
            end = pos + len(text)
            inside = [t for t in turns.get(doc, ()) if t.respondent_key
                      and t.start <= pos and end <= t.end]
            if inside and (not row.respondent or inside[0].respondent_key == row.respondent):
                hits.append((doc, pos, end))
            pos = body.find(text, pos + 1)
    return hits[0] if len(hits) == 1 else None


def place_rows(
    rows: list[CodedRow], known: dict[str, str], source: str,
    turns: dict[str, Sequence[Turn]] | None = None,
) -> tuple[list[Document], list[Placement]]:
    """Place every row; return the synthetic documents to create and the placements.

    ``known`` maps document names already in the project (or in the same import) to
    their text; ``turns`` maps them to their speaker turns, against which each row's
    respondent is checked (see the module docstring).
    """
    placements: list[Placement] = []
    pending: dict[str, list[CodedRow]] = {}
    for row in rows:
        target = resolve_document(row.document, known) if row.document else None
        found = None if row.document else find_in_turns(row, known, turns or {})
        if found is not None:
            doc, start, end = found
            who = speaker_of(row, start, end, (turns or {}).get(doc, ()), source, doc)
            placements.append(Placement(row, doc, start, end, who))
        elif target is not None:
            start, end = _locate(row, known[target], source, target)
            who = speaker_of(row, start, end, (turns or {}).get(target, ()), source, target)
            placements.append(Placement(row, target, start, end, who))
        else:
            stem = PurePosixPath(source.replace("\\", "/")).stem
            name = row.document or f"{stem}/{row.respondent}"
            pending.setdefault(name, []).append(row)
    new_docs: list[Document] = []
    for name, doc_rows in pending.items():
        parts: list[str] = []
        turns: list[Turn] = []
        seen: dict[str, tuple[int, int]] = {}
        offset = 0
        for row in doc_rows:
            if row.text in seen:
                start, end = seen[row.text]
            else:
                if parts:
                    parts.append(GAP)
                    offset += len(GAP)
                start, end = offset, offset + len(row.text)
                parts.append(row.text)
                offset = end
                seen[row.text] = (start, end)
                turns.append(Turn(start, end, row.respondent, row.respondent or None))
            placements.append(Placement(row, name, start, end, row.respondent or None))
        new_docs.append(Document(name=name, text="".join(parts), turns=tuple(turns), kind="csv"))
    return new_docs, placements
