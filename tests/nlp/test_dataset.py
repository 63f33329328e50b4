import pytest
from nlp_fixtures import write_csv

from qualtally.core.errors import InputError
from qualtally.nlp.dataset import load_coded, load_texts


def test_rows_with_same_text_merge_into_one_multilabel_item(tmp_path):
    rows = [
        {
            "respondent": "R1",
            "document": "d",
            "text": "Late money.",
            "codes": "Funding > Delays",
            "coder": "ann",
        },
        {
            "respondent": "R1",
            "document": "d",
            "text": "Late money.",
            "codes": "Funding > Amount",  # only " > " with spaces separates levels
            "coder": "ann",
        },
        {
            "respondent": "R2",
            "document": "d",
            "text": "Nothing to add.",
            "codes": "",
            "coder": "ann",
        },
    ]
    items = load_coded(write_csv(tmp_path / "c.csv", rows))
    assert len(items) == 2
    assert items[0].codes == ("Funding > Delays", "Funding > Amount")
    assert items[1].codes == ()


def test_one_coders_view_is_kept(tmp_path):
    rows = [
        {"respondent": "R1", "document": "d", "text": "Late money.", "codes": "A", "coder": "zed"},
        {"respondent": "R1", "document": "d", "text": "Late money.", "codes": "B", "coder": "ann"},
    ]
    path = write_csv(tmp_path / "c.csv", rows)
    assert [it.codes for it in load_coded(path)] == [("B",)]
    assert [it.codes for it in load_coded(path, coder="zed")] == [("A",)]


def test_texts_csv_ids_and_questions(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,text,question\n7,hello,Q1\n8,bye,\n", encoding="utf-8")
    assert load_texts(path) == [("7", "hello", "Q1"), ("8", "bye", "")]


@pytest.mark.parametrize("body, problem", [
    ("ident,text\n1,hello\n", "missing column(s): id"),
    ("id,text\n", "no rows"),
    ("id,text\n1,hello\n,bye\n", "line 3: empty id"),
    ("id,text\n1,hello\n1,bye\n", "line 3: id '1' already used on line 2"),
])
def test_texts_csv_refuses_rows_it_cannot_match_back(tmp_path, body, problem):
    path = tmp_path / "t.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_texts(path)
    assert problem in str(err.value) and "t.csv" in str(err.value)
