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
    assert [
        (f["id"], f["respondents"], f["denominator"], f["label"]) for f in data["findings"]
    ] == [(f.key, f.respondents, f.denominator, f.label) for f in tally.findings]
    out = demo.export(tmp_path / "demo.xlsx")
    rows = list(load_workbook(out)["finding x group"].iter_rows(values_only=True))
    for f in tally.findings:
        row = next(r for r in rows if r[0] == f.key)
        assert list(row[3:6]) == [f.respondents, f.denominator, f.label]
        assert list(row[8:8 + len(tally.groups)]) == [str(f.by[g]) for g in tally.groups]


async def test_every_split_agrees_on_screen_in_drilldown_json_and_xlsx(demo, tmp_path, capsys):
    """Split by every attribute: the Findings screen's cells, ``tally --json``, the drill-down
    of each cell and the workbook all show the tally's numbers (one group rule, one roll-up)."""
    from textual.widgets import DataTable, Static

    from .test_findings_screen import Host, cell, settle

    wb = load_workbook(demo.export(tmp_path / "demo.xlsx"))
    matrix = list(wb["code x respondent"].iter_rows(values_only=True))
    keys = list(matrix[0][3:])
    whole = demo.tally()
    for c in whole.codes:  # the 0/1 matrix is the roll-up the drill-down lists
        row = next(r for r in matrix if r[0] == c.path)
        listed = demo.drilldown(c.path, tally=whole).supporters
        assert {k for k, v in zip(keys, row[3:]) if v == 1} == set(listed) == set(c.supporters)
    printed = {}
    for by in demo.attribute_names():  # before the app runs: it takes over stdout
        assert main(["tally", str(demo.path), "--json", "--by", by]) == 0
        printed[by] = json.loads(capsys.readouterr().out)
    app = Host(demo)
    async with app.run_test(size=(220, 50)) as pilot:
        screen = app.screen
        await settle(pilot, screen)
        table = screen.query_one(DataTable)
        assert screen.splits[1:] == demo.attribute_names() and len(screen.splits) > 3
        for by in screen.splits[1:]:
            await pilot.press("b")
            await settle(pilot, screen)
            assert screen.by == by
            tally = demo.tally(by=by)
            data = printed[by]
            assert list(data["groups"]) == list(tally.groups)
            for i, f in enumerate(tally.findings):
                for j, g in enumerate(tally.groups):
                    c = f.by[g]
                    assert cell(table, i, 5 + j) == str(c), (by, f.key, g)
                    assert data["findings"][i]["by"][g] == {
                        "respondents": c.n, "denominator": c.total, "label": c.label}
                    d = demo.drilldown(f.key, by=by, group=g, tally=tally)
                    assert (d.n, d.total, d.label) == (c.n, c.total, c.label), (by, f.key, g)
                    listed = [*d.supporters, *d.non_supporters]
                    assert all(tally.respondent_groups[k] == g for k in listed)
            table.cursor_coordinate = (0, 5)  # the first finding's first group, drilled on screen
            await pilot.press("enter")
            await settle(pilot, screen)
            group = next(iter(tally.groups))
            first = tally.findings[0].by[group]
            drill = str(screen.query_one("#findings-drill-text", Static).render())
            assert f"\n{first.n}/{first.total} {first.label} · group {group}\n" in drill
