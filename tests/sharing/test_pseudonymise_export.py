"""A pseudonymised export of the demo project (plus an interview full of awkward names) in
every format: no respondent's name, short form or speaker label survives; pseudonyms are
the same in two exports; the mapping file exists only when asked for; identifying
attributes are gone; every .qdpx selection still points at the same passage."""

from __future__ import annotations

import csv
import re
import zipfile
from html.parser import HTMLParser

import openpyxl
import pytest
import xmlschema
from defusedxml import ElementTree as DET
from refi.refi_files import NS, SCHEMA

from qualtally.cli import main
from qualtally.core.pseudonym import is_role, short_forms
from qualtally.demo import corpus_dir
from qualtally.project import Project

ROLE = "Senior Policy Analyst, Multilateral Affairs"  # R02's role, in no transcript
FORMATS = ("csv", "xlsx", "html", "qdpx", "qdc")
EXTRA = (
    "Interviewer: Thanks 😀 for coming, Ms Lindqvist. What did you think?\n\n"
    "Astrid Lindqvist: Honestly 👍 it was fine [inaudible]. ASTRID is what they call me; "
    "astrid's team and Daniel Okafor disagreed, and claire bouchard too.\n\n"
    "Interviewer: And the fees?\n\n"
    "Astrid Lindqvist: Too high 💸, said Lindqvist. Clairette and Astridsson are not names "
    "of ours.\n"
)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("share")
    project = Project.new(tmp_path_factory.mktemp("project") / "demo.qtally")
    project.import_paths([corpus_dir()], actor="demo")
    people = folder / "more-respondents.csv"
    people.write_text("respondent,name,group,email\nR25,Astrid Lindqvist,Partners,"
                      "astrid@example.org\n", encoding="utf-8")
    extra = folder / "R25-names.txt"
    extra.write_text(EXTRA, encoding="utf-8")
    manifest = folder / "qualtally-manifest.yaml"
    manifest.write_text("respondents: more-respondents.csv\ninterviewers: [Interviewer]\n"
                        "transcripts:\n  - file: R25-names.txt\n    respondent: R25\n",
                        encoding="utf-8")
    project.import_paths([folder], actor="demo")
    doc = next(d for d in project.documents() if d.name == "R25-names.txt")
    answers = [e for e in project.excerpts(doc.id) if e.respondent_key == "R25"]
    code = project.codes()[1]
    for e in answers:
        project.apply_code(e.id, code.id, "coder-a")
    # a narrowed span that starts and ends inside names: it must still cover them after
    first = answers[0]
    start = first.start + first.text.index("STRID")
    end = first.start + first.text.index("Okafor") + 3
    narrowed = project.narrow(first.id, start, end, "coder-b")
    project.apply_code(narrowed, project.codes()[2].id, "coder-b")
    project.set_memo(first.id, "coder-a", "Astrid (and Sylvie Gagnon) named a colleague")
    project.set_memo(project.excerpts()[0].id, "coder-b", "Claire Bouchard was candid")
    project.set_identifying("role", True, actor="tester")
    yield project
    project.close()


def _names(project: Project) -> set[str]:
    """Every name form of every respondent, and every speaker label of a respondent's turn."""
    forms = set()
    for r in project.respondents():
        forms.update(short_forms(str(r.attributes.get("name", ""))))
        if "@" in str(r.attributes.get("email", "")):
            forms.add(str(r.attributes["email"]))
    for d in project.exchange_snapshot().documents:
        forms.update(t.speaker for t in d.turns if t.respondent_key and not is_role(t.speaker))
    return {f for f in forms if f}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag, attrs) -> None:
        self.parts.extend(v for _, v in attrs if v)


def _read(path) -> str:
    """Everything a reader of the file sees, as text."""
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path)
        return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row
                         if c.value is not None) + "\n" + "\n".join(wb.sheetnames)
    if path.suffix == ".qdpx":
        with zipfile.ZipFile(path) as z:
            return "\n".join(n + "\n" + z.read(n).decode("utf-8") for n in z.namelist())
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        parser = _Text()
        parser.feed(text)
        return text + "\n" + "\n".join(parser.parts)
    return text


def _survivors(text: str, forms: set[str]) -> list[str]:
    return sorted(f for f in forms
                  if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text, re.IGNORECASE))


def test_the_plain_export_does_hold_the_names(project, tmp_path):
    """The check below can see names: the ordinary export of the same project has them."""
    forms = _names(project)
    for fmt in ("csv", "xlsx", "html", "qdpx"):
        out = project.export(tmp_path / f"plain.{fmt}")
        found = _survivors(_read(out), forms)
        assert "Astrid" in found, fmt
    assert ROLE in _read(tmp_path / "plain.html") and ROLE in _read(tmp_path / "plain.qdpx")
    qdpx = _read(tmp_path / "plain.qdpx")
    assert {"Astrid", "Claire Bouchard", "Kevin Doucet", "astrid@example.org"} <= set(
        _survivors(qdpx, forms))


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_name_survives_a_pseudonymised_export(project, tmp_path, fmt):
    out = project.export(tmp_path / f"shared.{fmt}", pseudonymise=True)
    text = _read(out)
    assert _survivors(text, _names(project)) == []
    assert ROLE not in text  # role: marked identifying
    if fmt in ("csv", "xlsx", "html", "qdpx"):
        assert "R25" in text  # Astrid's pseudonym is there instead


def test_names_in_text_are_replaced_on_word_boundaries_whatever_their_case(project, tmp_path):
    out = project.export(tmp_path / "shared.csv", pseudonymise=True)
    rows = [r for r in csv.DictReader(out.open(encoding="utf-8")) if r["respondent"] == "R25"]
    said = "\n".join(r["text"] for r in rows)
    assert "R25 is what they call me; R25's team and R02 disagreed, and R01 too." in said
    assert "said R25." in said
    assert "Clairette and Astridsson are not names" in said  # longer words are left alone
    assert "[inaudible]" in said
    assert "R25 (and R03) named a colleague" in {r.get("memo") for r in rows}  # memos too


def test_pseudonyms_are_stable_across_exports_and_the_mapping_is_written_only_when_asked(
        project, tmp_path):
    first = project.export(tmp_path / "a.csv", pseudonymise=True)
    second = project.export(tmp_path / "b.csv", pseudonymise=True)
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]
    assert main(["export", str(project.path), str(tmp_path / "c.html"), "--pseudonymise",
                 "--mapping", str(tmp_path / "key.csv"), "--quiet"]) == 0
    mapping = list(csv.DictReader((tmp_path / "key.csv").open(encoding="utf-8")))
    assert len(mapping) == 25
    assert {"pseudonym": "R25", "respondent": "R25"} in mapping
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv", "c.html", "key.csv"]


def _selections(qdpx) -> dict[str, tuple[str, list[tuple[int, int]]]]:
    """Source name -> (its text, the (start, end) of its selections in file order)."""
    with zipfile.ZipFile(qdpx) as z:
        root = DET.fromstring(z.read("project.qde"))
        out = {}
        for src in root.iter(f"{{{NS}}}TextSource"):
            text = z.read("sources/" + src.get("plainTextPath").split("/")[-1]).decode("utf-8")
            spans = [(int(s.get("startPosition")), int(s.get("endPosition")))
                     for s in src.iter(f"{{{NS}}}PlainTextSelection")]
            out[src.get("name")] = (text, spans)
    return out


def test_qdpx_selections_point_at_the_same_passage_after_replacement(project, tmp_path):
    plain = _selections(project.export(tmp_path / "plain.qdpx"))
    shared_file = project.export(tmp_path / "shared.qdpx", pseudonymise=True)
    shared = _selections(shared_file)
    p = project.sharing.pseudonymiser(project.exchange_snapshot().documents)
    assert sorted(shared) == sorted(p.text(name) for name in plain)
    moved, cut = 0, []
    for name, (text, spans) in plain.items():
        new_text, new_spans = shared[p.text(name)]
        assert new_text == p.text(text)
        assert len(new_spans) == len(spans)
        for (s, e), (ns, ne) in zip(spans, new_spans):
            moved += (s, e) != (ns, ne)
            if _inside_word(text, s) or _inside_word(text, e):
                cut.append((name, text[s:e]))
                continue
            assert new_text[ns:ne] == p.text(text[s:e]), (name, s, e)
    assert moved > 50  # names of other lengths did move later selections
    assert cut == [("R25-names.txt", "STRID is what they call me; astrid's team and Daniel Oka")]
    # the narrowed span began inside "ASTRID" and ended inside "Okafor": it covers both
    # pseudonyms whole
    narrowed = [shared["R25-names.txt"][0][s:e] for s, e in shared["R25-names.txt"][1]]
    assert "R25 is what they call me; R25's team and R02" in narrowed
    assert list(xmlschema.XMLSchema(SCHEMA).iter_errors(
        zipfile.ZipFile(shared_file).read("project.qde").decode("utf-8"))) == []


def _inside_word(text: str, i: int) -> bool:
    return 0 < i < len(text) and text[i - 1].isalnum() and text[i].isalnum()


def test_a_pseudonymised_qdpx_imports_with_its_pseudonyms(project, tmp_path):
    out = project.export(tmp_path / "shared.qdpx", pseudonymise=True)
    with Project.new(tmp_path / "back.qtally") as back:
        back.import_paths([out], actor="t")
        keys = {r.key for r in back.respondents()}
        assert keys == {f"R{i:02d}" for i in range(1, 26)}
        assert all("role" not in r.attributes and "name" not in r.attributes
                   and "email" not in r.attributes for r in back.respondents())
        assert back.info()["codings"] == project.info()["codings"]
        assert back.tally().to_json()["findings"] == project.tally().to_json()["findings"]


def test_identifying_is_marked_and_unmarked_through_the_cli_and_logged(tmp_path, capsys):
    path = tmp_path / "p.qtally"
    with Project.new(path) as p:
        p.import_paths([corpus_dir() / "respondents.csv"], actor="t")
    assert main(["identifying", str(path), "location", "on", "--actor", "ana"]) == 0
    assert main(["identifying", str(path), "role", "on", "--actor", "ana"]) == 0
    assert main(["identifying", str(path), "location", "off", "--actor", "bo"]) == 0
    assert main(["identifying", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(": role")
    assert main(["identifying", str(path), "shoe size", "on"]) == 2
    assert "shoe size: no respondent attribute" in capsys.readouterr().err
    with Project.open(path) as p:
        events = [e for e in p.history() if e["action"] == "setting.set"]
        assert [(e["actor"], e["after"]["value"]) for e in events][2::-1] == [  # newest first
            ("ana", ["location"]), ("ana", ["location", "role"]), ("bo", ["role"])]
        p.export(tmp_path / "out.qdpx", pseudonymise=True)
        assert "Multilateral Affairs" not in _read(tmp_path / "out.qdpx")  # role: left out
        assert "Ottawa" in _read(tmp_path / "out.qdpx")  # location: no longer identifying


def test_pseudonyms_from_a_column(tmp_path, capsys):
    path = tmp_path / "p.qtally"
    people = tmp_path / "people.csv"
    people.write_text("respondent,name,code\n1,Ann Lee,KI-7\n2,Bob Roy,KI-3\n", encoding="utf-8")
    talk = tmp_path / "talk.txt"
    talk.write_text("Interviewer: Hi Ann.\n\nAnn Lee: Bob Roy told me 1 thing.\n", encoding="utf-8")
    with Project.new(path) as p:
        p.import_paths([people], actor="t")
    assert main(["import", str(path), str(talk), "--quiet", "--no-suggestions"]) == 0
    out = tmp_path / "s.qdpx"
    assert main(["export", str(path), str(out), "--pseudonymise", "--pseudonym-column", "code",
                 "--quiet"]) == 0
    text = _read(out)
    assert "Interviewer: Hi KI-7.\n\nKI-7: KI-3 told me 1 thing." in text  # key 1: no form
    assert 'name="KI-3"' in text and 'name="KI-7"' in text  # the cases
    assert "Ann" not in text and "Bob" not in text
    assert main(["export", str(path), str(tmp_path / "x.csv"), "--pseudonymise",
                 "--pseudonym-column", "shoe"]) == 2
    assert "shoe: no respondent attribute" in capsys.readouterr().err
    assert main(["export", str(path), str(tmp_path / "y.csv"), "--mapping",
                 str(tmp_path / "m.csv")]) == 2
    same = tmp_path / "z.csv"
    for dest, mapping, problem in ((out, path, "give it a .csv name"),
                                   (same, same, "the export itself")):
        assert main(["export", str(path), str(dest), "--pseudonymise", "--mapping",
                     str(mapping)]) == 2
        assert problem in capsys.readouterr().err
    assert not same.exists()
    with Project.open(path) as p:  # the project file was not overwritten by a mapping
        assert p.info()["respondents"] == 2
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "y.csv").exists()
    assert not (tmp_path / "m.csv").exists()


def test_a_project_on_postgresql_exports_pseudonymised_too(tmp_path):
    from qt_pg import fresh_database

    people = tmp_path / "people.csv"
    people.write_text("respondent,name,phone\nK1,Ann Lee,555-0100\nK2,Bob Roy,555-0199\n",
                      encoding="utf-8")
    talk = tmp_path / "K1-talk.txt"
    talk.write_text("Interviewer: Hi Ann, call 555-0100?\n\nAnn Lee: Bob said lee is fine.\n",
                    encoding="utf-8")
    with fresh_database() as url, Project.new(url) as project:
        project.import_paths([people, talk], actor="t")
        project.set_identifying("phone", True, actor="t")  # a contact column: left out anyway
        assert project.identifying() == ["phone"]
        text = _read(project.export(tmp_path / "s.qdpx", pseudonymise=True,
                                    mapping=tmp_path / "m.csv"))
        assert "Interviewer: Hi R01, call R01?\n\nR01: R02 said R01 is fine." in text
        assert _survivors(text, {"Ann", "Lee", "Bob", "Roy", "555-0100"}) == []
        assert (tmp_path / "m.csv").read_text(encoding="utf-8") == (
            "pseudonym,respondent\nR01,K1\nR02,K2\n")
