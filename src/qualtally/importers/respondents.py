"""Respondent lists: one row per person, a ``respondent`` id column and any attributes.

Attributes (region, role, organisation type, age...) are what tallies get broken down by,
so ids must be unique and present: a duplicate or an empty id is an error naming the line.

Each attribute column gets one type, inferred from all its non-empty cells (an XLSX's
typed cells arrive as their text form, ``TRUE``/``41``/``2011-03-14T00:00:00``, and are
inferred the same way): ``integer`` and ``number`` (without a leading zero, so codes such as
``007`` stay text), ``boolean`` (yes/no/true/false, any case), ``date``
(ISO ``YYYY-MM-DD``, a midnight time allowed), else ``text``. Values are stored as the
JSON-native value of that type (int, float, bool, ISO date string, str); an empty cell
is None in a typed column and "" in a text column. The column types go into the bundle's
``attribute_types``.
"""

from __future__ import annotations

import math
import re
from datetime import date

from qualtally.core.errors import InputError
from qualtally.core.models import Respondent
from qualtally.importers.tables import Table

_INT = re.compile(r"[+-]?(?:0|[1-9]\d*)")
_NUM = re.compile(r"[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?)?")
_BOOL = {"yes": True, "true": True, "no": False, "false": False}


def _is_date(value: str) -> bool:
    m = _DATE.fullmatch(value)
    if not m:
        return False
    try:
        date.fromisoformat(m.group(1))
    except ValueError:
        return False
    return True


def infer_type(values: list[str]) -> str:
    """The type of a column from its stripped, non-empty cells."""
    if not values:
        return "text"
    if all(_INT.fullmatch(v) for v in values):
        return "integer"
    if all(_NUM.fullmatch(v) and math.isfinite(float(v)) for v in values):
        return "number"
    if all(v.casefold() in _BOOL for v in values):
        return "boolean"
    if all(_is_date(v) for v in values):
        return "date"
    return "text"


def convert(value: str, kind: str) -> object:
    """A stripped cell as the JSON-native value of its column's type."""
    if kind == "text":
        return value
    if not value:
        return None
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return _BOOL[value.casefold()]
    return _DATE.fullmatch(value).group(1)  # type: ignore[union-attr]


def read_respondents(table: Table) -> tuple[list[Respondent], dict[str, str]]:
    """The respondents of a table and the inferred type of each attribute column."""
    table.require("respondent")
    out: list[tuple[str, dict[str, str]]] = []
    first_line: dict[str, int] = {}
    for line, row in table.rows:
        key = row["respondent"].strip()
        if not key:
            raise InputError(table.name, f"line {line}: empty respondent id")
        if key in first_line:
            raise InputError(table.name, f"duplicate respondent id {key!r} on line {line} "
                             f"(first on line {first_line[key]})")
        first_line[key] = line
        out.append((key, {col: value.strip() for col, value in row.items() if col != "respondent"}))
    columns = [c for c in table.header if c != "respondent"]
    types = {
        col: infer_type([v for _, cells in out if (v := cells.get(col, ""))]) for col in columns
    }
    respondents = [Respondent(key=key, attributes={table.spelling[col]: convert(v, types[col])
                                                   for col, v in cells.items()})
                   for key, cells in out]
    return respondents, {table.spelling[col]: kind for col, kind in types.items()}
