"""Real texts to compare our own code with maintained libraries on (issue 21).

``nhs()``: every answer in the NHS patient-feedback CSVs (short survey answers);
``demo()``: the demo corpus's coded turns and every line of its transcript sources;
``pdpilot()``: PDPilot's coded segments and every line of its transcripts (long
think-aloud turns). A folder that is not there gives no texts (the shared data is not in
the repository).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SHARED_DATA", ROOT.parent / "shared" / "data"))
NHS = SHARED / "nhs-patient-feedback"
PDPILOT = SHARED / "pdpilot-interviews" / "derived"


def _csv_texts(path: Path, column: str) -> list[str]:
    with open(path, newline="", encoding="utf-8") as f:
        return [r[column] for r in csv.DictReader(f) if r.get(column, "").strip()]


def nhs(stems=("why", "improve", "good", "do-better", "service-111")) -> list[str]:
    return [t for s in stems if (NHS / f"{s}.csv").is_file()
            for t in _csv_texts(NHS / f"{s}.csv", "text")]


def demo() -> list[str]:
    out = _csv_texts(ROOT / "corpus" / "iom-evaluation" / "coded.csv", "text")
    for src in sorted((ROOT / "corpus" / "build" / "sources").glob("*.src")):
        out += [ln for ln in src.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return out


def pdpilot() -> list[str]:
    out = []
    seg = PDPILOT / "pdpilot_coded_segments.csv"
    if seg.is_file():
        out += _csv_texts(seg, "segment")
    for txt in sorted((PDPILOT / "transcripts_txt").glob("*.txt")):
        out += [ln for ln in txt.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return out


def long_turn() -> str:
    """The demo's longest coded turn (what a long interview turn costs)."""
    return max(_csv_texts(ROOT / "corpus" / "iom-evaluation" / "coded.csv", "text"), key=len)


def short_answer() -> str:
    """A typical short NHS answer (falls back to a fixed one without the data)."""
    texts = [t for t in nhs(("why",)) if 40 <= len(t) <= 80]
    return texts[0] if texts else "The staff were kind but the wait was far too long."
