"""The audit says what it really checked (issue 19): unlinked claims counted apart and failing
``--strict``, claims outside finding items checked, each claim of a paragraph linked on its own
and placed at its own line, an unknown ``--coder`` refused, a scale with a gap refused."""

from __future__ import annotations

import json

import pytest

from qualtally.cli import main
from qualtally.core.errors import InputError
from qualtally.core.models import QuantifierScale, ScaleStep
from qualtally.importers.findings_md import parse_findings


def _report(tmp_path, text: str) -> str:
    path = tmp_path / "report.md"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_unlinked_claims_are_counted_apart_named_and_fail_strict(small, tmp_path, capsys):
    report = _report(tmp_path, "Many interviewees cited a strong need to continue membership.\n\n"
                               "Most respondents liked the weather.\n")
    path = str(small.path)
    small.close()
    assert main(["audit", path, report]) == 0
    out = capsys.readouterr().out
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("0 mismatches in 1 checked statement;")
    assert "1 unlinked claim NOT checked" in summary and "line 3 'Most respondents'" in summary
    assert main(["audit", path, report, "--strict"]) == 1
    capsys.readouterr()
    assert main(["audit", path, report, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["checked"], data["unlinked"], data["mismatches"]) == (1, 1, 0)


def test_claims_outside_finding_items_are_checked_or_listed(small, tmp_path):
    report = _report(tmp_path, "# Report\n\n## Executive summary\n\n"
                               "Most respondents liked the weather.\n\n"
                               "Many respondents cited a strong need to continue membership.\n\n"
                               "## Findings\n\n"
                               "- **F1.** All respondents cited a strong need to continue "
                               "membership.\n")
    got = [(c.line, c.finding_key, c.claimed, c.n, c.total, c.verdict) for c in small.audit(report)]
    assert got == [
        (5, None, "most", 0, 0, "unlinked claim"),
        (7, "F1", "many", 2, 4, "consistent"),
        (11, "F1", "all", 2, 4, "overstated"),
    ]


def test_each_claim_of_a_paragraph_is_linked_on_its_own_at_its_own_line(small, tmp_path):
    report = _report(tmp_path, "Intro.\n\n"
                               "Many respondents cited a strong need to continue membership.\n"
                               "A few respondents mentioned refugees\n"
                               "in passing. Some respondents mentioned mental health.\n")
    got = [(c.line, c.finding_key, c.code, c.claimed, c.n, c.total, c.verdict)
           for c in small.audit(report)]
    assert got == [
        (3, "F1", None, "many", 2, 4, "consistent"),
        # R1 and R3 coded Need > Refugees: 2/4 is "many", so "a few" understates; it is
        # checked against the code it names, not against the paragraph's F1
        (4, None, "Need > Refugees", "a few", 2, 4, "understated"),
        (5, None, None, "some", 0, 0, "unlinked claim"),
    ]


def test_a_coder_with_the_wrong_case_is_an_error_naming_the_known_coders(small, capsys):
    path = str(small.path)
    small.close()
    for command in (["audit", path, "--coder", "Alice"], ["tally", path, "--coder", "Alice"],
                    ["export", path, str(small.path.parent / "out.html"), "--coder", "Alice"]):
        assert main(command) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1
        assert "known coders: alice, bob" in err and "did you mean 'alice'" in err
    assert main(["audit", path, "--coder", "alice"]) == 0
    assert not (small.path.parent / "out.html").exists()  # nothing written for the bad coder


SCALE_WITH_GAP = """## Quantifier scale

| label | from | to |
|-------|------|----|
| all | 1.00 | 1.00 |
| most | 0.60 | 0.99 |
| some | 0.01 | 0.45 |
| none | 0.00 | 0.00 |
"""


def test_a_scale_with_a_gap_or_an_overlap_is_refused_naming_it(small, tmp_path, capsys):
    with pytest.raises(InputError, match="gap: no step covers the shares 0.46–0.59"):
        parse_findings(SCALE_WITH_GAP)
    overlap = QuantifierScale((ScaleStep("all", 1, 1), ScaleStep("most", 0.5, 0.99),
                               ScaleStep("some", 0.01, 0.55), ScaleStep("none", 0, 0)))
    with pytest.raises(InputError, match="overlap: the shares 0.50–0.55 fall in 'most' and 'some'"):
        small.set_scale(overlap)
    before = small.scale()
    md = tmp_path / "findings.md"
    md.write_text(SCALE_WITH_GAP, encoding="utf-8")
    path = str(small.path)
    small.close()
    assert main(["scale", path, "--from", str(md)]) == 2
    assert "0.46–0.59" in capsys.readouterr().err
    from qualtally.project import Project

    with Project.open(path) as project:
        assert project.scale() == before


def test_the_scale_sections_prose_is_a_definition_not_a_claim(small, tmp_path):
    report = _report(tmp_path, "## Quantifier scale\n\nShares are distinct respondents divided "
                               "by all 4 respondents.\n\n| label | from | to |\n|--|--|--|\n"
                               "| all | 1.00 | 1.00 |\n\n## Findings\n\n"
                               "- **F1.** All respondents cited a strong need to continue "
                               "membership.\n")
    assert [(c.line, c.finding_key, c.verdict) for c in small.audit(report)] == [
        (11, "F1", "overstated")]
