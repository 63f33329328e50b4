"""Synthetic per-question survey answers, to exercise the suggester where data are short.

The hidden target data are short open answers with one codebook per question (7-21
codes, 40-220 coded answers). No such real set is available here, so this writes a
seeded imitation: each code has cue words (some shared with other codes), answers are
5-30 words of filler around 0-3 codes' cues (inflected, sometimes misspelled), and a
little label noise stands in for coder disagreement. Figures on it are about the
machinery, not about real respondents; they are reported separately and labelled.

    python benchmarks/nlp/synth_survey.py OUT.csv [--seed 0] [--questions 6]
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

WORDS = """access advice affordable agency allowance answer approach assessment attitude awareness
balance benefit budget burden capacity care career challenge childcare clinic colleague
communication community commute compensation confidence connection consultation contract cost
counselling course coverage culture deadline delay demand dignity disability discrimination
distance documentation donor education efficiency employer employment engagement environment
equipment evaluation evidence expense experience facility family fee feedback flexibility
follow-up funding government grant guidance harassment health heating hospital housing
income information infrastructure insurance interpreter isolation job knowledge landlord
language leadership legal licence loan location management manager meeting mentor mobility
money motivation neighbour network nurse office opportunity outreach paperwork parking
partnership pay permit policy practice pressure privacy procedure process progress promotion
qualification quality queue recognition referral registration rent reporting reputation
resource respect response safety salary schedule school security service shift skill staff
stigma supervision supplies support teacher team technology time training transport travel
trust tuition uniform union visa volunteer wage waiting website welcome workload workshop""".split()
FILLER = """i we they it the a an and but so because really very quite just also still
more less some many much was were is are have had get got would could think feel felt found
thing things part lot bit overall mostly honestly maybe probably usually always never often
there here this that with for about from into of to in on at my our their""".split()
OPENERS = ["", "honestly", "i think", "for me", "well", "mostly", "to be honest", "i guess"]


def _inflect(word: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.25:
        return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")
    if r < 0.32 and len(word) > 5:  # a typo
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word


def make_question(q: int, rng: random.Random, n_codes: int, n_answers: int, noise: float):
    words = rng.sample(WORDS, k=min(len(WORDS), n_codes * 5))
    cues = {f"Q{q} code {k + 1}": words[k * 5:(k + 1) * 5] for k in range(n_codes)}
    codes = list(cues)
    for c in codes:  # a shared cue makes codes confusable
        other = rng.choice(codes)
        cues[c].append(rng.choice(cues[other][:5]))
    freq = [1.0 / (k + 1) ** 1.1 for k in range(n_codes)]
    rows = []
    for _ in range(n_answers):
        r = rng.random()
        n_lab = 0 if r < 0.05 else 1 if r < 0.65 else 2 if r < 0.92 else 3
        labels = list(dict.fromkeys(rng.choices(codes, weights=freq, k=n_lab)))
        parts = [rng.choice(OPENERS)]
        for c in labels:
            k = 1 if rng.random() < 0.5 else 2
            chosen = rng.choices(cues[c], weights=[12, 4, 2, 1, 1, 1][: len(cues[c])], k=k)
            for w in chosen:
                parts += rng.sample(FILLER, rng.randint(1, 5)) + [_inflect(w, rng)]
        parts += rng.sample(FILLER, rng.randint(2, 8))
        if rng.random() < 0.3:  # a stray cue from an unrelated code
            parts.append(rng.choice(cues[rng.choice(codes)]))
        kept = [c for c in labels if rng.random() > noise]
        if rng.random() < noise:
            kept.append(rng.choice(codes))
        text = " ".join(p for p in parts if p).strip().capitalize() + "."
        rows.append((text, sorted(set(kept))))
    return rows


def write(out: Path, seed: int, questions: int, noise: float) -> int:
    rng = random.Random(seed)
    n = 0
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent", "question", "text", "codes", "coder"])
        for q in range(1, questions + 1):
            rows = make_question(q, rng, rng.randint(7, 21), rng.randint(40, 220), noise)
            for i, (text, codes) in enumerate(rows):
                w.writerow([f"S{i:03d}", f"Q{q}", text, ";".join(codes), "synthetic"])
                n += 1
    return n


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--questions", type=int, default=6)
    ap.add_argument("--noise", type=float, default=0.08)
    a = ap.parse_args()
    print(write(Path(a.out), a.seed, a.questions, a.noise), "rows")
