"""Hostile and broken REFI-QDA files (tests/data/bad/, written by make_bad_files.py) are
refused: one line naming the file and the problem, exit code 2, nothing imported, quickly."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from qualtally.cli import main
from qualtally.project import Project
from refi.refi_files import DATA, G, project_xml, write_qdpx

BAD = DATA / "bad"
EXPECTED = {
    "xxe.qdpx": "refused: project.qde declares a DTD",
    "billion-laughs.qdpx": "refused: project.qde declares a DTD",
    "xxe.qdc": "refused: the codebook declares a DTD",
    "zip-slip.qdpx": "refused: unsafe member path '../../evil.txt'",
    "absolute-member.qdpx": "refused: unsafe member path '/tmp/evil.txt'",
    "backslash-slip.qdpx": "refused: unsafe member path",
    "zip-bomb.qdpx": "refused: project.qde would inflate 1028 times (a zip bomb?)",
    "overlap-bomb.qdpx": "refused: the archive would inflate to 4800 MiB",
    "lying-size.qdpx": "corrupt member project.qde",
    "not-a-zip.qdpx": "not a valid .qdpx (not a ZIP archive",
    "truncated.qdpx": "not a valid .qdpx",
    "no-project.qdpx": "no project.qde in the archive",
    "malformed.qdpx": "project.qde is not well-formed XML (line 2",
    "wrong-root.qdpx": "not a REFI-QDA project",
    "selection-outside.qdpx": "positions 20-99999 lie outside its text (48 characters)",
    "positions-not-numbers.qdpx": "positions 'twenty'-'40' are not whole numbers",
    "missing-source.qdpx": "'internal://nothere.txt' is not in the archive",
    "deep-codes.qdc": "refused: codes nested more than 200 deep",
}


def test_every_file_in_the_folder_is_listed_here():
    assert sorted(p.name for p in BAD.iterdir() if p.suffix in (".qdpx", ".qdc")) == \
        sorted(EXPECTED)


def _untouched(path) -> None:
    with Project.open(path) as project:
        info = project.info()
        assert all(info[k] == 0 for k in ("documents", "respondents", "excerpts", "codes",
                                          "codings", "findings", "memos"))
        with project.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one() == 0
    assert not (path.parent / f"{path.name}.backups").exists()  # no backup: nothing to write


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_refused_in_one_line_exit_2_nothing_imported(name, tmp_path, capsys):
    project = tmp_path / "p.qtally"
    Project.new(project).close()
    started = time.perf_counter()
    code = main(["import", str(project), str(BAD / name), "--quiet", "--no-suggestions"])
    elapsed = time.perf_counter() - started
    out, err = capsys.readouterr()
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"qualtally: error: {name}: ")
    assert EXPECTED[name] in lines[0]
    assert "imported" not in out
    assert elapsed < 2.0  # bombs are refused from the ZIP directory, before inflating
    _untouched(project)


def test_a_bad_file_beside_good_ones_imports_nothing_at_all(tmp_path, capsys):
    good = tmp_path / "interview.txt"
    good.write_text("Interviewer: Hi?\nAnn: Hello.\n", encoding="utf-8")
    project = tmp_path / "p.qtally"
    Project.new(project).close()
    assert main(["import", str(project), str(good), str(BAD / "zip-slip.qdpx"), "--quiet",
                 "--no-suggestions"]) == 2
    _untouched(project)


def test_a_file_refused_while_writing_leaves_the_project_as_it_was(tmp_path, capsys):
    text = "Interviewer: Hi?\nAnn: The fees.\n"
    qde = project_xml(
        f'<CodeBook><Codes><Code guid="{G[1]}" name="Fees" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{G[2]}" name="a" plainTextPath="internal://a.txt">'
        f'<PlainTextSelection guid="{G[3]}" startPosition="22" endPosition="30">'
        f'<Coding guid="{G[4]}"><CodeRef targetGUID="{G[1]}"/></Coding></PlainTextSelection>'
        "</TextSource></Sources>")
    path = write_qdpx(tmp_path / "a.qdpx", qde, {"sources/a.txt": text})
    project = tmp_path / "p.qtally"
    Project.new(project).close()
    assert main(["import", str(project), str(path), "--quiet", "--no-suggestions"]) == 0
    with Project.open(project) as p:
        before = p.info()
    capsys.readouterr()
    # the same document again: refused by the store, inside the import's one transaction
    assert main(["import", str(project), str(path), "--quiet", "--no-suggestions"]) == 2
    assert "a document with this name is already in the project" in capsys.readouterr().err
    with Project.open(project) as p:
        assert p.info() == before
