"""The demo corpus end to end: the audit finds the planted mismatches; TUI, CLI JSON and XLSX agree.

Needs the file importers and the corpus (``corpus/iom-evaluation``); skipped when either is
not in this checkout yet.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qualtally.cli import main
from qualtally.project import Project

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "iom-evaluation"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    if not (CORPUS / "coded.csv").exists():
        pytest.skip("demo corpus not in this checkout")
    path = tmp_path_factory.mktemp("demo") / "demo.qtally"
    project = Project.new(path)
    try:
        project.import_paths([CORPUS], actor="test")
    except NotImplementedError:
        project.close()
        pytest.skip("file importers not in this checkout")
    yield project
    project.close()


def test_audit_finds_the_planted_mismatches(demo):
    checks = {c.finding_key: c for c in demo.audit()}
    assert demo.tally().respondents_total == 24
    assert checks["R1"].claimed == "all" and checks["R1"].verdict == "overstated"
    understated = sorted(k for k, c in checks.items() if c.verdict == "understated")
    assert understated and all(checks[k].claimed == "some" for k in understated)
    consistent = [c for c in checks.values() if c.verdict == "consistent"]
    assert len(consistent) >= 6


def test_cli_json_xlsx_and_tally_agree(demo, tmp_path, capsys):
    tally = demo.tally(by="group")
    assert main(["tally", str(demo.path), "--json", "--by", "group"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(f["id"], f["respondents"], f["denominator"], f["label"]) for f in data["findings"]] == [
        (f.key, f.respondents, f.denominator, f.label) for f in tally.findings]
    out = demo.export(tmp_path / "demo.xlsx")
    rows = list(load_workbook(out)["finding x group"].iter_rows(values_only=True))
    for f in tally.findings:
        row = next(r for r in rows if r[0] == f.key)
        assert list(row[3:6]) == [f.respondents, f.denominator, f.label]
        assert list(row[8:8 + len(tally.groups)]) == [str(f.by[g]) for g in tally.groups]
