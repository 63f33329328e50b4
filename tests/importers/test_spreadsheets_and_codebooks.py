"""Respondent lists, codebooks and coded excerpts, from CSV, XLSX and YAML."""

from __future__ import annotations

import pytest
from importer_files import make_xlsx, write

from qualtally.core.errors import InputError
from qualtally.core.models import CodedRow
from qualtally.importers import load_paths


def _error(path) -> InputError:
    with pytest.raises(InputError) as info:
        load_paths([path])
    assert info.value.source == path.name
    return info.value


def test_respondents_csv(tmp_path):
    f = write(tmp_path / "respondents.csv",
              "RESPONDENT, Region ,Role\nR01,East,Donor\n\nR02,West,\n")
    bundle = load_paths([f])
    assert [(r.key, r.attributes) for r in bundle.respondents] == [
        ("R01", {"Region": "East", "Role": "Donor"}), ("R02", {"Region": "West", "Role": ""})]
    assert bundle.documents == [] and bundle.codes == [] and bundle.coded == []


def test_respondents_xlsx_numbers_stay_whole(tmp_path):
    f = make_xlsx(tmp_path / "people.xlsx", [["respondent", "region", "age"], [7, "East", 41.0],
                                             ["R08", None, 35]])
    bundle = load_paths([f])
    assert [(r.key, r.attributes) for r in bundle.respondents] == [
        ("7", {"region": "East", "age": 41}), ("R08", {"region": "", "age": 35})]
    assert bundle.attribute_types == {"region": "text", "age": "integer"}


def test_respondent_attributes_are_typed_per_column(tmp_path):
    f = write(tmp_path / "respondents.csv",
              "respondent,age,share,donor,interviewed,office,group\n"
              "R01,41,0.5,Yes,2011-03-14,007,A\n"
              "R02,,2,no,2011-02-22,12,B\n"
              "R03,35,1e1,TRUE,,,C\n")
    bundle = load_paths([f])
    assert bundle.attribute_types == {"age": "integer", "share": "number", "donor": "boolean",
                                      "interviewed": "date", "office": "text", "group": "text"}
    assert [r.attributes for r in bundle.respondents] == [
        {
            "age": 41,
            "share": 0.5,
            "donor": True,
            "interviewed": "2011-03-14",
            "office": "007",
            "group": "A",
        },
        {
            "age": None,
            "share": 2.0,
            "donor": False,
            "interviewed": "2011-02-22",
            "office": "12",
            "group": "B",
        },
        {"age": 35, "share": 10.0, "donor": True, "interviewed": None, "office": "", "group": "C"},
    ]


def test_xlsx_typed_cells_keep_their_types(tmp_path):
    from datetime import datetime

    f = make_xlsx(tmp_path / "people.xlsx", [["respondent", "since", "donor", "score"],
                                             ["R01", datetime(2011, 3, 14), True, 2.5],
                                             ["R02", datetime(2010, 1, 2), False, 3]])
    bundle = load_paths([f])
    assert bundle.attribute_types == {"since": "date", "donor": "boolean", "score": "number"}
    assert [r.attributes for r in bundle.respondents] == [
        {"since": "2011-03-14", "donor": True, "score": 2.5},
        {"since": "2010-01-02", "donor": False, "score": 3.0}]


def test_attribute_types_are_saved_and_merged_in_the_project(tmp_path):
    import json

    import sqlalchemy as sa

    from qualtally.project import Project

    with Project.new(tmp_path / "p.qtally") as project:
        project.import_paths(
            [write(tmp_path / "a" / "respondents.csv", "respondent,age\nR01,41\n")], actor="t"
        )
        project.import_paths(
            [write(tmp_path / "b" / "respondents.csv", "respondent,donor\nR02,yes\n")], actor="t"
        )
        assert {r.key: r.attributes for r in project.respondents()} == {
            "R01": {"age": 41}, "R02": {"donor": True}}
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'p.qtally'}")
    with engine.connect() as conn:
        value = conn.execute(
            sa.text("select value from settings where key = 'attribute_types'")
        ).scalar_one()
    engine.dispose()
    assert json.loads(value) == {"age": "integer", "donor": "boolean"}


def test_respondents_errors(tmp_path):
    dup = write(tmp_path / "r.csv", "respondent,region\nR01,E\nR02,W\nR01,N\n")
    assert _error(dup).problem == "duplicate respondent id 'R01' on line 4 (first on line 2)"
    empty = write(tmp_path / "e.csv", "respondent,region\nR01,E\n ,W\n")
    assert _error(empty).problem == "line 3: empty respondent id"


def test_csv_missing_required_column(tmp_path):
    f = write(tmp_path / "coded.csv", "respondent,text,codez\nR1,hello,A\n")
    f2 = write(tmp_path / "c2.xlsx", b"")
    assert _error(f).problem == "missing required column 'codes'"
    assert _error(f2).problem.startswith("not a valid .xlsx")


CODEBOOK_YAML = """
codes:
  - name: Relevance
    definition: Fit with needs
    keywords: [fit, needs]
    colour: "#1f77b4"
    finding: F1
    children:
      - name: Alignment with priorities
        include: Government priorities
        exclude: Donor priorities
        examples: ["It fits our plan"]
      - Coherence
  - name: Efficiency
    keywords: "cost; time"
"""


def test_codebook_yaml(tmp_path):
    codes = load_paths([write(tmp_path / "codebook.yaml", CODEBOOK_YAML)]).codes
    assert [c.path for c in codes] == ["Relevance", "Relevance > Alignment with priorities",
                                       "Relevance > Coherence", "Efficiency"]
    rel, align, _, eff = codes
    assert (rel.definition, rel.keywords, rel.colour, rel.finding) == (
        "Fit with needs", ("fit", "needs"), "#1f77b4", "F1")
    assert (align.parent_path, align.include, align.exclude, align.examples) == (
        "Relevance", "Government priorities", "Donor priorities", ("It fits our plan",))
    assert eff.keywords == ("cost", "time")


@pytest.mark.parametrize("body,problem", [
    ("codes:\n  - name: A > B\n", "contains ' > ' or ';'"),
    ("codes:\n  - name: A;B\n", "contains ' > ' or ';'"),
    ("codes:\n  - name: A\n    defintion: typo\n", "unknown key 'defintion'"),
    ("codes:\n  - name: A\n  - name: A\n", "appears twice"),
    ("codes: [\n", "not valid YAML"),
    ("codes:\n  - definition: no name\n", "needs a 'name'"),
    ("title: x\n", "needs a 'codes:' list"),
    ("codes:\n  - !!python/object/apply:os.system [echo]\n", "not valid YAML"),
])
def test_codebook_yaml_errors(tmp_path, body, problem):
    assert problem in _error(write(tmp_path / "codebook.yml", body)).problem


def test_codebook_csv_paths_parent_first(tmp_path):
    f = write(tmp_path / "codebook.csv",
              "path,definition,keywords,colour,finding\n"
              "Performance > Results,Outcomes,result; outcome,red,F2\n"
              "Performance,Did it work,,,\nRelevance,,,,\n")
    codes = load_paths([f]).codes
    assert [(c.name, c.parent_path) for c in codes] == [
        ("Performance", None), ("Results", "Performance"), ("Relevance", None)]
    assert codes[0].definition == "Did it work"
    assert (codes[1].keywords, codes[1].colour, codes[1].finding) == (
        ("result", "outcome"),
        "red",
        "F2",
    )


def test_codebook_csv_name_parent(tmp_path):
    f = make_xlsx(tmp_path / "cb.xlsx", [["name", "parent", "definition"], ["Child", "Root", "c"],
                                         ["Root", None, "r"], ["Grandchild", "Child", "g"]])
    codes = load_paths([f]).codes
    assert [c.path for c in codes] == ["Root", "Root > Child", "Root > Child > Grandchild"]
    assert [c.definition for c in codes] == ["r", "c", "g"]


def test_codebook_cycle_and_bad_parent(tmp_path):
    cyc = write(tmp_path / "cb.csv", "name,parent\nRoot,\nA,B\nB,C\nC,A\n")
    assert _error(cyc).problem == "codebook has a cycle: A > B > C > A"
    self_loop = write(tmp_path / "cb2.csv", "name,parent\nA,A\n")
    assert _error(self_loop).problem == "codebook has a cycle: A > A"
    orphan = write(tmp_path / "cb3.csv", "name,parent\nA,Nope\n")
    assert "parent 'Nope' of 'A' is not a code" in _error(orphan).problem
    bad = write(tmp_path / "cb4.csv", "path\nA >  > B\n")
    assert _error(bad).problem == "line 2: empty code name"


def test_coded_csv(tmp_path):
    f = write(tmp_path / "coded.csv",
              'respondent,document,question,coder,start,end,text,codes\n'
              'R1,R1.txt,Q1,ann,0,5,"Hello",Relevance > Fit;Efficiency\n'
              'R1,R1.txt,,,,,"Multi\nline",\n'
              'R2,,,bob,,,Plain,Relevance>Fit ; Relevance > Fit\n')
    bundle = load_paths([f])
    assert bundle.coded_source == str(f)
    assert bundle.coded == [
        CodedRow(
            "R1", "Hello", ("Relevance > Fit", "Efficiency"), "ann", "R1.txt", "Q1", 0, 5, line=2
        ),
        CodedRow("R1", "Multi\nline", (), "imported", "R1.txt", None, None, None, line=3),
        # only " > " with spaces separates levels (issue 19): "Relevance>Fit" is one code
        CodedRow("R2", "Plain", ("Relevance>Fit", "Relevance > Fit"), "bob", None, None, None,
                 None, line=5),
    ]


def test_coded_xlsx(tmp_path):
    f = make_xlsx(tmp_path / "coded.xlsx", [["Respondent", "Text", "Codes", "Coder"],
                                            ["R1", "Some text", "A > B", "ann"]])
    rows = load_paths([f]).coded
    assert [(r.respondent, r.text, r.codes, r.coder, r.line) for r in rows] == [
        ("R1", "Some text", ("A > B",), "ann", 2)]


@pytest.mark.parametrize("body,problem", [
    ("respondent,text\nR1,x\n", "missing required column 'codes'"),
    ("text,codes\nx,A\n", "missing required column 'respondent'"),
    ("respondent,text,codes,start\nR1,x,A,zero\n", "line 2: start must be a whole number"),
    ("respondent,text,codes\nR1,  ,A\n", "line 2: empty text"),
    ("respondent,text,codes,start,end\nR1,x,A,5,2\n", "line 2: end (2) is before start (5)"),
])
def test_coded_errors(tmp_path, body, problem):
    assert problem in _error(write(tmp_path / "coded.csv", body)).problem


def test_excel_sep_hint_and_line_numbers(tmp_path):
    f = write(tmp_path / "r.csv", "sep=;\nrespondent;note\nR01;a, b\nR02;\"two\nlines\"\nR01;x\n")
    assert _error(f).problem == "duplicate respondent id 'R01' on line 6 (first on line 3)"
    f.write_text("sep=;\nrespondent;note\nR01;a, b\n")
    assert [(r.key, r.attributes) for r in load_paths([f]).respondents] == [
        ("R01", {"note": "a, b"})
    ]


@pytest.mark.parametrize("name,rows", [
    ("respondents.csv", "respondent,group\n"),
    ("coded.csv", "respondent,text,codes\r\n,,\r\n"),
    ("codebook.csv", "path,parent\n"),
])
def test_a_table_with_only_a_header_is_an_error(tmp_path, name, rows):
    assert _error(write(tmp_path / name, rows)).problem == "no data rows (only a header)"


def test_an_xlsx_with_only_a_header_is_an_error(tmp_path):
    f = make_xlsx(tmp_path / "people.xlsx", [["respondent", "region"], [None, None]])
    assert _error(f).problem == "no data rows (only a header)"
