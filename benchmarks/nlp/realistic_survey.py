"""Short open survey answers per question, closer to real ones than ``synth_survey.py``.

The development stand-in for the issue's hidden data (per-question codebooks of 7-21
codes, 40-220 coded answers each), written for this benchmark from the concept bank in
``survey_concepts.py`` (no third-party text). Each code is a concept a respondent
expresses in varied words: synonyms, paraphrases sharing no word with the code's name,
inflections, misspellings; answers carry 0-3 codes with skewed frequencies (some codes
have only 2-5 examples), some mention a code's words without meaning it (negations,
off-topic), some are filler ("n/a"), and a little label noise stands in for coder
disagreement.

Calibrated so that the issue's two reference baselines land near
their figures on the hidden data when run through ``compare.py``: keyword search on
code-name words about 0.34 and a plain word TF-IDF + logistic regression at 0.5 about
0.68 micro-F1. It is still our own text: figures on it are a development check, never a
claim about real respondents.

    python benchmarks/nlp/realistic_survey.py OUT.csv [--seed 0] [--questions 6]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from survey_concepts import CONCEPTS, CONNECTORS, EMPTY, FILLER, OPENERS, SHORT

SLOT = re.compile(r"\{([^{}]*)\}")
# knobs, calibrated against the two reference baselines (module docstring)
TYPO = 0.02       # chance a word of 4+ letters is misspelt
NEAR = 0.15       # chance an answer also carries a near-miss (a code's words, not its meaning)
DROP = 0.05       # chance a coder misses a code that applies
ADD = 0.04        # chance a coder adds a code that does not
PHRASES = 0.4     # share of a concept's phrasings one question's respondents use
WORDS = 2         # options kept per synonym slot in one question
TERSE = 0.2       # chance an answer is one to three words per code ("the bus")
SKEW = 1.3        # code frequencies fall as 1 / rank ** SKEW
CARD = (0.05, 0.5, 0.85)  # cumulative chance of 0, 1, 2 codes (else 3)


def fill(template: str, rng: random.Random) -> str:
    return SLOT.sub(lambda m: rng.choice(m.group(1).split("|")), template)


def narrow(template: str, rng: random.Random) -> str:
    """Keep at most ``WORDS`` options per slot: one question's respondents share words."""
    def keep(m):
        opts = m.group(1).split("|")
        return "{" + "|".join(rng.sample(opts, k=min(WORDS, len(opts)))) + "}"
    return SLOT.sub(keep, template)


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    r = rng.random()
    if r < 0.4:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # swap
    if r < 0.7:
        return word[:i] + word[i + 1:]  # drop
    return word[:i] + word[i] + word[i:]  # double


def make_question(rng: random.Random, n_codes: int, n_answers: int):
    """[(text, codes)] for one question; codes are concept names from the bank."""
    names = rng.sample(sorted(CONCEPTS), k=min(n_codes, len(CONCEPTS)))
    pools, shorts = {}, {}
    for c in names:  # each question's respondents use a subset of the ways to say a concept
        phr = CONCEPTS[c][0]
        chosen = rng.sample(phr, k=max(2, round(len(phr) * PHRASES)))
        pools[c] = [narrow(t, rng) for t in chosen]
        shorts[c] = rng.sample(SHORT[c], k=min(len(SHORT[c]), 2))
    freq = [1.0 / (k + 1) ** SKEW for k in range(len(names))]
    label_sets = []
    for _ in range(n_answers):
        r = rng.random()
        n_lab = 0 if r < CARD[0] else 1 if r < CARD[1] else 2 if r < CARD[2] else 3
        label_sets.append(list(dict.fromkeys(rng.choices(names, weights=freq, k=n_lab))))
    for c in names:  # the rarest codes still get 2-5 examples (a codebook lists no unused code)
        need = rng.randint(2, 5) - sum(c in ls for ls in label_sets)
        singles = [ls for ls in label_sets if len(ls) == 1 and ls[0] != c and
                   sum(ls[0] in x for x in label_sets) > 8]
        for ls in rng.sample(singles, k=max(0, min(need, len(singles)))):
            ls[0] = c
    rows = []
    for labels in label_sets:
        if not labels:
            text = rng.choice(EMPTY if rng.random() < 0.6 else FILLER)
        elif rng.random() < TERSE:
            text = " and ".join(rng.choice(shorts[c]) for c in labels)
        else:
            parts = [fill(rng.choice(pools[c]), rng) for c in labels]
            if rng.random() < NEAR:
                near = [c for c in names if CONCEPTS[c][1] and c not in labels]
                if near:
                    parts.insert(
                        rng.randrange(len(parts) + 1),
                        fill(rng.choice(CONCEPTS[rng.choice(near)][1]), rng),
                    )
            if rng.random() < 0.2:
                parts.append(rng.choice(FILLER))
            text = parts[0]
            for p in parts[1:]:
                text += rng.choice(CONNECTORS) + p
            opener = rng.choice(OPENERS)
            if opener:
                text = opener + ", " + text
        text = " ".join(typo(w, rng) if rng.random() < TYPO else w for w in text.split())
        if rng.random() < 0.5:
            text = text[:1].upper() + text[1:]
        if rng.random() < 0.6:
            text += "."
        kept = [c for c in labels if rng.random() > DROP]
        if labels and rng.random() < ADD:
            kept.append(rng.choice(names))
        rows.append((text, sorted(set(kept))))
    return rows


def write(out: Path, seed: int, questions: int) -> int:
    rng = random.Random(seed)
    n = 0
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent", "document", "question", "text", "codes", "coder"])
        for q in range(1, questions + 1):
            rows = make_question(rng, rng.randint(7, 21), rng.randint(40, 220))
            for i, (text, codes) in enumerate(rows):
                w.writerow(
                    [f"S{i:03d}", f"Q{q}-S{i:03d}", f"Q{q}", text, ";".join(codes), "synthetic"]
                )
                n += 1
    return n


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--questions", type=int, default=6)
    a = ap.parse_args()
    print(write(Path(a.out), a.seed, a.questions), "rows")
