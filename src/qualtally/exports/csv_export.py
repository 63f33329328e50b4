"""The coded-excerpts CSV: the spreadsheet every QDA package exports, and that we import.

Written atomically (a temporary file renamed into place) so a crash never leaves half a file.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

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
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".qualtally-", suffix=".csv", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: row.get(k, "") for k in COLUMNS})
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
