"""Transcripts of every format become documents whose turns point at the spoken text."""

from __future__ import annotations

from importer_files import make_docx, write

from qualtally.importers import load_paths


def _turns(doc):
    return [(t.speaker, t.respondent_key, doc.text[t.start:t.end]) for t in doc.turns]


def test_txt_name_labels_with_continuation_and_preamble(tmp_path):
    f = write(tmp_path / "R07-ottawa-hq.txt",
              "Interview with R07, Ottawa\n\nInterviewer: How did the project start?\n"
              "Marie Tremblay: It started in 2019.\nWe had no budget.\n\n"
              "Interviewer: And then?\nMarie Tremblay:   Then IOM came in.  \n")
    doc = load_paths([f]).documents[0]
    assert doc.name == "R07-ottawa-hq.txt" and doc.kind == "txt"
    assert _turns(doc) == [
        ("Interviewer", None, "How did the project start?"),
        ("Marie Tremblay", "R07", "It started in 2019.\nWe had no budget."),
        ("Interviewer", None, "And then?"),
        ("Marie Tremblay", "R07", "Then IOM came in."),
    ]
    assert doc.text.startswith("Interview with R07")  # preamble kept as text, in no turn
    assert doc.turns[0].start > doc.text.index("Interviewer:")


def test_q_a_labels_without_key_in_name_use_the_file_stem(tmp_path):
    f = write(tmp_path / "geneva.txt", "Q: Was it relevant?\nA: Very relevant.\nQ: Why?\nA:\n")
    doc = load_paths([f]).documents[0]
    assert _turns(doc) == [("Q", None, "Was it relevant?"), ("A", "geneva", "Very relevant."),
                           ("Q", None, "Why?"), ("A", "geneva", "")]


def test_interviewer_respondent_labels_and_timestamps(tmp_path):
    f = write(tmp_path / "P3.txt",
              "[00:01:02] Interviewer: First question?\n"
              "Respondent (00:01:10): An answer\nover two lines.\n"
              "Interviewer [1:02:03.5]: Next?\n"
              "Respondent: [01:02:09] Second answer.\n")
    doc = load_paths([f]).documents[0]
    assert _turns(doc) == [("Interviewer", None, "First question?"),
                           ("Respondent", "P3", "An answer\nover two lines."),
                           ("Interviewer", None, "Next?"), ("Respondent", "P3", "Second answer.")]
    assert doc.turns[0].meta == {"start": "00:01:02.000", "end": "00:01:10.000"}
    assert doc.turns[2].meta["start"] == "01:02:03.500"
    assert doc.turns[3].meta == {"start": "01:02:09.000"}
    assert "[00:01:02]" in doc.text and all("[" not in doc.text[t.start:t.end] for t in doc.turns)


def test_prose_with_a_colon_does_not_open_a_turn(tmp_path):
    f = write(tmp_path / "R1.txt", "Interviewer: Go on.\nR1: the point is: money.\n"
              "so the main problem was: staff\nhttp://example.org\n")
    doc = load_paths([f]).documents[0]
    assert [t.speaker for t in doc.turns] == ["Interviewer", "R1"]
    assert doc.text[doc.turns[1].start:doc.turns[1].end].endswith("http://example.org")


def test_markdown_bold_labels(tmp_path):
    f = write(tmp_path / "notes" / "R02.md", "# Interview R02\n\n**Interviewer:** Hello.\n\n"
              "**Ahmed Karimi**: Hi there.\n")
    doc = load_paths([f]).documents[0]
    assert doc.kind == "md" and doc.name == "R02.md"
    assert _turns(doc) == [("Interviewer", None, "Hello."), ("Ahmed Karimi", "R02", "Hi there.")]


def test_docx_paragraphs_joined_by_newline(tmp_path):
    f = make_docx(tmp_path / "R05-geneva.docx", ["Key informant interview", "Moderator: Why IOM?",
                                                 "Jean Dupont: Because of reach.", "And speed.",
                                                 "Moderator: Thanks."])
    doc = load_paths([f]).documents[0]
    assert doc.kind == "docx"
    assert doc.text == (
        "Key informant interview\nModerator: Why IOM?\nJean Dupont: Because of reach.\n"
        "And speed.\nModerator: Thanks."
    )
    assert _turns(doc)[1] == ("Jean Dupont", "R05", "Because of reach.\nAnd speed.")


VTT = """WEBVTT

NOTE recorded on Zoom

1
00:00:01.000 --> 00:00:04.000
<v Interviewer>How did you
hear about the programme?</v>

2
00:00:04.500 --> 00:00:07.250
<v.loud Amina Yusuf>From a <i>colleague</i>,

00:00:07.300 --> 00:00:09.000
<v Amina Yusuf>in 2020 &amp; 2021.

00:00:09.500 --> 00:01:10.000
<v Interviewer>Thanks.
"""


def test_vtt_voice_tags_merge_consecutive_cues(tmp_path):
    doc = load_paths([write(tmp_path / "R09-call.vtt", VTT)]).documents[0]
    assert doc.kind == "vtt"
    assert doc.text == ("Interviewer: How did you hear about the programme?\n"
                        "Amina Yusuf: From a colleague, in 2020 & 2021.\nInterviewer: Thanks.")
    assert _turns(doc) == [("Interviewer", None, "How did you hear about the programme?"),
                           ("Amina Yusuf", "R09", "From a colleague, in 2020 & 2021."),
                           ("Interviewer", None, "Thanks.")]
    assert doc.turns[1].meta == {"start": "00:00:04.500", "end": "00:00:09.000"}
    assert doc.turns[2].meta == {"start": "00:00:09.500", "end": "00:01:10.000"}


def test_srt_speaker_prefixes(tmp_path):
    srt = ("1\n00:00:01,000 --> 00:00:03,000\nINTERVIEWER: What changed?\n\n"
           "2\n00:00:03,500 --> 00:00:06,000\nJOHN SMITH: The funding\nmodel changed.\n\n"
           "3\n00:00:06,100 --> 00:00:08,000\nJOHN SMITH: Twice.\n")
    doc = load_paths([write(tmp_path / "call.srt", srt)]).documents[0]
    assert doc.kind == "srt"
    assert doc.text == "INTERVIEWER: What changed?\nJOHN SMITH: The funding model changed. Twice."
    assert _turns(doc) == [("INTERVIEWER", None, "What changed?"),
                           ("JOHN SMITH", "JOHN SMITH", "The funding model changed. Twice.")]
    assert doc.turns[1].meta == {"start": "00:00:03.500", "end": "00:00:08.000"}


def test_focus_group_each_turn_to_its_own_respondent(tmp_path):
    (tmp_path / "fg").mkdir()
    write(tmp_path / "fg" / "respondents.csv", "respondent,name,region\nR10,Marie Tremblay,East\n"
          "R15,Ahmed Karimi,West\nR16,Li Wei,West\n")
    write(tmp_path / "fg" / "FG1-focus-group.txt",
          "Facilitator: Welcome all.\nMarie Tremblay: Funding was late.\nAhmed Karimi: Agreed.\n"
          "Li Wei: Not in our region.\nMarie Tremblay: Really?\nFacilitator: Let's move on.\n")
    bundle = load_paths([tmp_path / "fg"])
    doc = bundle.documents[0]
    assert [(t.speaker, t.respondent_key) for t in doc.turns] == [
        ("Facilitator", None), ("Marie Tremblay", "R10"), ("Ahmed Karimi", "R15"),
        ("Li Wei", "R16"), ("Marie Tremblay", "R10"), ("Facilitator", None)]


def test_unlabelled_text_is_one_turn_of_the_stem_key_or_the_stem(tmp_path):
    keyed = load_paths([write(tmp_path / "R03 notes.txt", "  Just prose, no labels.\n")]).documents[
        0
    ]
    assert [(t.respondent_key, keyed.text[t.start:t.end]) for t in keyed.turns] == [
        ("R03", "Just prose, no labels.")]
    anon = load_paths([write(tmp_path / "kigali-notes.txt", "Just prose.\n")]).documents[0]
    assert [(t.speaker, t.respondent_key) for t in anon.turns] == [("", "kigali-notes")]


def test_docx_tables_keep_their_text_in_place(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Interview record")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Interviewer:", "Where were you based?"
    table.cell(1, 0).text, table.cell(1, 1).text = "Kofi Mensah:", "In Accra."
    document.add_paragraph("End of record")
    document.save(str(tmp_path / "R11.docx"))
    doc = load_paths([tmp_path / "R11.docx"]).documents[0]
    assert doc.text == ("Interview record\nInterviewer:\nWhere were you based?\nKofi Mensah:\n"
                        "In Accra.\nEnd of record")
    assert _turns(doc) == [("Interviewer", None, "Where were you based?"),
                           ("Kofi Mensah", "R11", "In Accra.\nEnd of record")]


def test_numbered_generic_speakers_stay_distinct_people(tmp_path):
    f = write(tmp_path / "kigali-group.txt", "Moderator: Views?\nParticipant 1: Late.\n"
              "Participant 2: On time.\nSpeaker B: Unsure.\nRespondent: Me too.\n")
    doc = load_paths([f]).documents[0]
    assert [t.respondent_key for t in doc.turns] == [
        None, "kigali-group/Participant 1", "kigali-group/Participant 2", "kigali-group/Speaker B",
        "kigali-group"]
