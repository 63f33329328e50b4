"""Every encoding we promise decodes to the same text; every bad file is refused by name."""

from __future__ import annotations

import codecs

import pytest
from importer_files import make_docx, write

from qualtally.core.errors import InputError
from qualtally.importers import load_paths

TEXT = "Interviewer: Où étiez-vous ?\nRenée Côté: À Genève — “naturally”.\n"


@pytest.mark.parametrize("raw", [
    TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    TEXT.encode("cp1252"),
    TEXT.replace("\n", "\r\n").encode("utf-8"),
    TEXT.replace("\n", "\r").encode("utf-8"),
    codecs.BOM_UTF16_LE + TEXT.replace("\n", "\r\n").encode("utf-16-le"),
], ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "cp1252", "crlf", "cr", "utf16-crlf"])
def test_encodings_decode_to_the_same_text_and_offsets(tmp_path, raw):
    doc = load_paths([write(tmp_path / "R1.txt", raw)]).documents[0]
    assert doc.text == TEXT
    assert [doc.text[t.start : t.end] for t in doc.turns] == [
        "Où étiez-vous ?",
        "À Genève — “naturally”.",
    ]


def test_crlf_csv_with_bom_and_semicolons(tmp_path):
    raw = codecs.BOM_UTF8 + "Respondent;Région\r\nR1;Montréal\r\nR2;Genève\r\n".encode()
    bundle = load_paths([write(tmp_path / "people.csv", raw)])
    assert [(r.key, r.attributes) for r in bundle.respondents] == [
        ("R1", {"Région": "Montréal"}), ("R2", {"Région": "Genève"})]


def _error(paths) -> InputError:
    with pytest.raises(InputError) as info:
        load_paths(paths)
    return info.value


@pytest.mark.parametrize("name,content,problem", [
    ("R1.txt", b"Interviewer: hi\x00\x01\x02\xff", "binary file, not text"),
    ("R1.txt", bytes(range(256)) * 4, "binary file, not text"),
    ("R1.md", b"", "empty file"),
    ("R1.txt", b"  \r\n\t\n", "empty file"),
    ("R1.vtt", b"\xef\xbb\xbf\n", "empty file"),
    ("people.csv", b"", "empty file"),
    ("people.csv", b"region,age\nEast,3\n", "cannot tell what this table is"),
    ("x.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
    ("R1.vtt", b"00:00:01.000 --> 00:00:02.000\nhi\n", "no WEBVTT header"),
    ("R1.srt", b"1\nnot a timing\nhi\n", "cue without a valid timing line"),
])
def test_bad_files_name_the_file_and_the_problem(tmp_path, name, content, problem):
    err = _error([write(tmp_path / name, content)])
    assert err.source == name
    assert problem in err.problem


def test_truncated_docx(tmp_path):
    good = make_docx(tmp_path / "good.docx", ["Interviewer: hi", "R1: hello"])
    data = good.read_bytes()
    for i, cut in enumerate((len(data) // 2, 100, 10)):
        bad = write(tmp_path / f"bad{i}.docx", data[:cut])
        err = _error([bad])
        assert err.source == bad.name and err.problem.startswith("not a valid .docx (")


def test_text_renamed_to_docx(tmp_path):
    err = _error([write(tmp_path / "R1.docx", "Interviewer: plain text really")])
    assert err.problem.startswith("not a valid .docx (")


def test_missing_path(tmp_path):
    err = _error([tmp_path / "nope"])
    assert err.problem == "no such file or folder"


def test_error_in_one_file_of_a_folder_names_that_file(tmp_path):
    write(tmp_path / "d" / "R1.txt", "Interviewer: hi\nR1: yes\n")
    write(tmp_path / "d" / "sub" / "R2.txt", b"\x00\x00")
    err = _error([tmp_path / "d"])
    assert err.source == "sub/R2.txt" and err.problem == "binary file, not text"
