"""XLSX and HTML exports: the same numbers as the tally, escaped text, atomic writes, empty
projects."""

from __future__ import annotations

import re

from openpyxl import load_workbook

from qualtally.core.models import CodedRow, ImportBundle

from .conftest import build


def sheet_rows(path, name):
    return [list(r) for r in load_workbook(path)[name].iter_rows(values_only=True)]


def test_xlsx_agrees_with_the_tally(small, tmp_path):
    out = small.export(tmp_path / "out" / "report.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == [
        "codings",
        "code x respondent",
        "finding x group",
        "audit",
        "scale",
        "about",
    ]
    tally, split = small.tally(), small.tally(by="group")
    matrix = sheet_rows(out, "code x respondent")
    assert matrix[0] == ["code", "respondents", "excerpts", "R1", "R2", "R3", "R4"]
    for c in tally.codes:
        row = next(r for r in matrix if r[0] == c.path)
        assert row[1:3] == [c.respondents, c.excerpts] and sum(row[3:]) == c.respondents
    groups = sheet_rows(out, "finding x group")
    assert groups[0][-3:] == ["group: HQ", "group: Missions", "group: (none)"]
    for f in split.findings:
        row = next(r for r in groups if r[0] == f.key)
        assert row[3:6] == [f.respondents, f.denominator, f.label]
        assert row[-3:] == [str(f.by[g]) for g in split.groups]
    audit = sheet_rows(out, "audit")
    assert [r[9] for r in audit[1:]] == [c.verdict for c in small.audit()]
    codings = sheet_rows(out, "codings")
    assert len(codings) - 1 == len(small.export_rows())
    assert not list((tmp_path / "out").glob(".qualtally-*"))


def test_xlsx_keeps_formula_like_text_as_text(tmp_path):
    project = build(tmp_path / "f.qtally", coded=[("", "=SUM(A1:A2) said R9", "R9", ["A"], "x")])
    out = project.export(tmp_path / "f.xlsx")
    cell = load_workbook(out)["codings"]["G2"]
    assert cell.value == "=SUM(A1:A2) said R9" and cell.data_type == "s"
    project.close()


def test_html_is_self_contained_and_escapes_transcript_text(small, tmp_path):
    small.store.import_bundle(
        ImportBundle(
            "x",
            coded=[
                CodedRow(
                    "R2",
                    "<script>alert(1)</script> & [inaudible]",
                    ("Concerns",),
                    "alice",
                    "r2-notes",
                )
            ],
        ),
        "t",
    )
    out = small.export(tmp_path / "report.html")
    html = out.read_text(encoding="utf-8")
    assert (
        "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; [inaudible]" in html
    )
    assert not re.search(r"(src|href)\s*=|@import|url\(|https?://", html)
    assert "<svg" in html and "F1" in html  # F2 is still R2 and R3: 2/4
    assert "2/4 many" in html and "▲ overstated" in html
    assert "Did not support (2): R2, R4" in html


def test_empty_project_exports(tmp_path):
    project = build(tmp_path / "e.qtally")
    html = project.export(tmp_path / "e.html").read_text(encoding="utf-8")
    assert "0 respondents interviewed" in html
    rows = sheet_rows(project.export(tmp_path / "e.xlsx"), "code x respondent")
    assert rows[0] == ["code", "respondents", "excerpts"] and len(rows) == 3  # header, gap, legend
    project.close()
