"""A small project as a new user brings it: three transcripts (.txt, .docx, .vtt) plus an
Otter export and an ``R:``/``I:`` file, a respondents list, a codebook and a findings report.

A plain module (not conftest.py) so ``from speaker_files import ...`` works from any test
folder. Every label case of issue 19 is in here: a typo (``Ana Jones``), a named
interviewer (``Sarah Lee``), short forms (``Anna``, ``Ms. Jones``), ``R:`` in
``int03-tran.txt`` (listed as P03's transcript), an Otter layout, a .docx speaker table.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

RESPONDENTS = ("respondent,name,region,transcript\n"
               "P01,Anna Jones,north,anna.txt\n"
               "P02,Ben Smith,south,\n"
               "P03,Carla Diaz,north,int03-tran.txt\n")
ANNA = ("Sarah Lee: How did the training go?\n"
        "Ana Jones: It was useful [inaudible] mostly.\n"
        "Sarah Lee: What got in the way?\n"
        "Anna: Transport was a barrier.\n"
        "Ms. Jones: And childcare, honestly.\n")
INT03 = ("I: Tell me about access.\n"
         "R: Distance was the main barrier.\n"
         "I: Anything else?\n"
         "R: Cost too.\n")
OTTER = ("Sarah Lee  0:03\nWhat barriers did you face?\n\n"
         "Ben Smith  0:09\nThe cost of travel.\n\n"
         "Sarah Lee  0:15\nThanks, Ben.\n")
VTT = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Sarah Lee>Any last words?\n\n"
       "00:00:05.000 --> 00:00:09.000\n<v Carla Diaz>Distance again.\n")
CODEBOOK = ("codes:\n  - name: Barriers\n    finding: F1\n    children:\n"
            "      - name: Transport\n      - name: Cost\n  - name: Mental health\n")
FINDINGS = ("# Findings\n\n## Quantifier scale\n\n| label | from | to |\n|---|---|---|\n"
            "| all | 1.00 | 1.00 |\n| most | 0.60 | 0.99 |\n| some | 0.01 | 0.59 |\n"
            "| none | 0.00 | 0.00 |\n\nSource: our own convention.\n\n## Access\n\n"
            "- **F1.** All respondents named barriers to access.\n"
            "- **F2.** Some respondents mentioned mental health.\n")


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def speaker_table_docx(path: Path, rows: list[tuple[str, str]], header: bool = True) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("Interview with Ben Smith")
    table = document.add_table(rows=0, cols=2)
    for speaker, text in ([("Speaker", "Text")] if header else []) + rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = speaker, text
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def project_files(folder: Path) -> dict[str, Path]:
    """Every file of the small project, by role."""
    return {
        "respondents": write(folder / "respondents.csv", RESPONDENTS),
        "anna": write(folder / "anna.txt", ANNA),
        "int03": write(folder / "int03-tran.txt", INT03),
        "otter": write(folder / "ben-otter.txt", OTTER),
        "docx": speaker_table_docx(folder / "ben-table.docx", [
            ("Interviewer", "Any other barriers?"), ("Ben Smith", "Childcare [crosstalk] too.")]),
        "vtt": write(folder / "carla.vtt", VTT),
        "codebook": write(folder / "codebook.yaml", CODEBOOK),
        "findings": write(folder / "findings.md", FINDINGS),
    }


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC), "QUALTALLY_CODER": "tester"}
    return subprocess.run([sys.executable, "-m", "qualtally", *args], capture_output=True,
                          text=True, env=env, timeout=180, input=stdin)
