"""Folder imports: names relative to the folder, roles from a manifest or from the rules."""

from __future__ import annotations

import pytest
from importer_files import make_docx, write

from qualtally.core.errors import InputError
from qualtally.importers import load_paths

MANIFEST = """
respondents: respondents.csv
codebook: codebook.yaml
coded: coded.csv
ignore: [README.md, drafts/*]
interviewers: [Interviewer, Q, Moderator, Dan]
transcripts:
  - file: interviews/R01-ottawa-hq.txt
    respondent: R01
  - file: interviews/FG1-focus-group.docx
    speakers: {"Marie Tremblay": R10, "Ahmed Karimi": R15, "Li Wei": R16, "Dan Roe": null}
  - interviews/more/*.vtt
"""


def _folder(tmp_path, manifest: str | None = MANIFEST):
    root = tmp_path / "study"
    if manifest is not None:
        write(root / "qualtally-manifest.yaml", manifest)
    write(root / "README.md", "# About this study\n")
    write(root / "drafts" / "old.txt", "Interviewer: old\n")
    write(root / "respondents.csv", "respondent,region\nR01,East\nR10,East\nR15,West\nR16,West\n")
    write(root / "codebook.yaml", "codes:\n  - name: Relevance\n    children: [Fit]\n")
    write(root / "coded.csv", "respondent,document,text,codes,coder\n"
          "R01,R01-ottawa-hq.txt,It fits.,Relevance > Fit,ann\n")
    write(root / "interviews" / "R01-ottawa-hq.txt", "Dan: Does it fit?\nJane Roe: It fits.\n")
    make_docx(root / "interviews" / "FG1-focus-group.docx",
              ["Moderator: Views?", "Marie Tremblay: Late funds.", "Ahmed Karimi: Yes.",
               "Li Wei: No.", "Dan Roe: Thanks."])
    write(root / "interviews" / "more" / "R20.vtt",
          "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Sam>Hello.\n")
    write(root / ".DS_Store", b"\x00\x01")
    return root


def test_manifest_decides_every_role(tmp_path):
    root = _folder(tmp_path)
    seen = []
    bundle = load_paths([root], progress=lambda label, done, total: seen.append((done, total)))
    assert sorted(d.name for d in bundle.documents) == [
        "interviews/FG1-focus-group.docx",
        "interviews/R01-ottawa-hq.txt",
        "interviews/more/R20.vtt",
    ]
    docs = {d.name: d for d in bundle.documents}
    r01 = docs["interviews/R01-ottawa-hq.txt"]
    assert [(t.speaker, t.respondent_key) for t in r01.turns] == [
        ("Dan", None),
        ("Jane Roe", "R01"),
    ]
    fg = docs["interviews/FG1-focus-group.docx"]
    assert [t.respondent_key for t in fg.turns] == [None, "R10", "R15", "R16", None]
    assert [t.respondent_key for t in docs["interviews/more/R20.vtt"].turns] == ["R20"]
    assert [r.key for r in bundle.respondents] == ["R01", "R10", "R15", "R16"]
    assert [c.path for c in bundle.codes] == ["Relevance", "Relevance > Fit"]
    assert [r.text for r in bundle.coded] == ["It fits."]
    assert sorted(bundle.skipped) == [".DS_Store", "README.md", "drafts/old.txt"]
    assert seen == [(i, 6) for i in range(1, 7)]


@pytest.mark.parametrize(
    "edit,source,problem",
    [
        (
            lambda m: m.replace("ignore: [README.md, drafts/*]", "ignore: [README.md]"),
            "drafts/old.txt",
            "not listed in qualtally-manifest.yaml",
        ),
        (
            lambda m: m.replace("coded: coded.csv", "coded: missing.csv"),
            "study/qualtally-manifest.yaml",
            "lists 'missing.csv' but there is no such file",
        ),
        (
            lambda m: m.replace(', "Li Wei": R16', ""),
            "interviews/FG1-focus-group.docx",
            "speaker 'Li Wei' is not in the manifest's speakers map",
        ),
        (
            lambda m: m.replace(
                "codebook: codebook.yaml", "codebook: [codebook.yaml, respondents.csv]"
            ),
            "study/qualtally-manifest.yaml",
            "listed under two roles",
        ),
        (lambda m: m + "colour: red\n", "study/qualtally-manifest.yaml", "unknown key 'colour'"),
        (
            lambda m: m.replace("interviews/more/*.vtt", "interviews/more/*.srt"),
            "study/qualtally-manifest.yaml",
            "transcripts pattern 'interviews/more/*.srt' matches no file",
        ),
        (
            lambda m: m.replace("coded: coded.csv", "coded: [coded.csv, README.md]").replace(
                "README.md, ", ""
            ),
            "README.md",
            "listed as coded in qualtally-manifest.yaml, but a coded file must be .csv or .xlsx",
        ),
    ],
)
def test_manifest_errors(tmp_path, edit, source, problem):
    root = _folder(tmp_path, edit(MANIFEST))
    with pytest.raises(InputError) as info:
        load_paths([root])
    assert info.value.source == source and problem in info.value.problem


def test_manifest_role_with_a_missing_column(tmp_path):
    root = _folder(tmp_path)
    write(root / "coded.csv", "respondent,document,text\nR01,R01-ottawa-hq.txt,It fits.\n")
    with pytest.raises(InputError) as info:
        load_paths([root])
    assert (info.value.source, info.value.problem) == (
        "coded.csv",
        "missing required column 'codes'",
    )


def test_importing_the_manifest_file_imports_its_folder(tmp_path):
    root = _folder(tmp_path)
    assert len(load_paths([root / "qualtally-manifest.yaml"]).documents) == 3


def test_findings_role_calls_the_findings_reader(tmp_path):
    root = _folder(tmp_path, MANIFEST + "findings: findings.md\n")
    write(root / "findings.md", "# Findings\n\n## Quantifier scale\n\n| label | from | to |\n"
          "|---|---|---|\n| all | 1.00 | 1.00 |\n| most | 0.60 | 0.99 |\n| some | 0.00 | 0.59 |\n\n"
          "Source: this test.\n\n## Key findings – relevance\n\n"
          "- **R1.** Most respondents said the programme fits their needs.\n")
    bundle = load_paths([root])
    assert [f.key for f in bundle.findings] == ["R1"] and bundle.scale is not None
    assert all(d.name != "findings.md" for d in bundle.documents)


def test_folder_without_manifest_goes_by_the_rules(tmp_path):
    root = _folder(tmp_path, manifest=None)
    (root / "drafts" / "old.txt").unlink()
    bundle = load_paths([root])
    assert sorted(d.name for d in bundle.documents) == [
        "interviews/FG1-focus-group.docx",
        "interviews/R01-ottawa-hq.txt",
        "interviews/more/R20.vtt",
    ]
    assert sorted(bundle.skipped) == [".DS_Store", "README.md"]
    assert len(bundle.respondents) == 4 and len(bundle.codes) == 2 and len(bundle.coded) == 1
    r01 = next(d for d in bundle.documents if d.name.endswith("R01-ottawa-hq.txt"))
    # without the manifest, Dan is not known to be an interviewer: two speakers are two
    # people, neither collapsed onto the file's id (that would count Dan's words as R01's)
    assert [t.respondent_key for t in r01.turns] == ["Dan", "Jane Roe"]
    fg = next(d for d in bundle.documents if d.name.endswith(".docx"))
    assert [t.respondent_key for t in fg.turns] == [
        None, "Marie Tremblay", "Ahmed Karimi", "Li Wei", "Dan Roe"]


def test_single_files_are_named_by_file_name_and_clashes_refused(tmp_path):
    a = write(tmp_path / "a" / "R1.txt", "Q: x\nA: y\n")
    b = write(tmp_path / "b" / "R1.txt", "Q: x\nA: z\n")
    assert [d.name for d in load_paths([a, a]).documents] == ["R1.txt"]
    with pytest.raises(InputError) as info:
        load_paths([a, b])
    assert info.value.source == "R1.txt"
    assert "two transcripts would get this document name" in info.value.problem


def test_a_nested_manifest_is_refused(tmp_path):
    root = _folder(tmp_path, manifest=None)
    write(root / "interviews" / "qualtally-manifest.yaml", "transcripts: [R01-ottawa-hq.txt]\n")
    with pytest.raises(InputError) as info:
        load_paths([root])
    assert info.value.source == "interviews/qualtally-manifest.yaml"
    assert "only works at the top of the folder" in info.value.problem


def test_a_file_named_twice_is_read_once(tmp_path):
    """The folder and one of its files (and a path through a symlink) name the same file."""
    from qualtally.importers.discover import discover

    folder = tmp_path / "t"
    folder.mkdir()
    for i in range(3):
        (folder / f"int{i}.txt").write_text(f"P{i}: hello there number {i}.\n")
    (tmp_path / "link").symlink_to(folder)
    jobs, _ = discover([folder, folder / "int1.txt", tmp_path / "link" / "int2.txt"])
    assert sorted(j.path.name for j in jobs) == ["int0.txt", "int1.txt", "int2.txt"]
