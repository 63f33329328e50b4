"""Coded-excerpts spreadsheets: the table every QDA package exports, one row per coding.

Required columns ``respondent``, ``text``, ``codes`` (code paths separated by ";", levels
by " > "; empty means the coder looked and applied nothing, unless the row carries a memo);
optional ``coder`` (default "imported"), ``document``, ``question``, ``start``, ``end`` and
``memo`` (the coder's memo on the excerpt). Placing rows in documents
is :mod:`qualtally.core.placement`'s job; here we only read and check them.
"""

from __future__ import annotations

from qualtally.core.errors import InputError
from qualtally.core.models import CodedRow, join_path, split_path
from qualtally.importers.tables import Table


def _offset(table: Table, line: int, row: dict[str, str], col: str) -> int | None:
    value = row.get(col, "").strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise InputError(
            table.name, f"line {line}: {col} must be a whole number, not {value!r}"
        ) from None
    if number < 0:
        raise InputError(table.name, f"line {line}: {col} must not be negative")
    return number


def code_paths(cell: str) -> tuple[str, ...]:
    """``"A > B; C"`` -> ``("A > B", "C")``; duplicates dropped, order kept."""
    paths: list[str] = []
    for part in cell.split(";"):
        levels = split_path(part)
        if levels and join_path(levels) not in paths:
            paths.append(join_path(levels))
    return tuple(paths)


def read_coded(table: Table) -> list[CodedRow]:
    table.require("respondent", "text", "codes")
    rows: list[CodedRow] = []
    for line, row in table.rows:
        row = {k: (v if k == "text" else v.strip()) for k, v in row.items()}
        if not row["text"].strip():
            raise InputError(table.name, f"line {line}: empty text")
        start, end = _offset(table, line, row, "start"), _offset(table, line, row, "end")
        if start is not None and end is not None and end < start:
            raise InputError(table.name, f"line {line}: end ({end}) is before start ({start})")
        codes, origins, created = _codes_with_provenance(table, line, row)
        rows.append(CodedRow(
            respondent=row["respondent"], text=row["text"], codes=codes,
            coder=row.get("coder") or "imported", document=row.get("document") or None,
            question=row.get("question") or None, start=start, end=end, line=line,
            origins=origins, created=created, memo=row.get("memo") or "",
        ))
    return rows


def _codes_with_provenance(table: Table, line: int, row: dict[str, str]):
    """Codes with their optional ``origin`` and ``created`` cells (";"-separated, one per code).

    qualtally's own export writes them so that an accepted suggestion stays one after a
    round trip; other packages' exports have neither column.
    """
    parts = [join_path(split_path(p)) for p in row["codes"].split(";") if split_path(p)]
    extra = {}
    for col in ("origin", "created"):
        cell = (row.get(col) or "").strip()
        values = [v.strip() for v in cell.split(";")] if cell else []
        if values and len(values) != len(parts):
            raise InputError(table.name, f"line {line}: {col} must give one value per code "
                                         f"({len(values)} for {len(parts)} codes)")
        extra[col] = values
    seen: dict[str, int] = {}
    for i, path in enumerate(parts):
        seen.setdefault(path, i)
    keep = sorted(seen.values())
    pick = lambda values: tuple(values[i] for i in keep) if values else ()  # noqa: E731
    return tuple(parts[i] for i in keep), pick(extra["origin"]), pick(extra["created"])
