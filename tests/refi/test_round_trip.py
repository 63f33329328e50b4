"""Export the demo project as .qdpx, import it into an empty project: the same codes,
respondents, attributes, codings (coder, positions, text), memos, marks and findings; the
exported project.qde and .qdc validate against the QDA-XML schemas."""

from __future__ import annotations

import json
import zipfile

import pytest
import xmlschema

from qualtally.cli import main
from qualtally.core.speakers import SpeakerDecisions
from qualtally.demo import corpus_dir
from qualtally.project import Project
from refi.refi_files import CODEBOOK_SCHEMA, SCHEMA

EXTRA = ("Interviewer: Thanks for coming 😀 [laughs]. What did you think?\n\n"
         "Zoë Park: Honestly 👍 it was fine [inaudible] <b>bold</b> & more.\n\n"
         "Interviewer: And the fees?\n\nZoë Park: Too high 💸, really.\n")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo project plus memos (two coders, brackets, XML characters, emoji), an extra
    interview whose text has emoji (code points and UTF-16 units differ after them)."""
    folder = tmp_path_factory.mktemp("demo")
    project = Project.new(folder / "demo.qtally")
    project.import_paths([corpus_dir()], actor="demo")
    extra = folder / "R25-emoji.txt"
    extra.write_text(EXTRA, encoding="utf-8")
    # R25 is not in the demo's respondents list: accepted as a new respondent on purpose
    project.import_paths([extra], actor="demo", decisions=SpeakerDecisions(create=True))
    doc = next(d for d in project.documents() if d.name == "R25-emoji.txt")
    answers = [e for e in project.excerpts(doc.id)]
    code = project.codes()[1]
    for e in answers:
        project.apply_code(e.id, code.id, "coder-a")
    narrowed = project.narrow(answers[1].id, answers[1].start + 4, answers[1].end - 1, "coder-b")
    project.apply_code(narrowed, project.codes()[2].id, "coder-b")
    excerpts = project.excerpts()
    project.set_memo(excerpts[0].id, "coder-a", "First memo [inaudible] <tag> & \"quotes\" 😀")
    project.set_memo(excerpts[0].id, "coder-b", "coder-b's view\nsecond line")
    project.set_memo(excerpts[5].id, "coder-a", "memo on an excerpt [laughs]")
    project.set_memo(narrowed, "coder-b", "memo on a narrowed span")
    yield project
    project.close()


def _state(project: Project) -> dict:
    snap = project.exchange_snapshot()
    texts = {d.name: d.text for d in snap.documents}
    names = {d.id: d.name for d in project.documents()}
    return {
        "codes": [(c.path, c.definition, c.include, c.exclude, c.keywords, c.examples, c.colour,
                   c.finding) for c in snap.codes],
        "respondents": [(r.key, r.attributes) for r in snap.respondents],
        "attribute types": snap.attribute_types,
        "documents": texts,
        "turns": {d.name: [(t.start, t.end, t.speaker, t.respondent_key) for t in d.turns]
                  for d in snap.documents},
        "excerpts": sorted((names[e.document_id], e.start, e.end, e.text, e.respondent_key,
                            e.parent_id is None, e.question) for e in project.excerpts()),
        "codings": sorted((c.document, c.start, c.end, texts[c.document][c.start:c.end], c.coder,
                           c.code_path, c.created) for c in snap.codings),
        "memos": sorted((m.document, m.start, m.end, m.coder, m.text) for m in snap.memos),
        "marks": sorted((m.document, m.start, m.end, m.coder) for m in snap.marks),
        "findings": [(f.key, f.statement, f.section, f.quantifier, sorted(f.code_paths), f.asked)
                     for f in snap.findings],
        "scale": snap.scale,
    }


def test_export_then_import_gives_the_same_project(demo, tmp_path):
    out = demo.export(tmp_path / "demo.qdpx")
    again = Project.new(tmp_path / "again.qtally")
    again.import_paths([out], actor="test")
    before, after = _state(demo), _state(again)
    assert len(before["codings"]) == 385 + 3 and len(before["memos"]) == 4
    assert len(before["marks"]) == 59 and len(before["respondents"]) == 25
    for key in before:
        assert after[key] == before[key], key
    again.close()


def test_round_trip_keeps_the_tally_by_group(demo, tmp_path, capsys):
    out = demo.export(tmp_path / "demo.qdpx")
    main(["new", str(tmp_path / "again.qtally")])
    assert main(["import", str(tmp_path / "again.qtally"), str(out), "--no-suggestions",
                 "--quiet"]) == 0
    capsys.readouterr()
    tallies = []
    for path in (str(demo.path), str(tmp_path / "again.qtally")):
        assert main(["tally", path, "--by", "group", "--json"]) == 0
        tallies.append(json.loads(capsys.readouterr().out))
    assert tallies[0] == tallies[1]


def test_exported_project_validates_against_the_schema(demo, tmp_path):
    out = demo.export(tmp_path / "demo.qdpx")
    zf = zipfile.ZipFile(out)
    qde = zf.read("project.qde").decode("utf-8")
    schema = xmlschema.XMLSchema(SCHEMA)
    errors = [f"{e.reason} at {e.path}" for e in schema.iter_errors(qde)]
    assert errors == []
    names = zf.namelist()
    assert names[0] == "project.qde" and all(n.startswith("sources/") for n in names[1:])
    assert len(names) == 1 + len(demo.documents())
    data = schema.to_dict(qde)
    assert len(data["Users"]["User"]) == 2
    assert len(data["Cases"]["Case"]) == 25
    assert len(data["Notes"]["Note"]) == 4 + len(demo.findings()) + 1  # memos, findings, scale
    assert data["NoteRef"] == [{"@targetGUID": data["Notes"]["Note"][0]["@guid"]}]


def test_exported_codebook_validates_and_round_trips(demo, tmp_path):
    out = demo.export(tmp_path / "codes.qdc")
    text = out.read_text(encoding="utf-8")
    assert list(xmlschema.XMLSchema(CODEBOOK_SCHEMA).iter_errors(text)) == []
    other = Project.new(tmp_path / "codes.qtally")
    counts = other.import_paths([out], actor="test")
    assert counts["documents"] == 0
    assert _state(other)["codes"] == _state(demo)["codes"]
    assert _state(other)["findings"] == _state(demo)["findings"]
    other.close()


def test_one_coders_export_holds_only_that_coders_work(demo, tmp_path):
    out = demo.export(tmp_path / "b.qdpx", coder="coder-b")
    qde = zipfile.ZipFile(out).read("project.qde").decode("utf-8")
    assert list(xmlschema.XMLSchema(SCHEMA).iter_errors(qde)) == []
    again = Project.new(tmp_path / "b.qtally")
    again.import_paths([out], actor="test")
    before = _state(demo)
    after = _state(again)
    assert after["codings"] == [c for c in before["codings"] if c[4] == "coder-b"]
    assert after["memos"] == [m for m in before["memos"] if m[3] == "coder-b"]
    assert after["marks"] == [m for m in before["marks"] if m[3] == "coder-b"]
    assert again.coders() == ["coder-b"]
    assert after["respondents"] == before["respondents"]
    again.close()


def test_a_project_made_from_a_coded_table_alone_round_trips(tmp_path):
    """Documents made from a coded-excerpts CSV (no transcripts) have no speaker labels in
    their text: the turns the export records are what keeps each excerpt's respondent."""
    table = tmp_path / "coded.csv"
    table.write_text(
        "respondent,document,text,codes,coder\n"
        "R1,site notes,Fees are too high [sic].,Costs,ann\n"
        "R2,site notes,Staff were helpful.,Service,ann\n"
        "R1,site notes,Staff were helpful.,Service,bo\n", encoding="utf-8")
    project = Project.new(tmp_path / "csv.qtally")
    project.import_paths([table], actor="test")
    out = project.export(tmp_path / "csv.qdpx")
    again = Project.new(tmp_path / "again.qtally")
    counts = again.import_paths([out], actor="test")
    assert any("given the speaker turns qualtally recorded" in n for n in counts["notes"])
    rows = sorted((r["text"], r["respondent"], r["coder"], r["codes"])
                  for r in again.export_rows())
    assert rows == sorted((r["text"], r["respondent"], r["coder"], r["codes"])
                          for r in project.export_rows())
    assert {r[1] for r in rows} == {"R1", "R2"}
    assert _state(again) == _state(project)
    project.close()
    again.close()
