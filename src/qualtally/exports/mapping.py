"""The key from pseudonyms back to respondents, written only where the user asks.

A pseudonymised export is meant to leave the team; this file is what must not. It is a
two-column CSV (``pseudonym``, ``respondent``: the project's respondent key), written
atomically like every export.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from qualtally.exports.report_common import write_atomically


def write_mapping(mapping: dict[str, str], out: Path) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["pseudonym", "respondent"])
    for key, pseudonym in sorted(mapping.items(), key=lambda kv: kv[1]):
        writer.writerow([pseudonym, key])
    write_atomically(out, lambda tmp: tmp.write_text(buf.getvalue(), encoding="utf-8"))
    return out
