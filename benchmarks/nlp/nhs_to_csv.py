"""Join the NHS patient-feedback question files into one coded-excerpts CSV.

The shared data's ``nhs-patient-feedback`` folder (see its SOURCE.md; MIT, NHS England)
holds one coded-excerpts CSV per question (``why``, ``improve``, ``do-better``, ``good``,
``service-111``: ``respondent,question,text,codes,coder``). Joined, they are evaluated
per question (``variants.py nhs=OUT.csv:question``), one codebook per question. Nothing of
the data is copied into the repository.

    python benchmarks/nlp/nhs_to_csv.py NHS_DIR OUT.csv
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

FILES = ("why.csv", "improve.csv", "do-better.csv", "good.csv", "service-111.csv")
COLUMNS = ["respondent", "question", "text", "codes", "coder"]


def convert(folder: Path, out: Path) -> int:
    n = 0
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, COLUMNS)
        w.writeheader()
        for name in FILES:
            with (folder / name).open(newline="", encoding="utf-8") as src:
                for row in csv.DictReader(src):
                    w.writerow({k: row[k] for k in COLUMNS})
                    n += 1
    return n


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="the nhs-patient-feedback folder of the shared data")
    ap.add_argument("out", type=Path)
    args = ap.parse_args()
    print(convert(args.folder, args.out), "rows")
