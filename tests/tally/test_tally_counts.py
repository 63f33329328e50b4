"""The respondent tally on a real SQLite project: focus groups, repeat documents, duplicates,
roll-up."""

from __future__ import annotations

import sqlalchemy as sa

from qualtally.core.models import ORIGIN_SUGGESTION, Finding
from qualtally.core.tally import MISSING
from qualtally.storage import tables as t

from .conftest import CODES, build


def rows(tally):
    return {c.path: (c.respondents, c.excerpts) for c in tally.codes}


def test_focus_group_counts_speakers_not_documents(small):
    tally = small.tally()
    assert tally.respondents_total == 4  # interviewer turns belong to nobody
    assert rows(tally)["Need > Refugees"] == (2, 3)  # R1 (two excerpts) and R3 in the focus group
    assert rows(tally)["Concerns"] == (2, 2)  # R2 alone, R3 in the group
    assert tally.finding("F2").supporters == {"R2", "R3"}


def test_same_respondent_in_two_documents_counts_once(small):
    need = small.tally().finding("F1")
    assert need.supporters == {"R1", "R3"}
    assert need.respondents == 2 and need.denominator == 4
    # R1: two excerpts in r1-a.txt and one in r1-b.txt; R3: one.
    assert need.excerpts == 4


def test_duplicate_rows_and_two_coders_count_one_excerpt(small):
    tally = small.tally()
    assert rows(tally)["Need > Managed"] == (1, 1)  # alice and bob coded the same excerpt
    with small.engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(t.codings)).scalar_one()
    assert n == 8  # the duplicate CSV row was stored once


def test_roll_up_counts_an_excerpt_with_two_children_once(small):
    tally = small.tally()
    # Need: R1 (3 excerpts: one carries Managed and Refugees, one Refugees, one Need) + R3 (1)
    assert rows(tally)["Need"] == (2, 4)
    assert rows(tally)["Other"] == (0, 0)
    assert [c.path for c in tally.codes] == [
        "Need",
        "Need > Managed",
        "Need > Refugees",
        "Concerns",
        "Other",
    ]


def test_attribute_split_with_missing_values(small):
    tally = small.tally(by="group")
    assert tally.groups == {"HQ": 2, "Missions": 1, MISSING: 1}
    need = {c.path: c for c in tally.codes}["Need"]
    assert need.by == {"HQ": 1, "Missions": 1, MISSING: 0}
    assert need.excerpts_by == {"HQ": 3, "Missions": 1, MISSING: 0}
    f1 = tally.finding("F1")
    assert (f1.by["HQ"].n, f1.by["HQ"].total, f1.by["HQ"].label) == (1, 2, "many")
    assert str(f1.by["Missions"]) == "1/1 all"


def test_coder_filter_and_origins(small):
    assert small.tally(coder="bob").finding("F1").supporters == {"R1", "R3"}
    assert small.tally(coder="bob").finding("F2").respondents == 0
    assert small.tally(coder="alice").finding("F1").supporters == {"R1"}
    # An accepted suggestion is a person's decision and counts; any other origin does not.
    r4_excerpt = next(e for e in small.excerpts() if e.respondent_key == "R4")
    concerns = small.code_by_path("Concerns")
    small.apply_code(r4_excerpt.id, concerns.id, "carol", origin=ORIGIN_SUGGESTION)
    assert small.tally().finding("F2").supporters == {"R2", "R3", "R4"}
    with small.engine.begin() as conn:
        conn.execute(
            sa.update(t.codings).where(t.codings.c.coder == "carol").values(origin="suggested")
        )
    assert small.tally().finding("F2").supporters == {"R2", "R3"}


def test_denominator_asked_list_question_code_and_guide_question(small):
    small.set_asked("F2", ["R2", "R4"])
    f2 = small.tally().finding("F2")
    assert (f2.respondents, f2.denominator) == (1, 2)  # R3 supports but was not asked
    assert f2.outside == {"R3"}
    small.set_asked("F2", ["code:Need > Refugees"])
    f2 = small.tally().finding("F2")
    assert f2.base == {"R1", "R3"} and f2.supporters == {"R3"}
    with small.engine.begin() as conn:
        conn.execute(sa.update(t.excerpts).values(question="Q2"))
    small.set_asked("F2", ["question:Q2"])
    assert small.tally().finding("F2").denominator == 4


def test_empty_project(tmp_path):
    project = build(tmp_path / "empty.qtally")
    tally = project.tally()
    assert tally.respondents_total == 0 and tally.codes == [] and tally.findings == []
    assert tally.to_json()["codes"] == []
    assert project.audit() == []
    project.close()


def test_findings_without_codings_have_zero_support(tmp_path):
    project = build(tmp_path / "codebook-only.qtally", codes=CODES,
                    findings=[Finding("F1", "Most respondents agreed.")])
    f1 = project.tally().finding("F1")
    assert (f1.respondents, f1.denominator, f1.label, f1.verdict) == (0, 0, "n/a", "no denominator")
    project.close()
