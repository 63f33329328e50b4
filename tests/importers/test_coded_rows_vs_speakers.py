"""A coded-excerpts row must name the person whose turn holds its text, or nobody."""

from __future__ import annotations

import pytest
from importer_files import write

from qualtally.core.errors import InputError
from qualtally.project import Project

R01 = ("Interviewer: Could you start with your role?\n"
       "Claire Bouchard: Sure. So I'm the director for multilateral affairs.\n"
       "Interviewer: Thanks.\n")


def _project(tmp_path):
    write(tmp_path / "in" / "interviews" / "R01-ottawa-cic-multilateral.txt", R01)
    project = Project.new(tmp_path / "p.qtally")
    project.import_paths([tmp_path / "in"], actor="t")
    return project


def _sizes(project):
    return len(project.respondents()), len(project.excerpts())


def test_a_row_naming_another_respondent_is_refused_and_nothing_imported(tmp_path):
    with _project(tmp_path) as project:
        before = _sizes(project)
        coded = write(tmp_path / "coded.csv", "respondent,document,text,codes,coder\n"
                      "R01,interviews/R01-ottawa-cic-multilateral.txt,Sure.,Relevance,z\n"
                      "R02,interviews/R01-ottawa-cic-multilateral.txt,"
                      "\"So I'm the director for multilateral affairs\",Relevance,z\n")
        with pytest.raises(InputError) as err:
            project.import_paths([coded], actor="t")
        assert err.value.source.endswith("coded.csv")
        assert err.value.problem == (
            "line 3: the text in document 'interviews/R01-ottawa-cic-multilateral.txt' is "
            "respondent 'R01''s turn, but the row names respondent 'R02'")
        assert _sizes(project) == before


def test_new_documents_in_the_same_import_are_checked_too(tmp_path):
    write(tmp_path / "in" / "R01-ottawa.txt", R01)
    write(tmp_path / "in" / "coded.csv", "respondent,document,text,codes\n"
          "R02,R01-ottawa.txt,director for multilateral,Relevance\n")
    with Project.new(tmp_path / "p.qtally") as project:
        with pytest.raises(InputError, match="names respondent 'R02'"):
            project.import_paths([tmp_path / "in"], actor="t")
        assert _sizes(project) == (0, 0)


def test_a_row_without_respondent_takes_the_speakers(tmp_path):
    with _project(tmp_path) as project:
        coded = write(tmp_path / "coded.csv", "respondent,document,text,codes\n"
                      ",R01-ottawa-cic-multilateral,the director,Relevance\n")
        project.import_paths([coded], actor="t")
        narrowed = [e for e in project.excerpts() if e.text == "the director"]
        assert [e.respondent_key for e in narrowed] == ["R01"]
        assert {r.key for r in project.respondents()} == {"R01"}
