"""Tiny, seeded coded-excerpt fixtures written by the tests themselves (imported by the nlp
tests)."""

from __future__ import annotations

import csv
import random

PHRASES = {
    "Funding > Delays": ["the money arrived months late", "payments were delayed again",
                         "funds came after the deadline", "late disbursement hurt us"],
    "Funding > Amount": ["the budget was far too small", "we needed more money",
                         "the grant was not enough", "funding levels were insufficient"],
    "Training": ["the workshop taught us a lot", "staff training was excellent",
                 "the course improved our skills", "trainers were knowledgeable"],
    "Partnership": ["the partners cooperated well", "coordination with the ministry was good",
                    "we worked closely with other agencies", "joint planning with partners helped"],
}
TURNS = ["The grant was not enough to cover costs.", "Trainers were knowledgeable and kind.",
         "Payments were delayed again this spring.", "We worked closely with other agencies.",
         "The budget for vehicles ran out."]
"""New, uncoded answers: one short document of five respondents' turns (``turns_document``)."""


def turns_document():
    """:data:`TURNS` as one document, each line a different respondent's turn."""
    from qualtally.core.models import Document, Turn

    text, turns = "", []
    for i, line in enumerate(TURNS):
        start = len(text)
        text += line + "\n"
        turns.append(Turn(start, start + len(line), "Respondent", f"R{i}"))
    return Document("new-interviews.txt", text, tuple(turns))


FILLER = ["honestly", "in our district", "overall", "as I said", "to be frank", "last year"]


def make_rows(n: int, seed: int = 0, question: str = "") -> list[dict]:
    rng = random.Random(seed)
    codes = sorted(PHRASES)
    rows = []
    for i in range(n):
        chosen = rng.sample(codes, 2 if rng.random() < 0.25 else 1)
        parts = [rng.choice(PHRASES[c]) for c in chosen]
        text = f"{rng.choice(FILLER)}, " + " and ".join(parts) + "."
        rows.append({"respondent": f"R{i % 12:02d}", "document": f"doc{i}", "question": question,
                     "text": text, "codes": ";".join(chosen), "coder": "ann"})
    return rows


def write_csv(path, rows, fields=("respondent", "document", "question", "text", "codes", "coder")):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(fields), extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path
