"""Small real projects for the agreement tests, written as turns and coded rows.

``turns`` gives the transcript (one document per key), ``rows`` what each coder did:
``(document, respondent, text, codes, coder)``, where ``codes`` empty means "read, nothing
applies" (the coded-excerpts CSV's empty cell) and a turn without a row of a coder was not
reached by that coder.
"""

from __future__ import annotations

import json
from pathlib import Path

from qualtally.cli import main
from qualtally.core.models import Code, CodedRow, Document, Finding, ImportBundle, Respondent, Turn
from qualtally.project import Project


def document(name: str, turns: list[tuple[str, str | None, str]]) -> Document:
    text, out = "", []
    for speaker, key, said in turns:
        text += f"{speaker}: "
        out.append(Turn(len(text), len(text) + len(said), speaker, key))
        text += said + "\n\n"
    return Document(name, text, tuple(out))


def build(path: Path, docs: dict[str, list[tuple[str, str | None, str]]], codes: list[Code],
          rows: list[tuple[str, str, str, tuple[str, ...], str]], respondents=(), findings=(),
          scale=None) -> Path:
    project = Project.new(path)
    keys = sorted({k for turns in docs.values() for _, k, _ in turns if k})
    project.store.import_bundle(ImportBundle(
        "test", respondents=list(respondents) or [Respondent(k) for k in keys],
        documents=[document(n, t) for n, t in docs.items()], codes=list(codes),
        findings=list(findings), scale=scale,
        coded=[CodedRow(r, text, tuple(c), coder, doc, line=i + 1)
               for i, (doc, r, text, c, coder) in enumerate(rows)]), "tester")
    project.close()
    return path


def icr(capsys, path: Path, *args: str) -> dict:
    assert main(["icr", str(path), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def by_path(report: dict) -> dict[str, dict]:
    return {c["path"]: c for c in report["codes"]}


# -- a small double-coded evaluation: the consensus, screen and blind-mode tests share it --
PAIR_CODES = [Code("Need", finding="F1"), Code("Refugees", "Need"), Code("Managed", "Need"),
              Code("Concerns", finding="F2"), Code("Other")]
PAIR_DOCS = {
    "r1.txt": [("Interviewer", None, "Should Canada stay?"),
               ("Ann", "R1", "Yes, for the refugees [inaudible] we resettle."),
               ("Ann", "R1", "The mandate keeps growing, which worries me."),
               ("Ann", "R1", "Nothing else to add.")],
    "r2.txt": [("Bob", "R2", "Managed migration is our model, so we stay."),
               ("Bob", "R2", "Fees are fine [laughs].")],
    "r3.txt": [("Cy", "R3", "I am not sure we need it."),
               ("Cy", "R3", "Projects follow the money, not the strategy.")],
}
PAIR_ROWS = [
    ("r1.txt", "R1", "Yes, for the refugees [inaudible] we resettle.", ("Need > Refugees",), "a"),
    ("r1.txt", "R1", "Yes, for the refugees [inaudible] we resettle.", ("Need > Refugees",), "b"),
    ("r1.txt", "R1", "The mandate keeps growing, which worries me.", ("Concerns",), "a"),
    ("r1.txt", "R1", "The mandate keeps growing, which worries me.", (), "b"),
    ("r1.txt", "R1", "Nothing else to add.", (), "a"),
    ("r2.txt", "R2", "Managed migration is our model, so we stay.", ("Need > Managed",), "a"),
    ("r2.txt", "R2", "Managed migration is our model, so we stay.",
     ("Need > Managed", "Other"), "b"),
    ("r2.txt", "R2", "Fees are fine [laughs].", (), "a"),
    ("r2.txt", "R2", "Fees are fine [laughs].", ("Other",), "b"),
    ("r3.txt", "R3", "I am not sure we need it.", ("Need",), "b"),
    ("r3.txt", "R3", "I am not sure we need it.", (), "a"),
    ("r3.txt", "R3", "Projects follow the money, not the strategy.", ("Concerns",), "a"),
    ("r3.txt", "R3", "Projects follow the money, not the strategy.", ("Concerns",), "b"),
]
PAIR_FINDINGS = [Finding("F1", "All respondents saw a need to stay a member."),
                 Finding("F2", "Some respondents raised concerns about the mandate.")]


def pair_project(path: Path) -> Path:
    return build(path, PAIR_DOCS, PAIR_CODES, PAIR_ROWS, findings=PAIR_FINDINGS)
