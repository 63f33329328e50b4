"""``qualtally icr`` against the reference packages and Krippendorff's worked example.

Each expected figure is computed here from the test's own table of who coded what
(never from qualtally's units): scikit-learn's ``cohen_kappa_score`` and the
``krippendorff`` package on matrices built by hand, to 3 decimals, for excerpt,
respondent and character units, with units only one coder reached, turns marked "nothing
applies" and a code nobody applied. Krippendorff (2011), "Computing Krippendorff's
Alpha-Reliability", section C: 4 observers x 12 units with missing values, nominal alpha
0.743.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from qualtally.core.models import Code
from qualtally.reliability.stats import ac1

from .conftest import build, by_path, icr

nan = float("nan")
# Krippendorff (2011), section C: observers A-D (rows) x units 1-12, None = missing
WORKED = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
CATEGORY = [Code("Category"), *(Code(f"c{v}", "Category") for v in range(1, 6))]


def close(got, want) -> bool:
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return got is None
    return got is not None and abs(got - want) < 5e-4


def reference_alpha(rows) -> float | None:
    try:
        value = krippendorff.alpha(reliability_data=np.array(rows, dtype=float),
                                   level_of_measurement="nominal")
    except ValueError:  # "There has to be more than one value in the domain."
        return None
    return None if math.isnan(value) else value


def reference_kappa(y1, y2) -> float | None:
    if len(set(y1) | set(y2)) < 2:
        return None  # one label only: scikit-learn calls kappa undefined (nan)
    value = cohen_kappa_score(y1, y2, labels=[0, 1])
    return None if math.isnan(value) else value


@pytest.fixture
def worked(tmp_path):
    """One unit a respondent and a document, so a respondent's value is missing exactly where
    the observer gave the unit none, as an excerpt's is."""
    docs = {f"u{u:02d}.txt": [("Obs", f"U{u:02d}", f"Unit {u} says something.")]
            for u in range(1, 13)}
    rows = [(f"u{u + 1:02d}.txt", f"U{u + 1:02d}", f"Unit {u + 1} says something.",
             (f"Category > c{v}",), coder)
            for coder, values in zip("ABCD", WORKED) for u, v in enumerate(values) if v is not None]
    return build(tmp_path / "worked.qtally", docs, CATEGORY, rows)


@pytest.mark.parametrize("unit", ["excerpt", "respondent"])
def test_worked_example_nominal_alpha_over_mutually_exclusive_children(worked, capsys, unit):
    report = icr(capsys, worked, "--unit", unit)
    assert report["coders"] == ["A", "B", "C", "D"]
    (group,) = report["groups"]
    assert group["path"] == "Category" and group["n_units"] == 11  # unit 12: one value only
    assert round(group["alpha_nominal"], 3) == 0.743
    matrix = [[nan if v is None else v for v in row] for row in WORKED]
    assert close(group["alpha_nominal"], reference_alpha(matrix))
    # per child (present / absent, missing where the observer gave no value), and no kappa
    codes = by_path(report)
    for v in range(1, 6):
        got = codes[f"Category > c{v}"]
        presence = [[nan if x is None else int(x == v) for x in row] for row in WORKED]
        assert close(got["alpha"], reference_alpha(presence)), v
        assert got["kappa"] is None  # four coders: kappa is for two


def test_worked_example_kappa_for_a_pair(worked, capsys):
    report = icr(capsys, worked, "--coders", "A,B")
    a, b = WORKED[0], WORKED[1]
    both = [i for i in range(12) if a[i] is not None and b[i] is not None]
    for v in range(1, 6):
        got = by_path(report)[f"Category > c{v}"]
        y1 = [int(a[i] == v) for i in both]
        y2 = [int(b[i] == v) for i in both]
        assert got["n_units"] == len(both) == 9
        assert close(got["kappa"], reference_kappa(y1, y2)), v
        assert close(got["percent_agreement"], float(np.mean(np.equal(y1, y2))))


# -- two coders: missing values, nothing applies, a code nobody applied, spans -------------
CODES = [Code("Theme"), Code("Alpha", "Theme"), Code("Beta", "Theme"), Code("Gamma"),
         Code("Unused")]
LEAVES = ["Theme > Alpha", "Theme > Beta", "Gamma"]
ROLLED = {"Theme > Alpha": {"Theme", "Theme > Alpha"}, "Theme > Beta": {"Theme", "Theme > Beta"},
          "Gamma": {"Gamma"}}


def synthetic(seed: int = 7):
    """Documents d0-d4 (d4 coded by A alone), respondents R1-R14, two sentences a turn;
    coders A and B code whole turns or one sentence, skip turns, or mark nothing."""
    rng = random.Random(seed)
    docs, plan = {}, []
    for d in range(5):
        turns = []
        for t in range(8):
            key = f"R{(d * 3 + t) % 14 + 1}"
            first, second = f"Point d{d}t{t} one is made.", f"Then d{d}t{t} two follows."
            turns.append(("Ann", key, f"{first} {second}"))
            truth = {c for c in LEAVES if rng.random() < 0.35}
            for coder in "AB":
                if (coder == "B" and d == 4) or rng.random() < 0.15:
                    continue  # never reached
                codes = {c for c in LEAVES if (c in truth) != (rng.random() < 0.2)}
                part = rng.choice([f"{first} {second}", f"{first} {second}", first, second])
                plan.append((f"d{d}.txt", key, part, tuple(sorted(codes)), coder))
        docs[f"d{d}.txt"] = turns
    return docs, plan


@pytest.fixture
def pair(tmp_path):
    docs, plan = synthetic()
    return build(tmp_path / "pair.qtally", docs, CODES, plan), docs, plan


def turn_values(docs, plan):
    """(doc, turn index) -> {coder: rolled codes}, for the turns each coder reached."""
    out: dict = {}
    for doc, _key, part, codes, coder in plan:
        t = next(i for i, (_, _, said) in enumerate(docs[doc]) if part in said)
        got = out.setdefault((doc, t), {}).setdefault(coder, set())
        for c in codes:
            got |= ROLLED[c]
    return out


def check(report, units: dict[object, dict[str, set]]):
    """``units``: unit -> {coder: codes}; compare every code with the reference packages."""
    codes = by_path(report)
    for path in ["Theme", *LEAVES, "Unused"]:
        cells = [[nan if c not in u else int(path in u[c]) for c in "AB"] for u in units.values()]
        both = [(a, b) for a, b in cells if not (math.isnan(a) or math.isnan(b))]
        y1, y2 = [a for a, _ in both], [b for _, b in both]
        got = codes[path]
        assert got["n_units"] == len(both), path
        assert close(got["alpha"], reference_alpha(np.array(cells).T)), path
        assert close(got["kappa"], reference_kappa(y1, y2)), path
        assert close(got["percent_agreement"], float(np.mean(np.equal(y1, y2)))), path
        n11 = sum(1 for a, b in both if a and b)
        assert got["table"]["present"]["present"] == n11
    assert codes["Unused"]["alpha"] is None and codes["Unused"]["kappa"] is None


def test_excerpt_units_match_the_packages(pair, capsys):
    path, docs, plan = pair
    values = turn_values(docs, plan)
    assert any(len(v) == 1 for v in values.values()), "some turns only one coder reached"
    assert any(not codes for v in values.values() for codes in v.values()), "nothing applies"
    check(icr(capsys, path), values)


def test_respondent_units_within_the_documents_both_coded(pair, capsys):
    path, docs, plan = pair
    values = turn_values(docs, plan)
    coded_docs = {c: {doc for (doc, _), v in values.items() if c in v} for c in "AB"}
    common = coded_docs["A"] & coded_docs["B"]
    assert "d4.txt" in coded_docs["A"] - common
    people: dict[str, dict[str, set]] = {}
    for (doc, t), v in values.items():
        if doc not in common:
            continue
        key = docs[doc][t][1]
        for c in v:  # a coder who reached none of the respondent's turns there: missing
            people.setdefault(key, {}).setdefault(c, set()).update(v[c])
    report = icr(capsys, path, "--unit", "respondent")
    check(report, people)


def test_character_units_match_the_packages(pair, capsys):
    path, docs, plan = pair
    from .conftest import document

    chars: dict[tuple, dict[str, set]] = {}
    reached = {}
    for doc, _key, part, _codes, coder in plan:
        d = document(doc, docs[doc])
        turn = next(tr for tr in d.turns if part in d.text[tr.start:tr.end])
        reached.setdefault((doc, turn.start, turn.end), set()).add(coder)
    for doc, _key, part, codes, coder in plan:
        d = document(doc, docs[doc])
        start = d.text.index(part)
        for (dname, s, e), who in reached.items():
            if dname == doc and coder in who:
                for i in range(s, e):
                    cell = chars.setdefault((doc, i), {c: set() for c in who})
                    if start <= i < start + len(part):
                        for c in codes:
                            cell[coder] |= ROLLED[c]
    check(icr(capsys, path, "--unit", "character"), chars)


def test_gwet_ac1_is_gwets_two_rater_formula():
    """118 units both present, 5 and 2 where one coder alone, none both absent: kappa is
    below zero although the coders agree on 94% (the paradox AC1 is made for)."""
    ratings = {(1, 1): 118, (1, 0): 5, (0, 1): 2}
    pa = Fraction(118, 125)
    pi = (Fraction(123, 125) + Fraction(120, 125)) / 2
    pe = 2 * pi * (1 - pi)
    assert ac1(ratings, (0, 1)) == pytest.approx(float((pa - pe) / (1 - pe)), abs=1e-12)
    y1 = [1] * 118 + [1] * 5 + [0] * 2
    y2 = [1] * 118 + [0] * 5 + [1] * 2
    assert cohen_kappa_score(y1, y2) < 0
    assert ac1(ratings, (0, 1)) > 0.9
