"""Where each row of a coded-excerpts CSV lands: which document, which offsets.

A coded-excerpts CSV names a document (optional) and quotes the excerpt's text. Rows
of different coders with the same document and the same text (or the same start/end)
are the same excerpt. When a row's document is not in the project, its texts are
gathered into a document of their own (one per document name, or per respondent when
the CSV has no document column) so that every excerpt is still a slice of a document.
Pure rules, standard library only.
"""

from __future__ import annotations

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


def place_rows(
    rows: list[CodedRow], known: dict[str, str], source: str
) -> tuple[list[Document], list[Placement]]:
    """Place every row; return the synthetic documents to create and the placements.

    ``known`` maps document names already in the project (or in the same import) to
    their text.
    """
    placements: list[Placement] = []
    pending: dict[str, list[CodedRow]] = {}
    for row in rows:
        target = resolve_document(row.document, known) if row.document else None
        if target is not None:
            start, end = _locate(row, known[target], source, target)
            placements.append(Placement(row, target, start, end))
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
            placements.append(Placement(row, name, start, end))
        new_docs.append(Document(name=name, text="".join(parts), turns=tuple(turns), kind="csv"))
    return new_docs, placements
