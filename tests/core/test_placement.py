"""Placing coded-excerpt rows in documents."""

from __future__ import annotations

import pytest

from qualtally.core.errors import InputError
from qualtally.core.models import CodedRow
from qualtally.core.placement import place_rows, resolve_document


def test_resolve_document_by_name_file_name_or_stem():
    known = {"interviews/R01.txt": "x"}
    assert resolve_document("interviews/R01.txt", known) == "interviews/R01.txt"
    assert resolve_document("R01.txt", known) == "interviews/R01.txt"
    assert resolve_document("R01", known) == "interviews/R01.txt"
    assert resolve_document("R02", known) is None


def test_offsets_win_when_they_match_and_text_search_otherwise():
    text = "yes. yes. no."
    rows = [CodedRow("a", "yes.", ("A",), start=5, end=9, document="d"), CodedRow("a", "yes.", ("A",), document="d"),
            CodedRow("a", "yes.", ("A",), start=0, end=3, document="d")]
    _, placed = place_rows(rows, {"d": text}, "f.csv")
    assert [(p.start, p.end) for p in placed] == [(5, 9), (0, 4), (0, 4)]


def test_missing_text_names_file_and_line():
    with pytest.raises(InputError) as err:
        place_rows([CodedRow("a", "zzz", (), document="d", line=7)], {"d": "abc"}, "f.csv")
    assert str(err.value) == "f.csv: line 7: text not found in document 'd'"


def test_synthetic_documents_deduplicate_texts():
    rows = [CodedRow("P1", "same", ("A",), "x"), CodedRow("P1", "same", ("B",), "y"), CodedRow("P1", "other", (), "x")]
    docs, placed = place_rows(rows, {}, "dir/coded.csv")
    assert [d.name for d in docs] == ["coded/P1"]
    assert docs[0].text == "same\n\nother"
    assert placed[0].start == placed[1].start == 0
