"""Through the real command: bad input exits 2 with one line, and the project is unchanged."""

from __future__ import annotations

import pytest
from importer_files import cli, info, make_docx, write

GOOD = "Interviewer: Why?\nR01: Because.\n"


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """One project shared by every failing import below: each must leave it as it was."""
    tmp = tmp_path_factory.mktemp("filled")
    project = tmp / "p.qtally"
    assert cli("new", str(project)).returncode == 0
    res = cli("import", str(project), str(write(tmp / "in" / "R01.txt", GOOD)), "--quiet")
    assert res.returncode == 0, res.stderr
    counts = info(project)
    assert counts["documents"] == 1 and counts["excerpts"] == 1
    return project, counts


def _bad_files(tmp_path):
    docx = make_docx(tmp_path / "src" / "ok.docx", ["Q: a", "A: b"]).read_bytes()
    return {
        "binary": write(tmp_path / "bad" / "R02.txt", b"MZ\x90\x00\x03\x00\x00\x00\xff\xff"),
        "empty": write(tmp_path / "bad" / "R03.txt", b"\r\n  \r\n"),
        "truncated docx": write(tmp_path / "bad" / "R04.docx", docx[: len(docx) // 3]),
        "missing column": write(tmp_path / "bad" / "coded.csv", "respondent,text\nR01,Because.\n"),
        "duplicate ids": write(tmp_path / "bad" / "respondents.csv", "respondent\nR01\nR01\n"),
        "cycle": write(tmp_path / "bad" / "codebook.csv", "name,parent\nA,B\nB,A\n"),
        "header-only respondents": write(tmp_path / "bad" / "people.csv", "respondent,group\n"),
        "header-only coded": write(tmp_path / "bad" / "excerpts.csv", "respondent,text,codes\n\n"),
        "header-only codebook": write(tmp_path / "bad" / "tree.csv", "path,parent\r\n"),
    }


@pytest.mark.parametrize("case", ["binary", "empty", "truncated docx", "missing column",
                                  "duplicate ids", "cycle", "header-only respondents",
                                  "header-only coded", "header-only codebook"])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, filled, case):
    bad = _bad_files(tmp_path)[case]
    project, before = filled
    good_too = write(tmp_path / "more" / "R05.txt", "Interviewer: Hm?\nR05: Yes.\n")
    res = cli("import", str(project), str(good_too), str(bad), "--quiet")
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"qualtally: error: {bad.name}: "), res.stderr
    assert res.stdout == ""
    assert info(project) == before
    if case.startswith("header-only"):
        assert lines[0].endswith(": no data rows (only a header)")


def test_progress_lines_do_not_hide_the_one_error_line(tmp_path, filled):
    bad = write(tmp_path / "d" / "z.txt", b"")
    write(tmp_path / "d" / "a.txt", GOOD.replace("R01", "R02"))
    res = cli("import", str(filled[0]), str(tmp_path / "d"))
    assert res.returncode == 2
    errors = [ln for ln in res.stderr.splitlines() if "error" in ln]
    assert errors == [f"qualtally: error: {bad.name}: empty file"]


def test_good_import_reports_counts_and_skips(tmp_path):
    project = tmp_path / "p.qtally"
    cli("new", str(project))
    folder = tmp_path / "study"
    write(folder / "README.txt", "about\n")
    write(folder / "R01.txt", GOOD)
    res = cli("import", str(project), str(folder), "--quiet")
    assert res.returncode == 0, res.stderr
    assert "1 document," in res.stdout and "skipped README.txt" in res.stdout
    assert info(project)["excerpts"] == 1
