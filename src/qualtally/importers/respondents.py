"""Respondent lists: one row per person, a ``respondent`` id column and any attributes.

Attributes (region, role, organisation type...) are what tallies get broken down by, so
ids must be unique and present: a duplicate or an empty id is an error naming the line.
"""

from __future__ import annotations

from qualtally.core.errors import InputError
from qualtally.core.models import Respondent
from qualtally.importers.tables import Table


def read_respondents(table: Table) -> list[Respondent]:
    table.require("respondent")
    out: list[Respondent] = []
    first_line: dict[str, int] = {}
    for line, row in table.rows:
        key = row["respondent"].strip()
        if not key:
            raise InputError(table.name, f"line {line}: empty respondent id")
        if key in first_line:
            raise InputError(table.name, f"duplicate respondent id {key!r} on line {line} "
                             f"(first on line {first_line[key]})")
        first_line[key] = line
        attributes = {table.spelling[col]: value.strip() for col, value in row.items()
                      if col != "respondent"}
        out.append(Respondent(key=key, attributes=attributes))
    return out
