"""The pure rules behind a pseudonymised export (core/pseudonym.py, core/offset_map.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualtally.core.errors import InputError
from qualtally.core.models import Respondent
from qualtally.core.offset_map import OffsetMap
from qualtally.core.pseudonym import AMBIGUOUS, ROLE_WORDS, Pseudonymiser, column_kind, is_role
from qualtally.core.pseudonym import short_forms as forms
from qualtally.importers.attribution import INTERVIEWER_ROLES, RESPONDENT_ROLES


def people(*rows: tuple[int, str, dict]) -> list[Respondent]:
    return [Respondent(key, attrs, id) for id, key, attrs in rows]


def test_short_forms_of_a_name():
    assert forms("Claire Bouchard") == ["Claire Bouchard", "Claire", "Bouchard"]
    assert forms("Peter Van Dusen") == ["Peter Van Dusen", "Peter", "Van Dusen", "Dusen"]
    assert forms("Dr. Ann  Lee") == ["Dr. Ann Lee", "Ann", "Lee"]
    assert forms("Jo") == ["Jo"]
    assert forms("X") == []


def test_role_words_are_the_importers_roles():
    assert ROLE_WORDS == INTERVIEWER_ROLES | RESPONDENT_ROLES
    assert is_role("Respondent") and is_role("Speaker 2") and is_role("A") and is_role("Int.")
    assert not is_role("Ann Lee") and not is_role("Anna")


def test_name_and_contact_columns():
    assert column_kind("name") == "name" and column_kind("Full_Name") == "name"
    assert column_kind("surname") == "name" and column_kind("E-mail") == "contact"
    assert column_kind("group") is None and column_kind("organisation") is None
    assert column_kind("organisation name") is None


def test_pseudonyms_follow_import_order_and_a_later_respondent_takes_the_next_number():
    first = Pseudonymiser.build(people((2, "b", {}), (1, "z", {})))
    assert first.mapping == {"z": "R01", "b": "R02"}
    later = Pseudonymiser.build(people((2, "b", {}), (1, "z", {}), (3, "a", {})))
    assert later.mapping == {"z": "R01", "b": "R02", "a": "R03"}


def test_replacement_is_one_pass_case_insensitive_and_on_word_boundaries():
    p = Pseudonymiser.build(people((1, "R02", {"name": "Ann Lee"}), (2, "R01", {})),
                            {"R02": ["ANN LEE", "A"]})
    assert p.mapping == {"R02": "R01", "R01": "R02"}
    said = "R01 met ann lee, then LEE and Ann's dog; Annex, Leeds, A and R02 left."
    assert p.text(said) == "R02 met R01, then R01 and R01's dog; Annex, Leeds, A and R01 left."
    assert p.text("Ann\nLee said") == "R01 said"  # a name broken over a line


def test_a_short_form_two_people_share_is_not_guessed():
    p = Pseudonymiser.build(people((1, "k1", {"name": "Daniel Okafor"}),
                                   (2, "k2", {"name": "Daniel Roy"}),
                                   (3, "k3", {"name": "Roy"})))
    assert p.text("Daniel said, Okafor agreed") == f"{AMBIGUOUS} said, R01 agreed"
    assert p.text("Roy and Daniel Roy") == "R03 and R02"  # a whole name wins over a short form


def test_only_keys_that_look_like_names_are_text_forms():
    p = Pseudonymiser.build(people((1, "7", {}), (2, "KI-3", {}), (3, "B", {})))
    assert p.text("7 of KI-3's 7 points, B said") == "7 of R02's 7 points, B said"
    assert p.key("7") == "R01" and p.key("B") == "R03"


def test_identifying_name_and_contact_attributes_are_dropped():
    p = Pseudonymiser.build(people((1, "k", {"name": "Ann Lee", "email": "a@b.org", "org": "X",
                                             "group": "HQ of Ann", "age": 4})),
                            identifying=["org"])
    assert p.attributes({"name": "Ann Lee", "email": "a@b.org", "org": "X",
                         "group": "HQ of Ann", "age": 4}) == {"group": "HQ of R01", "age": 4}
    assert p.text("write to a@b.org") == "write to R01"


def test_a_pseudonym_column_must_exist_and_be_distinct():
    with pytest.raises(InputError, match="no respondent attribute"):
        Pseudonymiser.build(people((1, "k", {})), column="code")
    with pytest.raises(InputError, match="same pseudonym 'X'"):
        Pseudonymiser.build(people((1, "k", {"code": "X"}), (2, "j", {"code": "X"})),
                            column="code")
    with pytest.raises(InputError, match="j has no value"):
        Pseudonymiser.build(people((1, "k", {"code": "X"}), (2, "j", {"code": " "})),
                            column="code")
    p = Pseudonymiser.build(people((1, "k", {"code": "P9", "name": "Ann Lee"})), column="code")
    assert p.mapping == {"k": "P9"} and p.text("Ann") == "P9"


def test_offsets_inside_a_replacement_widen_to_cover_it():
    m = OffsetMap([(4, 10, 4, 7), (20, 22, 17, 23)])  # "0123[Claire]..." -> "0123[R01]..."
    assert [m.start(p) for p in (0, 4, 5, 10, 15, 20, 21, 22, 30)] == [0, 4, 4, 7, 12, 17, 17,
                                                                        23, 31]
    assert [m.end(p) for p in (4, 5, 10, 21, 22)] == [4, 7, 7, 23, 23]


WORDS = st.sampled_from(["Ann", "ann lee", "LEE", "Bo", "Annex", "said", "R1", "😀", "[inaudible]",
                         "Bo Roy's", "x"])


@settings(max_examples=200, derandomize=True, database=None)
@given(st.lists(WORDS, min_size=1, max_size=20), st.data())
def test_a_span_on_word_boundaries_maps_onto_its_replaced_text(words, data):
    p = Pseudonymiser.build(people((1, "R1", {"name": "Ann Lee"}), (2, "R2", {"name": "Bo Roy"}),
                                   (3, "R3", {})))
    text = " ".join(words)
    new, where = p.text_with_map(text)
    inside = {i for a, b, _, _ in where.spans for i in range(a + 1, b)}  # e.g. in "ann lee"
    bounds = [0, len(text)] + [i for i, c in enumerate(text) if c == " " and i not in inside]
    s = data.draw(st.sampled_from(bounds))
    e = data.draw(st.sampled_from([b for b in bounds if b >= s]))
    assert new[where.start(s):where.end(e)] == p.text(text[s:e])
    for a, b, na, nb in where.spans:  # a span cut inside a name covers its pseudonym whole
        assert where.start(a + 1) == na and where.end(b - 1) == nb
