"""Plain-text, Markdown and Word transcripts: one Document each, turns from label lines.

The document text is the file's text (line ends normalised, BOM dropped); for a .docx
it is the body paragraphs joined by "\\n", with table cells' paragraphs in place (row by
row), so a transcript laid out as a table loses nothing; headers and footers are left out.
Turns come from :mod:`.turns`, respondents from :mod:`.attribution`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from qualtally.core.errors import InputError
from qualtally.core.models import Document
from qualtally.importers.attribution import Attribution
from qualtally.importers.decoding import check_zip, normalise_newlines, read_bytes, read_text
from qualtally.importers.turns import parse_turns


def read_txt(path: Path, name: str, who: Attribution) -> Document:
    text = read_text(path, name)
    kind = "md" if path.suffix.lower() == ".md" else "txt"
    return Document(name=name, text=text, turns=parse_turns(text, who), kind=kind)


def _lines(container) -> Iterator[str]:
    """Paragraph texts in document order, table cells included row by row."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) not in seen:  # a merged cell appears once per grid column
                        seen.add(id(cell._tc))
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
