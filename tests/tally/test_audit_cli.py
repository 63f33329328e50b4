"""The audit of a report's claims, the drill-down, the findings.md reader and the CLI's JSON."""

from __future__ import annotations

import json

import pytest

from qualtally.cli import main
from qualtally.core.errors import InputError
from qualtally.core.models import QuantifierScale, ScaleStep
from qualtally.importers.findings_md import parse_findings

FINDINGS_MD = """# Demo findings

## Quantifier scale

| label | from | to |
|-------|------|----|
| all | 1.00 | 1.00 |
| most | 0.60 | 0.99 |
| some | 0.25 | 0.59 |
| a few | 0.01 | 0.24 |
| none | 0.00 | 0.00 |

Source: Example evaluation, methodology section,
page 4.

## Key findings – relevance

- **R1.** All respondents cited a strong need.
- **R2.** There is a perceived need for coordination; a
  few respondents said so.

## Recommendations

- **Rec1.** Most respondents would keep the membership.
"""


def test_findings_md_reader():
    findings, scale = parse_findings(FINDINGS_MD)
    assert [(f.key, f.quantifier, f.section) for f in findings] == [
        ("R1", "all", "Key findings – relevance"), ("R2", "a few", "Key findings – relevance")]
    assert findings[1].statement.endswith("a few respondents said so.")
    assert [s.label for s in scale.steps] == ["all", "most", "some", "a few", "none"]
    assert scale.source == "Example evaluation, methodology section, page 4."
    with pytest.raises(InputError):
        parse_findings("## Quantifier scale\n| label | from | to |\n|-|-|-|\n| x | 0.9 | 0.1 |\n")


def test_audit_flags_overstated_understated_and_no_claim(small):
    checks = {c.finding_key: c for c in small.audit()}
    # F1 claims "all": 2 of 4 supported -> overstated;
    # F2 claims "some": 2/4 is "many" -> understated
    assert (checks["F1"].verdict, checks["F1"].n, checks["F1"].total, checks["F1"].actual) == (
        "overstated", 2, 4, "many")
    assert checks["F2"].verdict == "understated" and checks["F2"].claimed == "some"
    assert checks["F3"].verdict == "no quantifier claim" and checks["F3"].phrase is None


def test_audit_reads_a_free_text_report_and_group_claims(small, tmp_path):
    report = tmp_path / "report.md"
    report.write_text("Overall, many interviewees cited a strong need to continue membership.\n\n"
                      "All HQ respondents raised concerns about mandate expansion.\n\n"
                      "Most respondents liked the weather.\n", encoding="utf-8")
    checks = small.audit(report)
    assert [(c.finding_key, c.claimed, c.group, c.n, c.total, c.verdict) for c in checks] == [
        ("F1", "many", None, 2, 4, "consistent"),
        ("F2", "all", "HQ", 1, 2, "overstated"),
        (None, "most", None, 0, 0, "unlinked claim"),
    ]


def test_drilldown_lists_supporting_excerpts_and_non_supporters(small):
    d = small.drilldown("F1")
    assert (d.n, d.total, d.label) == (2, 4, "many")
    assert set(d.supporters) == {"R1", "R3"}
    assert [e.text for e in d.supporters["R1"]] == [
        "Yes, managed migration needs it.",
        "And the refugees [inaudible] too.",
        "Follow-up: still a need.",
    ]
    assert d.supporters["R1"][0].coders == ("alice", "bob")
    assert d.non_supporters == ["R2", "R4"]
    hq = small.drilldown("F1", by="group", group="HQ")
    assert (hq.n, hq.total, list(hq.supporters), hq.non_supporters) == (1, 2, ["R1"], ["R2"])
    code = small.drilldown("Concerns")
    assert set(code.supporters) == {"R2", "R3"} and code.non_supporters == ["R1", "R4"]


def test_set_scale_changes_labels(small):
    small.set_scale(
        QuantifierScale(
            (
                ScaleStep("all", 1, 1),
                ScaleStep("half or more", 0.5, 0.99),
                ScaleStep("under half", 0.01, 0.49),
                ScaleStep("none", 0, 0),
            ),
            "Team memo",
        )
    )
    tally = small.tally()
    assert tally.scale.source == "Team memo" and tally.finding("F1").label == "half or more"
    with pytest.raises(InputError):
        small.set_scale(QuantifierScale(()))


def test_cli_tally_json_matches_the_facade(small, capsys):
    path = str(small.path)
    assert main(["tally", path, "--json", "--by", "group"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["respondents_total"] == 4
    need = next(c for c in data["codes"] if c["path"] == "Need > Refugees")
    assert need == {"path": "Need > Refugees", "respondents": 2, "excerpts": 3,
                    "by": {"HQ": 1, "Missions": 1, "(none)": 0},
                    "excerpts_by": {"HQ": 2, "Missions": 1, "(none)": 0}}
    f1 = data["findings"][0]
    assert {
        k: f1[k] for k in ("id", "respondents", "denominator", "label", "claimed", "verdict")
    } == {
        "id": "F1",
        "respondents": 2,
        "denominator": 4,
        "label": "many",
        "claimed": "all",
        "verdict": "overstated",
    }
    assert f1["statement"].startswith("All respondents")


def test_cli_audit_json_strict_and_text(small, capsys, tmp_path):
    path = str(small.path)
    assert main(["audit", path, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["mismatches"] == 2 and [c["verdict"] for c in data["claims"]] == [
        "overstated", "understated", "no quantifier claim"]
    assert main(["audit", path, "--strict"]) == 1
    out = capsys.readouterr().out
    assert "OVERSTATED" in out and "2/4 many" in out
    assert main(["tally", path, "--show", "F1"]) == 0
    assert "[inaudible]" in capsys.readouterr().out
    assert main(["tally", path, "--by", "nope"]) == 2
    assert main(["audit", path, str(tmp_path / "missing.md")]) == 2


def test_cli_scale_from_findings_md(small, capsys, tmp_path):
    md = tmp_path / "findings.md"
    md.write_text(FINDINGS_MD, encoding="utf-8")
    assert main(["scale", str(small.path), "--from", str(md), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["steps"][1] == ["most", 0.6, 0.99] and data["source"].startswith(
        "Example evaluation"
    )
