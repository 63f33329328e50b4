"""Respondent lists, codebooks and coded excerpts, from CSV, XLSX and YAML."""

from __future__ import annotations

import pytest

from qualtally.core.errors import InputError
from qualtally.core.models import CodedRow
from qualtally.importers import load_paths

from importer_files import make_xlsx, write


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
        ("7", {"region": "East", "age": "41"}), ("R08", {"region": "", "age": "35"})]


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
    ("codes:\n  - name: A > B\n", "contains '>' or ';'"),
    ("codes:\n  - name: A;B\n", "contains '>' or ';'"),
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
    assert (codes[1].keywords, codes[1].colour, codes[1].finding) == (("result", "outcome"), "red", "F2")


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
        CodedRow("R1", "Hello", ("Relevance > Fit", "Efficiency"), "ann", "R1.txt", "Q1", 0, 5, line=2),
        CodedRow("R1", "Multi\nline", (), "imported", "R1.txt", None, None, None, line=3),
        CodedRow("R2", "Plain", ("Relevance > Fit",), "bob", None, None, None, None, line=5),
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
    assert [(r.key, r.attributes) for r in load_paths([f]).respondents] == [("R01", {"note": "a, b"})]


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
