"""The real REFI-QDA samples (NVivo 12, ATLAS.ti) import with every code and every coding,
each coded span's text being the text the file's positions designate."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile

import pytest

from qualtally.core.models import PATH_SEP
from qualtally.project import Project
from refi.refi_files import sample

NS = "{urn:QDA-XML:project:1.0}"


def _code_paths(root: ET.Element) -> dict[str, str]:
    """Code GUID -> path, walked here from the XML (not by the importer's code)."""
    out: dict[str, str] = {}

    def walk(el: ET.Element, parent: str | None) -> None:
        for code in el.findall(f"{NS}Code"):
            path = code.get("name") if parent is None else f"{parent}{PATH_SEP}{code.get('name')}"
            out[code.get("guid")] = path
            walk(code, path)

    walk(root.find(f"{NS}CodeBook/{NS}Codes"), None)
    return out


def _utf16_slice(raw: str, start: int, end: int) -> str:
    data = raw.encode("utf-16-le")
    return data[2 * start:2 * end].decode("utf-16-le")


@pytest.fixture(scope="module")
def nvivo(tmp_path_factory):
    path = sample("nvivo12-oltas0517.qdpx")
    project = Project.new(tmp_path_factory.mktemp("nvivo") / "p.qtally")
    counts = project.import_paths([path], actor="test")
    yield path, project, counts
    project.close()


def test_nvivo_sample_imports_every_code_with_its_hierarchy_and_description(nvivo):
    path, project, _ = nvivo
    root = ET.fromstring(zipfile.ZipFile(path).read("project.qde"))
    expected = _code_paths(root)
    assert len(expected) == 152
    codes = {c.path: c for c in project.codes()}
    assert set(codes) == set(expected.values())
    described = {expected[c.get("guid")]: (c.findtext(f"{NS}Description") or "").strip()
                 for c in root.iter(f"{NS}Code")}
    assert {p: codes[p].definition for p in codes} == described
    assert all(c.colour == "" for c in codes.values())  # NVivo wrote no colours


def test_nvivo_sample_every_coding_at_the_text_its_positions_designate(nvivo):
    """Expected texts come straight from the archive: NVivo counts UTF-16 code units and
    CRLF as two, so the slice is taken in UTF-16 of the file's own text, then line ends
    are made LF as qualtally keeps them."""
    path, project, counts = nvivo
    zf = zipfile.ZipFile(path)
    root = ET.fromstring(zf.read("project.qde"))
    paths = _code_paths(root)
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{NS}User")}
    expected = set()
    for src in root.iter(f"{NS}TextSource"):
        raw = zf.read("Sources/" + src.get("plainTextPath").split("://")[1]).decode("utf-8-sig")
        for sel in src.findall(f"{NS}PlainTextSelection"):
            a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
            text = _utf16_slice(raw, a, b).replace("\r\n", "\n")
            start = len(_utf16_slice(raw, 0, a).replace("\r\n", "\n"))
            for coding in sel.findall(f"{NS}Coding"):
                expected.add((src.get("name"), start, start + len(text), text,
                              users[coding.get("creatingUser")],
                              paths[coding.find(f"{NS}CodeRef").get("targetGUID")],
                              coding.get("creationDateTime")))
    assert len(expected) == 303 and counts["codings"] == 303

    docs = {d.id: project.document(d.id) for d in project.documents()}
    by_id = {c.id: c.path for c in project.codes()}
    excerpts = {e.id: e for e in project.excerpts()}
    rows = project.export_rows()
    got = set()
    for row in rows:
        doc = next(d for d in docs.values() if d.name == row["document"])
        assert doc.text[row["start"]:row["end"]] == row["text"]
        for code, created in zip(row["codes"].split(";"), row["created"].split(";")):
            got.add((row["document"], row["start"], row["end"], row["text"], row["coder"], code,
                     created))
    assert got == expected
    coded = project.codings(excerpts)
    assert sum(len(v) for v in coded.values()) == 303
    assert all(by_id[code_id] for v in coded.values() for code_id, _, _ in v)


def test_nvivo_sample_turns_are_found_as_in_any_transcript(nvivo, tmp_path):
    """The same text imported as a .txt transcript gets the same turns and respondents."""
    _, project, _ = nvivo
    for d in project.documents():
        doc = project.document(d.id)
        if not doc.text.strip():
            continue
        plain = tmp_path / f"{doc.name}.txt"
        plain.write_text(doc.text, encoding="utf-8")
        other = Project.new(tmp_path / f"{doc.name}.qtally")
        other.import_paths([plain], actor="test")
        same = other.document(other.documents()[0].id)
        assert [(t.start, t.end, t.speaker, t.respondent_key) for t in doc.turns] == \
            [(t.start, t.end, t.speaker, t.respondent_key) for t in same.turns]
        assert len(doc.turns) > 100
        other.close()


def test_nvivo_sample_says_how_positions_were_read_and_what_was_left(nvivo):
    _, _, counts = nvivo
    assert any("UTF-16 code units, CRLF as two" in n for n in counts["notes"])
    assert any("rich-text (.docx)" in n for n in counts["notes"])


def test_atlasti_samples_codes_without_colours_and_an_empty_project(tmp_path):
    project = Project.new(tmp_path / "a.qtally")
    counts = project.import_paths([sample("atlasti-target-project.qdpx")], actor="test")
    assert counts["codes"] == 3
    assert [(c.path, c.colour) for c in project.codes()] == [
        ("Commits", ""), ("Commits > 2022-05-10T02:05:59Z 19e4dce", ""),
        ("Commits > 2022-02-11T10:39:25Z cdbfd92", "")]
    blank = Project.new(tmp_path / "b.qtally")
    counts = blank.import_paths([sample("atlasti-blank-project.qdpx")], actor="test")
    assert (counts["codes"], counts["documents"], counts["codings"]) == (0, 0, 0)
    project.close()
    blank.close()
