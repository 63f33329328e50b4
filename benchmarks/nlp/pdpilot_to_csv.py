"""Convert the PDPilot MAXQDA export to the coded-excerpts CSV format qualtally reads.

Identical segment text becomes one multi-label row. With ``--question top`` each
top-level theme becomes a "question" whose codebook is its sub-codes, mimicking the
per-question codebooks of survey data (the top-level theme itself is then implied and
dropped from the row's codes).

    python benchmarks/nlp/pdpilot_to_csv.py SEGMENTS OUT.csv [--question top]

SEGMENTS is ``pdpilot-interviews/derived/pdpilot_coded_segments.csv`` of the shared data
(or the ``pdpilot-interviews`` folder itself).
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

SEGMENTS = Path("derived") / "pdpilot_coded_segments.csv"


def segments_csv(path: str | Path) -> Path:
    """The coded-segments CSV, given it or the ``pdpilot-interviews`` folder."""
    path = Path(path)
    return path / SEGMENTS if path.is_dir() else path


def convert(src: Path, out: Path, question: str | None) -> int:
    rows = list(csv.DictReader(src.open(newline="", encoding="utf-8")))
    merged: dict[tuple, list[str]] = defaultdict(list)
    for r in rows:
        text = r["segment"].strip()
        code = r["code"].strip()
        q = r["top_level_code"].strip() if question == "top" else ""
        if q:
            rest = code.split(" > ", 1)
            code = rest[1] if len(rest) > 1 else ""
        key = (r["participant"], text, q)
        if code and code not in merged[key]:
            merged[key].append(code)
        merged.setdefault(key, [])
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent", "document", "question", "text", "codes", "coder"])
        for (p, text, q), codes in merged.items():
            w.writerow([p, p, q, text, ";".join(codes), "maxqda"])
    return len(merged)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("segments", help="pdpilot_coded_segments.csv, or the pdpilot-interviews folder")
    ap.add_argument("out")
    ap.add_argument("--question", choices=["top"], default=None)
    args = ap.parse_args()
    print(convert(segments_csv(args.segments), Path(args.out), args.question), "rows")
