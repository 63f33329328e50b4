"""Issue 19, "the denominator and the respondents must be right": each label case reproduced.

Before the fix every unmatched label silently became a respondent (raising N), an Otter line
made speaker "Anna Jones 0", a .docx speaker table was one excerpt, two respondents with the
same name got the first one's turns, and a findings.md alone became a respondent.
"""

from __future__ import annotations

import pytest
from speaker_files import FINDINGS, cli, project_files, speaker_table_docx, write

from qualtally.core.errors import InputError
from qualtally.core.models import Respondent
from qualtally.core.speakers import SpeakerDecisions, UnmatchedSpeakers, closest
from qualtally.importers import load_paths
from qualtally.project import Project


def _turns(doc):
    return [(t.speaker, t.respondent_key, doc.text[t.start:t.end]) for t in doc.turns]


def test_otter_name_and_time_lines_open_turns_with_the_text_below(tmp_path):
    f = project_files(tmp_path)["otter"]
    doc = load_paths([f], existing=[Respondent("P02", {"name": "Ben Smith"})]).documents[0]
    assert _turns(doc) == [("Sarah Lee", "Sarah Lee", "What barriers did you face?"),
                           ("Ben Smith", "P02", "The cost of travel."),
                           ("Sarah Lee", "Sarah Lee", "Thanks, Ben.")]
    assert [t.meta.get("start") for t in doc.turns] == ["00:00:03.000", "00:00:09.000",
                                                        "00:00:15.000"]


def test_zoom_and_teams_variants_of_the_layout(tmp_path):
    f = write(tmp_path / "teams.txt", "[00:00:05] Ben Smith\nHello.\n[00:00:09] Interviewer\n"
              "Why?\n[00:00:12] Ben Smith\nBecause.\n")
    doc = load_paths([f]).documents[0]
    assert [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns] == [
        ("Ben Smith", "Hello."), ("Interviewer", "Why?"), ("Ben Smith", "Because.")]


def test_docx_speaker_table_gives_each_row_its_own_turn(tmp_path):
    f = project_files(tmp_path)["docx"]
    doc = load_paths([f], existing=[Respondent("P02", {"name": "Ben Smith"})]).documents[0]
    assert _turns(doc) == [("Interviewer", None, "Any other barriers?"),
                           ("Ben Smith", "P02", "Childcare [crosstalk] too.")]
    three = tmp_path / "three.docx"
    import docx

    d = docx.Document()
    table = d.add_table(rows=0, cols=3)
    for row in [("Time", "Speaker", "Text"), ("0:01", "Interviewer", "Why?"),
                ("0:04", "Ben Smith", "Cost.")]:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    d.save(str(three))
    doc = load_paths([three]).documents[0]
    assert [(t.speaker, doc.text[t.start:t.end], t.meta.get("start")) for t in doc.turns] == [
        ("Interviewer", "Why?", "00:00:01.000"), ("Ben Smith", "Cost.", "00:00:04.000")]


def test_a_table_that_is_not_a_speaker_table_keeps_its_cells(tmp_path):
    f = speaker_table_docx(tmp_path / "R05.docx", [("the first point we made was long and "
                                                     "lower case", "x")], header=False)
    doc = load_paths([f]).documents[0]
    assert "the first point we made" in doc.text and "x" in doc.text.splitlines()


def test_r_in_a_file_listed_as_a_respondents_transcript_is_that_respondent(tmp_path):
    files = project_files(tmp_path)
    bundle = load_paths([files["respondents"], files["int03"]])
    assert [t.respondent_key for t in bundle.documents[0].turns] == [None, "P03", None, "P03"]


def test_two_respondents_with_one_name_do_not_get_the_first_ones_turns(tmp_path):
    people = write(tmp_path / "people.csv", "respondent,name\nP01,Anna Jones\nP04,Anna Jones\n")
    f = write(tmp_path / "x.txt", "Interviewer: Hi?\nAnna Jones: Hello.\n")
    (doc,) = load_paths([people, f]).documents
    assert [t.respondent_key for t in doc.turns] == [None, "Anna Jones"]  # left to the review


def test_a_name_two_respondents_share_matches_neither(tmp_path):
    people = write(tmp_path / "people.csv", "respondent,name\nP01,Anna Jones\nP04,Anna Jones\n")
    f = write(tmp_path / "x.txt", "Interviewer: Hi?\nAnna Jones: Hello.\nInterviewer: Bye?\n"
              "Anna Jones: Bye.\n")
    with Project.new(tmp_path / "p.qtally") as project:
        with pytest.raises(UnmatchedSpeakers) as err:
            project.import_paths([people, f], actor="t")
        (label,) = err.value.labels
        assert label.label == "Anna Jones" and set(label.candidates[:2]) == {"P01", "P04"}
        counts = project.import_paths([people, f], actor="t",
                                      decisions=SpeakerDecisions({"Anna Jones": "P04"}))
        assert counts["respondents"] == 2
        assert {e.respondent_key for e in project.excerpts()} == {"P04"}


def test_every_unmatched_label_is_reported_with_its_closest_respondents(tmp_path):
    files = project_files(tmp_path)
    with Project.new(tmp_path / "p.qtally") as project:
        with pytest.raises(UnmatchedSpeakers) as err:
            project.import_paths(list(files.values()), actor="t")
        got = {(x.label, x.candidates[0] if x.candidates else None) for x in err.value.labels}
        assert got == {("Sarah Lee", None), ("Ana Jones", "P01"), ("Anna", "P01"),
                       ("Ms. Jones", "P01")}
        assert project.info()["respondents"] == 0  # nothing was written


def test_decisions_make_the_counts_right(tmp_path):
    files = project_files(tmp_path)
    decisions = SpeakerDecisions.parse(
        ["Ana Jones=P01", "Anna=P01", "Ms. Jones=P01"], ["Sarah Lee"], False)
    with Project.new(tmp_path / "p.qtally") as project:
        counts = project.import_paths(list(files.values()), actor="t", decisions=decisions)
        assert counts["speakers"] == []
        assert sorted(r.key for r in project.respondents()) == ["P01", "P02", "P03"]
        by_doc = {}
        for e in project.excerpts():
            by_doc.setdefault(e.document_id, set()).add(e.respondent_key)
        assert sorted(map(sorted, by_doc.values())) == [["P01"], ["P02"], ["P02"], ["P03"],
                                                        ["P03"]]
        assert len(project.findings()) == 2
        assert project.tally().respondents_total == 3
        barriers = project.code_by_path("Barriers").id
        for e in project.excerpts():
            project.apply_code(e.id, barriers, "alice")
        f1 = next(f for f in project.tally().findings if f.key == "F1")
        assert (f1.respondents, f1.denominator, f1.label) == (3, 3, "all")


def test_a_decision_naming_nothing_is_refused(tmp_path):
    files = project_files(tmp_path)
    with Project.new(tmp_path / "p.qtally") as project:
        for maps, msg in ((["Anna Jnes=P01"], "no imported transcript has this speaker label"),
                          (["Anna=P09"], "no respondent 'P09' is listed")):
            with pytest.raises(InputError, match=msg):
                project.import_paths(list(files.values()), actor="t",
                                     decisions=SpeakerDecisions.parse(maps, [], True))
        assert project.info()["documents"] == 0


def test_create_respondents_accepts_them_and_says_so(tmp_path):
    files = project_files(tmp_path)
    with Project.new(tmp_path / "p.qtally") as project:
        counts = project.import_paths(list(files.values()), actor="t",
                                      decisions=SpeakerDecisions(create=True))
        assert {x.proposed for x in counts["speakers"]} == {"Sarah Lee", "Ana Jones", "Anna",
                                                           "Ms. Jones"}
        assert counts["respondents"] == 7
        barriers = project.code_by_path("Barriers").id
        for e in project.excerpts():
            if e.respondent_key in ("P02", "P03", "Ana Jones"):  # the same people as above
                project.apply_code(e.id, barriers, "alice")
        f1 = next(f for f in project.tally().findings if f.key == "F1")
        # the interviewer and Anna's short forms now count in N: "all" is no longer true
        assert (f1.respondents, f1.denominator, f1.label) == (3, 6, "some")


def test_without_a_list_labels_become_respondents_and_are_listed(tmp_path):
    f = write(tmp_path / "x.txt", "Interviewer: Hi?\nKofi: Hello.\n")
    with Project.new(tmp_path / "p.qtally") as project:
        counts = project.import_paths([f], actor="t")
        assert [(x.label, x.proposed) for x in counts["speakers"]] == [("Kofi", "Kofi")]


def test_closest_knows_short_forms_and_typos():
    people = {"P01": "Anna Jones", "P02": "Ben Smith", "P03": "Carla Diaz"}
    assert closest("Ana Jones", people)[0] == "P01"
    assert closest("Ms. Jones", people) == ("P01",)
    assert closest("Anna", people) == ("P01",)
    assert closest("Sarah Lee", people) == ()


def test_findings_md_alone_is_findings_never_a_transcript(tmp_path):
    f = write(tmp_path / "findings.md", FINDINGS)
    with Project.new(tmp_path / "p.qtally") as project:
        counts = project.import_paths([f], actor="t")
        assert counts["findings"] == 2 and counts["respondents"] == 0
        assert project.info()["documents"] == 0
    report = write(tmp_path / "report.txt", "Results\n\nF1: All respondents agreed.\n")
    with Project.new(tmp_path / "q.qtally") as project:
        with pytest.raises(InputError, match="holds no finding items"):
            project.import_paths([report], actor="t", as_role="findings")


def test_bold_speaker_labels_stay_a_transcript(tmp_path):
    f = write(tmp_path / "R09.md", "**P1**: Hello.\n**Interviewer**: Why?\n**P1**: Because.\n")
    assert len(load_paths([f]).documents) == 1


def test_cli_lists_every_unmatched_label_and_changes_nothing(tmp_path):
    files = project_files(tmp_path / "in")
    project = tmp_path / "p.qtally"
    assert cli("new", str(project)).returncode == 0
    res = cli("import", str(project), *map(str, files.values()), "--quiet", "--no-suggestions")
    assert res.returncode == 2, res.stdout
    for label in ("'Sarah Lee'", "'Ana Jones'", "'Anna'", "'Ms. Jones'"):
        assert label in res.stderr
    assert "closest listed: P01 (Anna Jones)" in res.stderr
    assert "--create-respondents" in res.stderr
    info = cli("info", str(project), "--json")
    assert '"respondents": 0' in info.stdout and '"documents": 0' in info.stdout
    res = cli("import", str(project), *map(str, files.values()), "--quiet", "--no-suggestions",
              "--map", "Ana Jones=P01", "--map", "anna.txt:Anna=P01", "--map", "Ms. Jones=P01",
              "--interviewer", "Sarah Lee")
    assert res.returncode == 0, res.stderr
    assert "imported 3 respondents, 5 documents" in res.stdout
    assert "new respondent" not in res.stdout


def test_cli_as_findings(tmp_path):
    f = write(tmp_path / "notes.txt", FINDINGS)
    project = tmp_path / "p.qtally"
    cli("new", str(project))
    res = cli("import", str(project), str(f), "--as", "findings", "--quiet", "--no-suggestions")
    assert res.returncode == 0, res.stderr
    assert "2 findings" in res.stdout and "0 respondents" in res.stdout


def test_cli_review_with_nothing_left_to_decide_imports_straight_away(tmp_path):
    files = project_files(tmp_path / "in")
    project = tmp_path / "p.qtally"
    cli("new", str(project))
    res = cli("import", str(project), str(files["respondents"]), str(files["int03"]),
              str(files["otter"]), "--review", "--interviewer", "Sarah Lee", "--quiet",
              "--no-suggestions")
    assert res.returncode == 0, res.stderr
    assert "imported 3 respondents, 2 documents, 3 excerpts" in res.stdout


def test_r_in_a_file_no_list_entry_names_is_reported_and_mapped_per_file(tmp_path):
    people = write(tmp_path / "people.csv", "respondent,name\nP03,Carla Diaz\nP04,Dan Roe\n")
    int03 = project_files(tmp_path / "in")["int03"]
    with Project.new(tmp_path / "p.qtally") as project:
        with pytest.raises(UnmatchedSpeakers) as err:
            project.import_paths([people, int03], actor="t")
        (label,) = err.value.labels
        assert (label.label, label.proposed, label.candidates[0]) == ("R", "int03", "P03")
        decisions = SpeakerDecisions.parse(["int03-tran.txt:R=P03"], [], False)
        project.import_paths([people, int03], actor="t", decisions=decisions)
        assert {e.respondent_key for e in project.excerpts()} == {"P03"}
        assert project.tally().respondents_total == 1
