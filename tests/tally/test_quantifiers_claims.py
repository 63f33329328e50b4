"""Pure rules: the scale's labels at their boundaries, and which words are claims about
respondents."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualtally.core.claims import link, parse_claims, passages, primary_claim
from qualtally.core.models import QuantifierScale, ScaleStep
from qualtally.core.quantifiers import DEFAULT_SCALE, compare, fmt, label_for, share, validate


@pytest.mark.parametrize(
    "n,total,label",
    [
        (24, 24, "all"),
        (23, 24, "almost all"),
        (22, 24, "almost all"),
        (21, 24, "most"),
        (15, 24, "most"),
        (14, 24, "many"),
        (11, 24, "many"),
        (10, 24, "some"),
        (6, 24, "some"),
        (5, 24, "a few"),
        (1, 24, "a few"),
        (0, 24, "none"),
        (1, 200, "a few"),
        (199, 200, "almost all"),
        (0, 0, "n/a"),
    ],
)
def test_label_boundaries(n, total, label):
    assert label_for(n, total, DEFAULT_SCALE) == label


def test_share_is_floored_to_two_decimals():
    assert share(2, 3) == 0.66 and share(89, 100) == 0.89 and share(899, 1000) == 0.89
    assert fmt(17, 24, DEFAULT_SCALE) == "17/24 most"


@given(st.integers(0, 500), st.integers(1, 500))
def test_every_share_gets_a_label_and_all_means_everyone(n, total):
    n = min(n, total)
    label = label_for(n, total, DEFAULT_SCALE)
    assert label in {s.label for s in DEFAULT_SCALE.steps}
    assert (label == "all") == (n == total)
    assert (label == "none") == (n == 0)


def test_compare_directions():
    assert compare("all", 20, 24, DEFAULT_SCALE).verdict == "overstated"
    assert compare("a few", 12, 24, DEFAULT_SCALE).verdict == "understated"
    assert compare("many", 12, 24, DEFAULT_SCALE).verdict == "consistent"
    assert compare("umpteen", 12, 24, DEFAULT_SCALE).verdict == "unknown label"


def test_validate_rejects_bad_steps():
    bad = QuantifierScale((ScaleStep("most", 0.9, 0.6), ScaleStep("most", 0, 0)))
    assert len(validate(bad)) == 2


@pytest.mark.parametrize(
    "text,expected",
    [
        ("All respondents cited a strong need to continue membership.", [("all", True)]),
        ("Some concerns exist with mandate expansion.", [("some", False)]),
        ("There is also a perceived need for better coordination.", []),
        ("There are few alternatives that provide the reach, according to respondents.", []),
        ("Many respondents saw few alternatives.", [("many", True)]),
        ("Not all respondents agreed.", []),
        (
            "The majority of interviewees agreed; a few key informants disagreed.",
            [("most", True), ("a few", True)],
        ),
        (
            "Nearly all stakeholders and none of the participants.",
            [("almost all", True), ("none", True)],
        ),
        ("Every interviewee said so.", [("all", True)]),
        ("Several of the respondents said so.", [("some", True)]),
        ("Readers can tell how many interviewees hold a view.", []),
    ],
)
def test_claim_vocabulary(text, expected):
    assert [(c.label, c.explicit) for c in parse_claims(text)] == expected


def test_group_claims_and_scale_labels():
    claims = parse_claims(
        "Most of the CIC headquarters respondents agreed, as did all IOM representatives.",
        groups=("CIC headquarters", "IOM representatives"),
    )
    assert [(c.label, c.group) for c in claims] == [
        ("most", "CIC headquarters"),
        ("all", "IOM representatives"),
    ]
    assert (
        primary_claim("A clear majority said so.", labels=("a clear majority",)).label
        == "a clear majority"
    )


def test_passages_and_linking():
    report = ("# Title\n\n| a | b |\n\n- **R1.** All respondents agreed.\n- plain bullet\n\n"
              "A paragraph\ncontinued.\n")
    ps = passages(report)
    assert [(p.finding_key, p.text, p.line) for p in ps] == [
        ("R1", "All respondents agreed.", 5),
        (None, "plain bullet", 6),
        (None, "A paragraph continued.", 8),
    ]
    statements = {"R1": "All respondents cited a strong need to continue membership.",
                  "P2": "Some concerns exist with mandate expansion and project alignment."}
    assert link("Most interviewees voiced concerns about mandate expansion.", statements) == "P2"
    assert link("The weather was fine.", statements) is None


def test_core_imports_no_heavy_libraries():
    code = (
        "import sys, qualtally.core.tally, qualtally.core.audit, qualtally.core.claims, "
        "qualtally.core.quantifiers; "
        "bad = [m for m in ('sqlalchemy', 'textual', 'spacy', 'sklearn', 'openpyxl') "
        "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
