"""Small real projects on a SQLite file, built through Project.new and Store.import_bundle."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualtally.core.models import (
    Code,
    CodedRow,
    Document,
    Finding,
    ImportBundle,
    QuantifierScale,
    Respondent,
    Turn,
)
from qualtally.project import Project


def document(name: str, turns: list[tuple[str, str | None, str]]) -> Document:
    """A transcript from ``(speaker, respondent key or None, text)`` turns."""
    text, out = "", []
    for speaker, key, said in turns:
        text += f"{speaker}: "
        out.append(Turn(len(text), len(text) + len(said), speaker, key))
        text += said + "\n\n"
    return Document(name, text, tuple(out))


def build(path: Path, *, respondents=(), documents=(), codes=(), findings=(), coded=(),
          scale: QuantifierScale | None = None) -> Project:
    project = Project.new(path)
    project.store.import_bundle(ImportBundle(
        "test", respondents=list(respondents), documents=list(documents), codes=list(codes),
        findings=list(findings), scale=scale,
        coded=[CodedRow(r, text, tuple(c), coder, doc, line=i + 1)
               for i, (doc, text, r, c, coder) in enumerate(coded)]), "tester")
    return project


CODES = [
    Code("Need", finding="F1"),
    Code("Managed", "Need"),
    Code("Refugees", "Need"),
    Code("Concerns", finding="F2"),
    Code("Other"),
]
FINDINGS = [
    Finding("F1", "All respondents cited a strong need to continue membership."),
    Finding("F2", "Some concerns exist with mandate expansion."),
    Finding("F3", "There is a perceived need for better coordination."),
]


@pytest.fixture
def small(tmp_path):
    """Four respondents: two one-on-one interviews (R1 in two documents) and a focus group."""
    project = build_small(tmp_path / "small.qtally")
    yield project
    project.close()


def build_small(path) -> Project:
    """The ``small`` project at ``path`` (a file, or a database URL)."""
    respondents = [Respondent("R1", {"group": "HQ"}), Respondent("R2", {"group": "HQ"}),
                   Respondent("R3", {"group": "Missions"}), Respondent("R4", {})]
    docs = [
        document("r1-a.txt", [("Interviewer", None, "Is there a need?"),
                              ("Ann", "R1", "Yes, managed migration needs it."),
                              ("Ann", "R1", "And the refugees [inaudible] too.")]),
        document("r1-b.txt", [("Ann", "R1", "Follow-up: still a need.")]),
        document("r2.txt", [("Bob", "R2", "Mandate creep worries me.")]),
        document("group.txt", [("Interviewer", None, "Need for membership?"),
                               ("Cy", "R3", "We need to stay, for refugees."),
                               ("Di", "R4", "I am not sure at all."),
                               ("Cy", "R3", "And the mandate keeps growing.")]),
    ]
    coded = [
        (
            "r1-a.txt",
            "Yes, managed migration needs it.",
            "R1",
            ["Need > Managed", "Need > Refugees"],
            "alice",
        ),
        ("r1-a.txt", "Yes, managed migration needs it.", "R1", ["Need > Managed"], "bob"),
        ("r1-a.txt", "And the refugees [inaudible] too.", "R1", ["Need > Refugees"], "alice"),
        ("r1-b.txt", "Follow-up: still a need.", "R1", ["Need"], "alice"),
        ("r2.txt", "Mandate creep worries me.", "R2", ["Concerns"], "alice"),
        ("group.txt", "We need to stay, for refugees.", "R3", ["Need > Refugees"], "bob"),
        (
            "group.txt",
            "We need to stay, for refugees.",
            "R3",
            ["Need > Refugees"],
            "bob",
        ),  # duplicate row
        ("group.txt", "And the mandate keeps growing.", "R3", ["Concerns"], "alice"),
        ("group.txt", "I am not sure at all.", "R4", [], "alice"),
    ]
    return build(path, respondents=respondents, documents=docs, codes=CODES,
                 findings=FINDINGS, coded=coded)
