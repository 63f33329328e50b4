"""Spreadsheets (CSV or XLSX) as a header and numbered rows, whatever the role.

Respondents, codebooks and coded excerpts all arrive as spreadsheets. This module reads
either kind into a :class:`Table` whose header names are matched case-insensitively and
whose rows remember the line (CSV) or row number (XLSX) they came from, so every later
error can say where to look. A CSV's delimiter is given by Excel's ``sep=;`` first line,
or else is the most frequent of ``,`` ``;`` and tab in its header line (European Excel
writes ``;``); decoding is shared with transcripts. A table with a header and no data
rows is an error, whatever its role: "imported 0" would hide a wrong or truncated file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from qualtally.core.errors import InputError
from qualtally.importers.decoding import check_zip, read_bytes, read_text


@dataclass
class Table:
    name: str
    header: list[str]
    """Lower-cased column names: every lookup is case-insensitive."""
    spelling: dict[str, str] = field(default_factory=dict)
    """Lower-cased column -> the column name as written (for attribute names)."""
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    """``(line, {lower-cased column: value as written})`` for each non-blank row."""

    @property
    def columns(self) -> set[str]:
        return set(self.header)

    def require(self, *columns: str) -> None:
        for col in columns:
            if col not in self.columns:
                raise InputError(self.name, f"missing required column {col!r}")


def _make(name: str, records: list[tuple[int, list[str]]]) -> Table:
    if not records:
        raise InputError(name, "empty file")
    _, raw_header = records[0]
    written = [" ".join(h.lstrip("\ufeff").split()) for h in raw_header]
    header = [h.casefold() for h in written]
    seen: set[str] = set()
    for h in header:
        if h and h in seen:
            raise InputError(name, f"column {h!r} appears twice in the header")
        seen.add(h)
    table = Table(name, [h for h in header if h], {h: w for h, w in zip(header, written) if h})
    for line, values in records[1:]:
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header) and any(v.strip() for v in values[len(header):]):
            raise InputError(name, f"line {line}: more cells than header columns")
        row = {h: (values[i] if i < len(values) else "") for i, h in enumerate(header) if h}
        table.rows.append((line, row))
    if not table.rows:  # importing nothing is not a success: the wrong file, or a lost export
        raise InputError(name, "no data rows (only a header)")
    return table


def read_csv(path: Path, name: str) -> Table:
    text = read_text(path, name)
    first, _, rest = text.partition("\n")
    line = 1
    if first.lower().startswith("sep=") and len(first.strip()) == 5:  # Excel's "sep=;" hint
        delimiter, text, line = first.strip()[4], rest, 2
    else:
        delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    offset = line - 1
    try:
        for values in reader:
            records.append((line, values))
            line = offset + reader.line_num + 1
    except csv.Error as err:
        raise InputError(name, f"line {line}: not valid CSV ({err})") from None
    return _make(name, records)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path, name: str) -> Table:
    """The first worksheet of an .xlsx workbook (openpyxl, read-only, values not formulas)."""
    import openpyxl

    data = read_bytes(path, name)
    check_zip(data, name, ".xlsx")
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            records = [(i, [_cell(v) for v in row])
                       for i, row in enumerate(ws.iter_rows(values_only=True), start=1)]
        finally:
            wb.close()
    except Exception as err:  # openpyxl raises many types on a damaged workbook
        raise InputError(name, f"not a valid .xlsx ({type(err).__name__}: {err})") from None
    records = [(i, [str(v).replace("\r\n", "\n").replace("\r", "\n") for v in values])
               for i, values in records]
    while records and not any(v.strip() for v in records[0][1]):
        records.pop(0)
    return _make(name, records)


def read_table(path: Path, name: str) -> Table:
    return read_xlsx(path, name) if path.suffix.lower() == ".xlsx" else read_csv(path, name)
