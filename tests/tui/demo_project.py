"""A small, demo-like project for the TUI tests and for trying the TUI by hand.

There is no importer on this branch, so it writes an ``ImportBundle`` directly: three
respondents, an interview each (Interviewer/respondent turns with ``[inaudible]``,
``[laughs]``, ``[CIC]``), and a two-level codebook with keywords.

    PYTHONPATH=src python -m tests.tui.demo_project /tmp/demo.qtally
"""

from __future__ import annotations

import sys
from pathlib import Path

from qualtally.core.models import Code, Document, ImportBundle, Respondent, Turn
from qualtally.project import Project

CODES = [
    Code("Relevance", colour="#4e79a7", definition="Whether membership still meets a need."),
    Code("Need for membership", "Relevance", keywords=("membership", "member"), colour="#4e79a7",
         definition="The respondent says Canada should remain a member."),
    Code("Reservations", "Relevance", keywords=("depends", "cost"), colour="#59a14f"),
    Code("Performance", colour="#f28e2b"),
    Code("Resettlement services", "Performance", keywords=("resettlement", "refugees", "medical"),
         colour="#f28e2b"),
    Code("Value for money", "Performance", keywords=("value", "money", "fees"), colour="#e15759"),
]

INTERVIEWS = {
    "R01": [
        ("Interviewer", "Thank you for joining. Could you describe your role at [CIC]?"),
        (
            "R01",
            "I manage the resettlement file. We rely on IOM for medical exams [inaudible] and "
            "transport of refugees. Without that we could not meet our targets.",
        ),
        ("Interviewer", "Should Canada remain a member?"),
        (
            "R01",
            "Yes, membership matters [laughs]. We have to be at the table. It depends a little on "
            "the fees, but the value for money is good.",
        ),
        ("Interviewer", "Anything else?"),
        ("R01", "No, I think that covers it. [crosstalk] Sorry, go ahead."),
    ],
    "R02": [
        ("Interviewer", "What is your view on the organization?"),
        ("R02", "The cost is high and it depends on the year. I have reservations."),
        ("Interviewer", "And the services?"),
        ("R02", "The medical checks for refugees are done well [inaudible]."),
    ],
    "R03": [
        ("Interviewer", "Tell me about your work."),
        ("R03", "I work on policy [CIC] and we talk with member states often."),
    ],
}


def interview(key: str, turns: list[tuple[str, str]]) -> Document:
    text = f"Interview with {key}\n\n"
    out = []
    for speaker, said in turns:
        label = "Interviewer" if speaker == "Interviewer" else key
        text += f"{label}: "
        start = len(text)
        text += said
        out.append(Turn(start, len(text), label, None if speaker == "Interviewer" else key))
        text += "\n\n"
    return Document(f"interview-{key}.txt", text, tuple(out))


def build(path: Path) -> Path:
    project = Project.new(path)
    bundle = ImportBundle(
        source="tests",
        respondents=[
            Respondent(k, {"group": "CIC" if k != "R03" else "Partner"}) for k in INTERVIEWS
        ],
        codes=list(CODES),
        documents=[interview(k, t) for k, t in INTERVIEWS.items()],
    )
    project.store.import_bundle(bundle, "tests")
    project.close()
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/demo.qtally")
    target.unlink(missing_ok=True)
    print(build(target))
