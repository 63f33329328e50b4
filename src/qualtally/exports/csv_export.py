"""The coded-excerpts CSV: the spreadsheet every QDA package exports, and that we import.

Written atomically (a temporary file renamed into place) so a crash never leaves half a file,
with the user's usual permissions (``report_common.write_atomically``).
"""

from __future__ import annotations

import csv
from pathlib import Path

from qualtally.exports.report_common import write_atomically

COLUMNS = [
    "respondent",
    "document",
    "question",
    "coder",
    "start",
    "end",
    "text",
    "codes",
    "origin",
    "created",
    "memo",
]


def write_coded_csv(rows: list[dict[str, object]], out: Path) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: row.get(k, "") for k in COLUMNS})

    write_atomically(out, write)
