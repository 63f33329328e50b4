"""Memos in the CSV, XLSX and HTML exports, and back in through the CSV (issue 19).

The coded-excerpts CSV carries each coder's memo in a ``memo`` column (a memo on an excerpt
the coder did not code gets a row of its own, which an import does not take for "looked at,
nothing applies"); the XLSX codings sheet and the HTML report show them. Attributes, code
definitions and findings travel in a .qdpx (tests/refi/test_round_trip.py)."""

from __future__ import annotations

import csv

from openpyxl import load_workbook

from qualtally.project import Project

MEMO = 'Check <b>this</b> [inaudible] part, "quoted"; later.'


def _memos(project) -> set[tuple[str, str, str]]:
    return {(r["text"], r["coder"], r["memo"]) for r in project.export_rows() if r["memo"]}


def _with_memos(small):
    by_text = {e.text: e for e in small.excerpts()}
    small.set_memo(by_text["Yes, managed migration needs it."].id, "alice", MEMO)
    small.set_memo(by_text["Mandate creep worries me."].id, "bob", "bob never coded this one")
    return {("Yes, managed migration needs it.", "alice", MEMO),
            ("Mandate creep worries me.", "bob", "bob never coded this one")}


def test_memos_survive_a_csv_round_trip(small, tmp_path):
    expected = _with_memos(small)
    out = small.export(tmp_path / "coded.csv")
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {(r["text"], r["coder"], r["memo"]) for r in rows if r["memo"]} == expected
    with Project.new(tmp_path / "copy.qtally") as copy:
        copy.import_paths([out], actor="t")
        assert _memos(copy) == expected
        # the memo-only row did not mark bob's excerpt "looked at, nothing applies"
        again = [r for r in copy.export_rows() if r["coder"] == "bob" and r["memo"]]
        assert [r["codes"] for r in again] == [""]
        key = lambda r: (r["document"], r["text"], r["coder"])  # noqa: E731
        strip = lambda rows: sorted(  # noqa: E731
            ({k: v for k, v in r.items() if k not in ("start", "end")} for r in rows), key=key)
        assert strip(copy.export_rows()) == strip(small.export_rows())


def test_xlsx_and_html_show_the_memos(small, tmp_path):
    _with_memos(small)
    xlsx = small.export(tmp_path / "report.xlsx")
    rows = [list(r) for r in load_workbook(xlsx)["codings"].iter_rows(values_only=True)]
    memo_col = rows[0].index("memo")
    assert {r[memo_col] for r in rows[1:] if r[memo_col]} == {MEMO, "bob never coded this one"}
    html = small.export(tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<h2>Memos</h2>" in html
    assert "Check &lt;b&gt;this&lt;/b&gt; [inaudible] part, &quot;quoted&quot;; later." in html
    only_alice = small.export_report(tmp_path / "alice.html", coder="alice")
    text = only_alice.read_text(encoding="utf-8")
    assert "Check &lt;b&gt;" in text and "bob never coded this one" not in text
