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
from qualtally.core.models import Code, CodedRow, Document, ImportBundle, Respondent, Turn
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
