"""Plain-text, Markdown and Word transcripts: one Document each, turns from label lines.

The document text is the file's text (line ends normalised, BOM dropped); for a .docx
it is the body paragraphs joined by "\\n", with table cells' paragraphs in place (row by
row), so a transcript laid out as a table loses nothing; headers and footers are left out.
A *speaker table* (two columns, speaker and text, or three with a timestamp column: the
layout of many transcription services) becomes one ``Speaker: text`` line per row
(``[0:09] Speaker: text`` with a time), so each row is a turn of its speaker rather than
the whole table one turn; a header row (``Speaker | Text``) is left out. Turns come from
:mod:`.turns`, respondents from :mod:`.attribution`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from qualtally.core.errors import InputError
from qualtally.core.models import Document
from qualtally.importers.attribution import Attribution
from qualtally.importers.decoding import check_zip, normalise_newlines, read_bytes, read_text
from qualtally.importers.turns import parse_turns, plausible_label


def read_txt(path: Path, name: str, who: Attribution) -> Document:
    text = read_text(path, name)
    kind = "md" if path.suffix.lower() == ".md" else "txt"
    return Document(name=name, text=text, turns=parse_turns(text, who), kind=kind)


_HEADER_WORDS = frozenset("speaker name who time timestamp start text transcript utterance "
                          "content said speech".split())
_STAMP = re.compile(r"^[\[(]?((?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)[\])]?$")


def _cells(row) -> list:
    seen: set[int] = set()
    out = []
    for cell in row.cells:
        if id(cell._tc) not in seen:  # a merged cell appears once per grid column
            seen.add(id(cell._tc))
            out.append(cell)
    return out


def _speaker_rows(rows: list[list[str]]) -> list[str] | None:
    """``Speaker: text`` lines when the table is a speaker table (module doc), else None."""
    if not rows or any(len(r) != len(rows[0]) for r in rows) or len(rows[0]) not in (2, 3):
        return None
    if all(c.strip().casefold().rstrip(":") in _HEADER_WORDS for c in rows[0]):
        rows = rows[1:]
    if not rows:
        return None
    stamp_col = None
    if len(rows[0]) == 3:
        stamp_col = next((i for i in (0, 1) if all(_STAMP.match(r[i].strip()) or not r[i].strip()
                                                  for r in rows)), None)
        if stamp_col is None:
            return None
    name_col = 1 if stamp_col == 0 else 0
    names = [r[name_col].strip() for r in rows]
    if all(n.endswith(":") for n in names if n):
        return None  # ``Speaker:`` cells already open turns where they stand
    if not all("\n" not in n and plausible_label(n) for n in names if n):
        return None
    if sum(1 for n in names if n) < len(names) / 2:
        return None
    lines = []
    for r, name in zip(rows, names, strict=True):
        text = r[-1].strip()
        raw = r[stamp_col].strip() if stamp_col is not None else ""
        match = _STAMP.match(raw)
        stamp = f"[{match.group(1)}] " if match else ""
        lines.append(f"{stamp}{name}: {text}" if name else text)
    return lines


def _lines(container) -> Iterator[str]:
    """Paragraph texts in document order, table cells included row by row."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            rows = [_cells(row) for row in block.rows]
            spoken = _speaker_rows([["\n".join(_lines(cell)) for cell in row] for row in rows])
            if spoken is not None:
                yield from spoken
                continue
            for row in rows:
                for cell in row:
                    yield from _lines(cell)
        else:
            yield block.text


def docx_text(path: Path, label: str) -> str:
    """Body paragraphs of a .docx joined by newlines; InputError if it is not a valid .docx."""
    import io

    data = read_bytes(path, label)
    check_zip(data, label, ".docx")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        paragraphs = list(_lines(document))
    except InputError:
        raise
    except Exception as err:  # python-docx raises many types on a damaged package
        raise InputError(label, f"not a valid .docx ({type(err).__name__}: {err})") from None
    text = normalise_newlines("\n".join(paragraphs))
    if not text.strip():
        raise InputError(label, "empty file")
    return text


def read_docx(path: Path, name: str, who: Attribution) -> Document:
    text = docx_text(path, name)
    return Document(name=name, text=text, turns=parse_turns(text, who), kind="docx")
