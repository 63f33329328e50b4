"""Generate N synthetic interview transcripts (speaker turns of plain words) for import timing.

Synthetic text, for speed only, never for quality: a seeded random walk over a small
vocabulary, with interviewer and respondent turns alternating, about 3,000 words and 80
turns per transcript by default (300 files: ~900,000 words, ~24,000 turns).

    python benchmarks/import/gen_transcripts.py OUT_DIR [--files 300] [--words 3000] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = (
    "the membership program migration partners funding mandate respondents said we think "
    "that it was important to continue because coordination with other agencies helps in "
    "emergencies and resettlement operations however some concerns exist about the expansion "
    "of projects and the governance of the organization which could be more transparent "
    "staff in the field reported good relations with government counterparts and donors "
    "although reporting requirements were heavy and timelines were short for most of them"
).split()


def transcript(rng: random.Random, index: int, words: int) -> str:
    lines, written, turn = [], 0, 0
    who = f"P{index:04d}"
    while written < words:
        n = rng.randint(20, 100) if turn % 2 else rng.randint(5, 25)
        sentences, left = [], n
        while left > 0:
            k = min(left, rng.randint(4, 18))
            body = " ".join(rng.choice(WORDS) for _ in range(k))
            sentences.append(body[0].upper() + body[1:] + rng.choice(".?."))
            left -= k
        speaker = who if turn % 2 else "Interviewer"
        lines.append(f"{speaker}: {' '.join(sentences)}")
        written += n
        turn += 1
    return "\n\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--words", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for i in range(1, args.files + 1):
        (args.out / f"interview-{i:04d}.txt").write_text(transcript(rng, i, args.words))


if __name__ == "__main__":
    main()
