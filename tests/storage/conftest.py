"""Small projects built from core objects (no file importers involved)."""

from __future__ import annotations

import pytest

from qualtally.core.models import Code, CodedRow, Document, ImportBundle, Respondent, Turn
from qualtally.project import Project

TEXT = (
    "Interviewer: Why does Canada stay a member?\n"
    "Ana Silva: We need the membership [inaudible], frankly.\n"
    "Interviewer: And coordination?\n"
    "Ana Silva: Coordination across departments is weak."
)


def turns_of(text: str, speaker_to_resp: dict[str, str | None]) -> tuple[Turn, ...]:
    out, pos = [], 0
    for line in text.split("\n"):
        speaker, _, rest = line.partition(": ")
        start = pos + len(speaker) + 2
        out.append(Turn(start, start + len(rest), speaker, speaker_to_resp.get(speaker)))
        pos += len(line) + 1
    return tuple(out)


@pytest.fixture
def bundle() -> ImportBundle:
    return ImportBundle(
        source="fixture",
        respondents=[Respondent("R1", {"group": "HQ"}), Respondent("R2", {"group": "Missions"})],
        codes=[
            Code("Relevance", definition="Why membership matters"),
            Code("Need", parent_path="Relevance", keywords=("membership", "need")),
            Code("Performance"),
            Code("Coordination", parent_path="Performance", keywords=("coordination",)),
        ],
        documents=[Document("r1.txt", TEXT, turns_of(TEXT, {"Ana Silva": "R1"}))],
    )


@pytest.fixture
def project(tmp_path, bundle) -> Project:
    p = Project.new(tmp_path / "t.qtally")
    p.store.import_bundle(bundle, "tester")
    yield p
    p.close()


@pytest.fixture
def coded_rows() -> list[CodedRow]:
    return [
        CodedRow(
            "R1",
            "We need the membership [inaudible], frankly.",
            ("Relevance > Need",),
            "coder-a",
            "r1.txt",
        ),
        CodedRow(
            "R1",
            "We need the membership [inaudible], frankly.",
            ("Relevance > Need", "Other > New"),
            "coder-b",
            "r1.txt",
        ),
        CodedRow("R1", "Coordination across departments is weak.", (), "coder-a", "r1.txt"),
    ]
