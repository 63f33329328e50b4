"""Coded-excerpts CSV import (issue 19): a row without a document column whose text is an
existing turn lands in that turn (no ``nodoc``-style document, no duplicate excerpt), and code
paths split only on " > " with spaces (``Income >500`` stays one code)."""

from __future__ import annotations

from importer_files import write

from qualtally.core.models import split_path
from qualtally.importers.coded import code_paths
from qualtally.project import Project

R01 = ("Interviewer: Could you start with your role?\n"
       "Claire Bouchard: Sure. So I'm the director for multilateral affairs.\n"
       "Interviewer: Thanks.\n")
R02 = ("Interviewer: And yours?\n"
       "Dan Roy: I run the resettlement desk. Income >500 a month is rare here.\n")


def _project(tmp_path):
    write(tmp_path / "in" / "interviews" / "R01-ottawa.txt", R01)
    write(tmp_path / "in" / "interviews" / "R02-geneva.txt", R02)
    project = Project.new(tmp_path / "p.qtally")
    project.import_paths([tmp_path / "in"], actor="t")
    return project


def test_rows_without_a_document_column_land_in_the_matching_turn(tmp_path):
    with _project(tmp_path) as project:
        documents = sorted(d.name for d in project.documents())
        excerpts = len(project.excerpts())
        coded = write(tmp_path / "coded.csv", "respondent,text,codes,coder\n"
                      "R01,Sure. So I'm the director for multilateral affairs.,Role,ann\n"
                      "R02,I run the resettlement desk.,Role > Desk,ann\n")
        project.import_paths([coded], actor="t")
        assert sorted(d.name for d in project.documents()) == documents  # no new document
        by_text = {e.text: e for e in project.excerpts()}
        whole = by_text["Sure. So I'm the director for multilateral affairs."]
        assert whole.parent_id is None and whole.respondent_key == "R01"
        span = by_text["I run the resettlement desk."]  # inside R02's turn: a narrowed span
        assert span.respondent_key == "R02" and span.parent_id is not None
        assert len(project.excerpts()) == excerpts + 1
        names = {d.id: d.name for d in project.documents()}
        assert names[whole.document_id] == "interviews/R01-ottawa.txt"
        assert names[span.document_id] == "interviews/R02-geneva.txt"


def test_a_row_whose_text_is_in_no_turn_still_gets_a_document_of_its_own(tmp_path):
    with _project(tmp_path) as project:
        coded = write(tmp_path / "coded.csv", "respondent,text,codes\n"
                      "R09,Words nobody said in these transcripts.,Role\n")
        project.import_paths([coded], actor="t")
        assert "coded/R09" in {d.name for d in project.documents()}


def test_code_paths_split_on_spaced_arrows_only(tmp_path):
    assert split_path("Income >500") == ("Income >500",)
    assert split_path("Money > Income >500") == ("Money", "Income >500")
    assert split_path("A>B") == ("A>B",)
    assert code_paths("Money > Income >500; <18") == ("Money > Income >500", "<18")
    with _project(tmp_path) as project:
        coded = write(tmp_path / "coded.csv", "respondent,text,codes\n"
                      "R02,Income >500 a month is rare here.,Money > Income >500\n")
        project.import_paths([coded], actor="t")
        assert {c.path for c in project.codes()} == {"Money", "Money > Income >500"}
