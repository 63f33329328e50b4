"""Imports through the façade: stored excerpts are exact slices; CSV round-trips; sentences."""

from __future__ import annotations

import codecs
import csv
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_files import write

from qualtally.project import Project

_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
_content = st.text(alphabet=st.one_of(_chars, st.sampled_from(" \n\t:é—“”")), max_size=40)
_label = st.sampled_from(
    ["Interviewer", "Q", "A", "Marie Tremblay", "Renée Côté", "R01", "Moderator"]
)


def _check_slices(project: Project) -> int:
    docs = {d.id: project.document(d.id) for d in project.documents()}
    excerpts = project.excerpts()
    for e in excerpts:
        assert e.text == docs[e.document_id].text[e.start:e.end]
        assert e.end > e.start and e.text == e.text.strip()
    return len(excerpts)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    turns=st.lists(st.tuples(_label, _content), max_size=6),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.sampled_from(["", "utf-8-bom", "utf-16"]),
    unit=st.sampled_from(["turn", "sentence"]),
)
def test_every_stored_excerpt_is_the_slice_of_its_document(turns, newline, bom, unit):
    text = "Interview notes\n" + "".join(f"{label}: {content}\n" for label, content in turns)
    raw_text = text.replace("\n", newline)
    if bom == "utf-16":
        data = codecs.BOM_UTF16_LE + raw_text.encode("utf-16-le")
    else:
        data = (codecs.BOM_UTF8 if bom else b"") + raw_text.encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        f = write(Path(tmp) / "R01-x.txt", data)
        with Project.new(Path(tmp) / "p.qtally") as project:
            project.import_paths([f], actor="t", unit=unit)
            (doc,) = project.documents()
            stored = project.document(doc.id)
            assert stored.text == text.replace("\r\n", "\n").replace("\r", "\n")
            for turn in stored.turns:
                assert stored.text[turn.start:turn.end] == stored.text[turn.start:turn.end].strip()
            _check_slices(project)


CODED = [
    ["respondent", "document", "text", "codes", "coder"],
    ["R01", "R01.txt", "We needed faster funding.", "Performance > Timeliness;Relevance", "ann"],
    ["R01", "R01.txt", "We needed faster funding.", "Performance > Timeliness", "bob"],
    ["R02", "", "Nothing to add, really.", "", "ann"],
    ["R02", "", "Staff turnover hurt; a lot.", "Efficiency > Staffing", "bob"],
    ["R03", "Geneva notes", "IOM's reach is global.\nIt matters.", "Relevance > Reach", "ann"],
]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _identity(project: Project) -> set[tuple]:
    out = set()
    for row in project.export_rows():
        for path in str(row["codes"]).split(";") if row["codes"] else [None]:
            out.add((row["document"], row["respondent"], row["text"], row["coder"], path))
    return out


def test_coded_csv_round_trip_two_coders(tmp_path):
    source = _csv(tmp_path / "coded.csv", CODED)
    with Project.new(tmp_path / "a.qtally") as a:
        counts = a.import_paths([source], actor="t")
        assert counts["codings"] == 5 and counts["excerpts"] == 4  # ann+bob share one excerpt
        a.export(tmp_path / "out.csv")
        first = _identity(a)
        _check_slices(a)
    with Project.new(tmp_path / "b.qtally") as b:
        b.import_paths([tmp_path / "out.csv"], actor="t")
        assert _identity(b) == first
        _check_slices(b)
    expected = {(d or f"coded/{r}", r, t, c, p or None) for r, d, t, codes, c in CODED[1:]
                for p in (codes.split(";") if codes else [""])}
    assert first == expected


def test_round_trip_with_transcripts(tmp_path):
    write(tmp_path / "in" / "R01.txt", "Interviewer: Why?\nR01: We needed faster funding.\n")
    write(tmp_path / "in" / "coded.csv", "respondent,document,text,codes,coder\n"
          "R01,R01.txt,We needed faster funding.,Performance,ann\n"
          "R01,R01,needed faster,Performance > Timeliness,bob\n")
    with Project.new(tmp_path / "a.qtally") as a:
        a.import_paths([tmp_path / "in"], actor="t")
        assert len(a.documents()) == 1  # both rows landed in the transcript
        a.export(tmp_path / "out.csv")
        first = _identity(a)
    assert ("R01.txt", "R01", "needed faster", "bob", "Performance > Timeliness") in first
    with Project.new(tmp_path / "b.qtally") as b:
        b.import_paths([tmp_path / "out.csv"], actor="t")
        assert _identity(b) == first


def test_sentence_unit(tmp_path):
    f = write(tmp_path / "R07.txt", "Interviewer: Tell me. What happened?\n"
              "R07: It was late.  Then it improved!\nWas it enough? No.\nInterviewer: OK.\n")
    with Project.new(tmp_path / "p.qtally") as p:
        p.import_paths([f], actor="t", unit="sentence")
        assert [(e.text, e.respondent_key) for e in p.excerpts()] == [
            ("It was late.", "R07"), ("Then it improved!", "R07"), ("Was it enough?", "R07"),
            ("No.", "R07")]
        _check_slices(p)
    with Project.new(tmp_path / "q.qtally") as q:
        q.import_paths([f], actor="t")
        assert [e.text for e in q.excerpts()] == [
            "It was late.  Then it improved!\nWas it enough? No."
        ]


def test_a_later_transcript_import_recognises_respondents_already_in_the_project(tmp_path):
    """Respondents imported first, a transcript later: a label that is a respondent's name
    or key is that respondent, not a new person named after the label."""
    people = tmp_path / "people.csv"
    people.write_text(
        "respondent,name,group\nR07,Marie Tremblay,CIC\nR08,Sam Li,IOM\n", encoding="utf-8"
    )
    talk = tmp_path / "focus-group.txt"
    talk.write_text("Moderator: Tell me about coordination.\n\nMarie Tremblay: It works well.\n\n"
                    "R08: Not for us.\n", encoding="utf-8")
    with Project.new(tmp_path / "p.qtally") as p:
        p.import_paths([people])
        p.import_paths([talk])
        keys = {e.respondent_key for e in p.excerpts() if e.respondent_key}
        assert keys == {"R07", "R08"}
        assert len(p.respondents()) == 2
