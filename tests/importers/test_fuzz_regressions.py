"""What the importer fuzzing (test_fuzz_importers.py) found, each pinned down by a file made
here: a ZIP member whose deflate data is damaged (zlib.error escaped as a traceback from
.docx, .xlsx and .qdpx), and a parser message with a line break in it (two error lines)."""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

import pytest
from importer_files import make_docx, make_xlsx

from qualtally.cli import main
from qualtally.core.errors import InputError
from qualtally.project import Project


def _import(tmp_path: Path, path: Path) -> tuple[int, list[str]]:
    project = tmp_path / "p.qtally"
    Project.new(project).close()
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["import", str(project), str(path), "--no-suggestions", "--quiet"])
    with Project.open(project) as p:
        info = p.info()
    assert not any(info[k] for k in ("documents", "respondents", "codes", "excerpts")), info
    return code, err.getvalue().splitlines()


def _damage_deflate(path: Path, member_index: int = 0) -> Path:
    """Overwrite the first byte of a member's deflate data with 0xFF (a reserved block type):
    the ZIP directory stays sound, inflating the member raises zlib.error."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.infolist()[member_index]
    assert info.compress_type == zipfile.ZIP_DEFLATED
    start = info.header_offset
    name_len = int.from_bytes(data[start + 26:start + 28], "little")
    extra_len = int.from_bytes(data[start + 28:start + 30], "little")
    data[start + 30 + name_len + extra_len] = 0xFF
    path.write_bytes(bytes(data))
    return path


def _qdpx(tmp_path: Path) -> Path:
    with Project.new(tmp_path / "src.qtally") as p:
        (tmp_path / "t.txt").write_text("Interviewer: Hi?\n\nAnn: Hello.\n", encoding="utf-8")
        p.import_paths([tmp_path / "t.txt"], actor="t")
        return p.export(tmp_path / "p.qdpx")


@pytest.mark.parametrize("kind", ["docx", "xlsx", "qdpx"])
def test_a_member_with_damaged_deflate_data_is_one_error_line(tmp_path, kind):
    if kind == "docx":
        path = make_docx(tmp_path / "in" / "R01.docx", ["Interviewer: Hi?", "Ann: Hello."])
    elif kind == "xlsx":
        path = make_xlsx(tmp_path / "in" / "people.xlsx", [["respondent", "group"], ["K1", "A"]])
    else:
        path = _qdpx(tmp_path)
    with zipfile.ZipFile(path) as zf:
        index = next(i for i, info in enumerate(zf.infolist())
                     if info.compress_type == zipfile.ZIP_DEFLATED)
    _damage_deflate(path, index)
    code, lines = _import(tmp_path, path)
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith(f"qualtally: error: {path.name}: "), lines
    assert "not a valid" in lines[0]


def test_a_parser_message_with_a_line_break_is_still_one_line(tmp_path):
    path = make_docx(tmp_path / "in" / "R01.docx", ["Interviewer: Hi?", "Ann: Hello."])
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    xml = members["word/document.xml"]
    members["word/document.xml"] = xml[:1] + b"\x00" + xml[1:]  # lxml: "...\n, line 1, ..."
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    code, lines = _import(tmp_path, path)
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("qualtally: error: R01.docx: not a valid .docx")


def test_an_input_error_is_one_line_whatever_it_quotes():
    err = InputError("a\nb.txt", "bad (Invalid character\n, line 1)\r\n  here")
    assert str(err) == "a b.txt: bad (Invalid character , line 1) here"
