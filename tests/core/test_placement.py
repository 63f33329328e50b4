"""Placing coded-excerpt rows in documents."""

from __future__ import annotations

import pytest

from qualtally.core.errors import InputError
from qualtally.core.models import CodedRow, Turn
from qualtally.core.placement import place_rows, resolve_document


def test_resolve_document_by_name_file_name_or_stem():
    known = {"interviews/R01.txt": "x"}
    assert resolve_document("interviews/R01.txt", known) == "interviews/R01.txt"
    assert resolve_document("R01.txt", known) == "interviews/R01.txt"
    assert resolve_document("R01", known) == "interviews/R01.txt"
    assert resolve_document("R02", known) is None


def test_offsets_win_when_they_match_and_text_search_otherwise():
    text = "yes. yes. no."
    rows = [
        CodedRow("a", "yes.", ("A",), start=5, end=9, document="d"),
        CodedRow("a", "yes.", ("A",), document="d"),
        CodedRow("a", "yes.", ("A",), start=0, end=3, document="d"),
    ]
    _, placed = place_rows(rows, {"d": text}, "f.csv")
    assert [(p.start, p.end) for p in placed] == [(5, 9), (0, 4), (0, 4)]


def test_missing_text_names_file_and_line():
    with pytest.raises(InputError) as err:
        place_rows([CodedRow("a", "zzz", (), document="d", line=7)], {"d": "abc"}, "f.csv")
    assert str(err.value) == "f.csv: line 7: text not found in document 'd'"


def test_synthetic_documents_deduplicate_texts():
    rows = [
        CodedRow("P1", "same", ("A",), "x"),
        CodedRow("P1", "same", ("B",), "y"),
        CodedRow("P1", "other", (), "x"),
    ]
    docs, placed = place_rows(rows, {}, "dir/coded.csv")
    assert [d.name for d in docs] == ["coded/P1"]
    assert docs[0].text == "same\n\nother"
    assert placed[0].start == placed[1].start == 0


TEXT = "Q: Role?\nR01: I direct multilateral affairs.\nQ: And?\nR02: Policy work."


def _turn(content: str, key: str | None) -> Turn:
    start = TEXT.index(content)
    return Turn(start, start + len(content), key or "Q", key)


TURNS = {"d": (_turn("Role?", None), _turn("I direct multilateral affairs.", "R01"),
               _turn("And?", None), _turn("Policy work.", "R02"))}


def _place(respondent, text, line=4):
    return place_rows([CodedRow(respondent, text, ("A",), document="d", line=line)], {"d": TEXT},
                      "coded.csv", TURNS)[1][0]


def test_a_row_inside_a_turn_is_that_respondents_or_names_nobody():
    assert _place("R01", "multilateral affairs").respondent == "R01"
    assert _place("", "multilateral affairs").respondent == "R01"  # taken from the turn
    assert _place("", "Role?").respondent is None  # interviewer text named to nobody


def test_a_row_naming_someone_else_than_the_speaker_is_refused():
    with pytest.raises(InputError) as err:
        _place("R02", "I direct multilateral")
    assert str(err.value) == ("coded.csv: line 4: the text in document 'd' is respondent 'R01''s "
                              "turn, but the row names respondent 'R02'")


@pytest.mark.parametrize("respondent,text,problem", [
    ("R01", "affairs.\nQ: And?\nR02: Policy", "spans turns of several respondents ('R01', 'R02')"),
    ("", "affairs.\nQ: And?\nR02: Policy", "spans turns of several respondents"),
    ("R01", "Role?", "is in no respondent's turn (interviewer or header text), but the row names "
                     "respondent 'R01'"),
])
def test_rows_spanning_other_speakers_are_refused(respondent, text, problem):
    with pytest.raises(InputError) as err:
        _place(respondent, text)
    assert problem in err.value.problem and err.value.problem.startswith("line 4: ")


def test_a_row_across_interviewer_text_and_its_own_turns_is_accepted():
    text = "affairs.\nQ: And?\nR02:"
    turns = {"d": TURNS["d"][:3]}
    placed = place_rows([CodedRow("R01", text, ("A",), document="d")], {"d": TEXT}, "c.csv", turns)[
        1
    ]
    assert placed[0].respondent == "R01"
