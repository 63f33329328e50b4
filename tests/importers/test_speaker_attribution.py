"""Header lines and several speakers in one file never become (or merge) respondents."""

from __future__ import annotations

from importer_files import make_docx, write

from qualtally.importers import load_paths


def _keys(doc):
    return [(t.speaker, t.respondent_key) for t in doc.turns]


def test_header_lines_are_not_respondents(tmp_path):
    f = write(tmp_path / "smith_interview.txt",
              "Interview with Marie Tremblay\nDate: 14 March 2011\n"
              "Location: Ottawa, CIC headquarters\nCountry: Canada\n\n"
              "Interviewer: How did it start?\nMarie Tremblay: In 2019.\n"
              "Interviewer: And then?\nMarie Tremblay: IOM came in.\n")
    doc = load_paths([f]).documents[0]
    assert _keys(doc) == [("Interviewer", None), ("Marie Tremblay", "Marie Tremblay"),
                          ("Interviewer", None), ("Marie Tremblay", "Marie Tremblay")]
    assert doc.turns[0].start > doc.text.index("Country: Canada")  # the header is in no turn


def test_metadata_labels_never_open_a_turn_even_mid_document(tmp_path):
    f = write(tmp_path / "R04.txt", "Q: Role?\nA: Analyst.\nNote: recorder stopped here.\n"
              "Q: Why?\nA: Budget.\n")
    doc = load_paths([f]).documents[0]
    assert _keys(doc) == [("Q", None), ("A", "R04"), ("Q", None), ("A", "R04")]
    assert doc.text[doc.turns[1].start:doc.turns[1].end] == "Analyst.\nNote: recorder stopped here."


def test_a_one_off_label_inside_the_only_respondents_answer_is_their_text(tmp_path):
    f = write(tmp_path / "R07-ottawa.txt",
              "Interviewer: Fit?\nHeather MacLeod: It fits.\nShort Answer: we need IOM.\n"
              "Interviewer: Why?\nHeather MacLeod: Reach.\n")
    doc = load_paths([f]).documents[0]
    assert _keys(doc) == [("Interviewer", None), ("Heather MacLeod", "R07"),
                          ("Interviewer", None), ("Heather MacLeod", "R07")]
    assert doc.text[doc.turns[1].start:doc.turns[1].end] == "It fits.\nShort Answer: we need IOM."


def test_focus_group_named_by_an_id_keeps_its_participants_apart(tmp_path):
    make_docx(tmp_path / "FG1-nairobi-focus-group.docx",
              ["Moderator: Views on the programme?", "Kevin Doucet: Funds were late.",
               "Esther Njoroge: Not in our county.", "Peter Van Dusen: Agreed with Kevin.",
               "Moderator: Anything else?", "Kevin Doucet: No.", "Esther Njoroge: No."])
    doc = load_paths([tmp_path / "FG1-nairobi-focus-group.docx"]).documents[0]
    assert _keys(doc) == [
        ("Moderator", None),
        ("Kevin Doucet", "Kevin Doucet"),
        ("Esther Njoroge", "Esther Njoroge"),
        ("Peter Van Dusen", "Peter Van Dusen"),
        ("Moderator", None),
        ("Kevin Doucet", "Kevin Doucet"),
        ("Esther Njoroge", "Esther Njoroge"),
    ]


def test_a_named_interviewer_is_not_the_files_respondent(tmp_path):
    f = write(tmp_path / "R07-ottawa.txt", "Dan: Does it fit?\nMarie: It fits.\n"
              "Dan: Why?\nMarie: Reach.\n")
    doc = load_paths([f]).documents[0]
    assert {t.speaker: t.respondent_key for t in doc.turns} == {"Dan": "Dan", "Marie": "Marie"}


def test_generic_role_beside_a_named_speaker_is_the_files_respondent(tmp_path):
    f = write(tmp_path / "P1.txt", "Dan: Okay.\nParticipant: Yes.\nDan: And?\nParticipant: No.\n"
              "Participant 2: Me too.\n")
    doc = load_paths([f]).documents[0]
    assert {t.speaker: t.respondent_key for t in doc.turns} == {
        "Dan": "Dan", "Participant": "P1", "Participant 2": "P1/Participant 2"}


def test_captions_with_two_speakers_are_not_collapsed_onto_the_file_id(tmp_path):
    f = write(tmp_path / "R19.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>Hello.\n\n"
              "00:00:02.000 --> 00:00:03.000\n<v Bo Li>Hi.\n")
    doc = load_paths([f]).documents[0]
    assert [t.respondent_key for t in doc.turns] == ["Ana", "Bo Li"]
