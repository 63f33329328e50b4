"""Position conventions mapped and chosen; the CLI's import and export of REFI-QDA files;
a .qdpx into a project on PostgreSQL."""

from __future__ import annotations

import zipfile

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qualtally.cli import main
from qualtally.core.refi import CodeText, hex_colour, pack_description, unpack_description
from qualtally.importers.refi_positions import CONVENTIONS, SourceText, choose
from qualtally.project import Project
from refi.refi_files import sample

CHARS = st.sampled_from(list("ab \n") + ["\r\n", "😀", "é", "\r"])


def _units(text: str, utf16: bool) -> int:
    return len(text.encode("utf-16-le")) // 2 if utf16 else len(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(CHARS, min_size=1, max_size=40), st.data())
def test_every_convention_maps_a_position_to_the_same_place(parts, data):
    """A position counted under any convention lands where the same prefix ends in the
    text qualtally keeps."""
    # a lone CR right before an LF would be one CRLF, which no position falls inside
    assume(not any(a.endswith("\r") and b.startswith("\n") for a, b in zip(parts, parts[1:])))
    raw = "".join(parts)
    src = SourceText(raw, had_bom=True)
    cut = data.draw(st.integers(0, len(parts)))
    prefix = "".join(parts[:cut])
    kept = len(prefix.replace("\r\n", "\n").replace("\r", "\n"))
    for conv in CONVENTIONS:
        counted = prefix if conv.crlf_two else prefix.replace("\r\n", "\n")
        pos = _units(counted, conv.utf16) + conv.bom
        assert src.offset(pos, conv) == kept, conv.label


def test_the_best_fitting_convention_is_chosen():
    text = "Q: Who?\r\nA: Anna 😀 Lee said: fees 💸 are high.\r\nQ: Why?\r\nA: Budget cuts.\r\n"
    words = ["Anna", "fees", "high", "Budget", "cuts"]
    for conv in CONVENTIONS[:4]:
        counted = text if conv.crlf_two else text.replace("\r\n", "\n")
        spans = []
        for w in words:
            i = counted.index(w)
            spans.append((_units(counted[:i], conv.utf16), _units(counted[:i + len(w)],
                                                                  conv.utf16)))
        assert choose([(SourceText(text), spans)]) == conv


def test_description_packing_and_colours():
    code = CodeText("Def.", "inc", "exc\nmore", ("a", "b"), ("one", "two\nlines"))
    assert unpack_description(pack_description(code)) == code
    assert [hex_colour(c) for c in ("#ABC", "#aabbccdd", "rgb(255,0,16)", "Navy", "bogus", "")] \
        == ["#aabbcc", "#aabbcc", "#ff0010", "#000080", None, None]


def test_cli_export_and_import_with_progress(tmp_path, capsys):
    project = tmp_path / "p.qtally"
    transcript = tmp_path / "R1-ann.txt"
    transcript.write_text("Interviewer: Hi [inaudible]?\n\nAnn: Fees [laughs] are high.\n",
                          encoding="utf-8")
    assert main(["new", str(project)]) == 0
    assert main(["import", str(project), str(transcript), "--quiet", "--no-suggestions"]) == 0
    capsys.readouterr()
    out = tmp_path / "out.qdpx"
    assert main(["export", str(project), str(out)]) == 0
    stdout, stderr = capsys.readouterr()
    assert stdout.strip() == f"wrote {out}"
    assert "writing sources: 1/1" in stderr  # the plain progress lines when not a terminal
    assert zipfile.ZipFile(out).namelist()[0] == "project.qde"
    again = tmp_path / "again.qtally"
    assert main(["new", str(again)]) == 0
    assert main(["import", str(again), str(out), "--no-suggestions"]) == 0
    stdout, stderr = capsys.readouterr()
    assert "imported 1 respondent, 1 document, 1 excerpt" in stdout
    assert "reading sources: 1/1" in stderr
    assert main(["export", str(project), str(tmp_path / "codes.qdc")]) == 2
    assert "no codes to export" in capsys.readouterr().err
    assert main(["export", str(project), str(tmp_path / "x.qdx")]) == 2
    assert ".qdpx or .qdc" in capsys.readouterr().err


def test_nvivo_sample_into_postgresql(tmp_path):
    from qt_pg import fresh_database

    path = sample("nvivo12-oltas0517.qdpx")
    with fresh_database() as url:
        project = Project.new(url)
        try:
            counts = project.import_paths([path], actor="test")
            assert (counts["codes"], counts["codings"], counts["documents"]) == (152, 303, 2)
            rows = project.export_rows()
            docs = {d.name: project.document(d.id).text for d in project.documents()}
            assert all(docs[r["document"]][r["start"]:r["end"]] == r["text"] for r in rows)
            out = project.export(tmp_path / "pg.qdpx")
            assert zipfile.ZipFile(out).testzip() is None
        finally:
            project.close()
