"""Bad input, fuzzed: every importer format, fed random bytes, truncated and mutated valid
files, valid files with parser tokens spliced in (for the ZIP formats, into a member of an
otherwise sound ZIP) and valid ZIPs with a mutated member, through the CLI's own
``main``. Each example either imports or is refused with one line naming the file (the
speaker review's refusal lists the labels below its line), exit code 2, and the project
exactly as it was (every table compared). Never a traceback.

Bounded and seeded (``derandomize=True``, no example database), so CI sees the same
examples every run: ``EXAMPLES`` per format.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_files import make_xlsx

from qualtally.cli import main
from qualtally.demo import corpus_dir
from qualtally.project import Project

EXAMPLES = int(os.environ.get("QUALTALLY_FUZZ_EXAMPLES", "30"))
"""Per format; raise it to search for more (``QUALTALLY_FUZZ_EXAMPLES=500``, with
``QUALTALLY_FUZZ_RANDOM=1`` for examples other than CI's)."""
RANDOM = bool(os.environ.get("QUALTALLY_FUZZ_RANDOM"))
OUTCOMES: dict[str, dict[str, int]] = {}
MESSAGES: dict[str, set[str]] = {}
"""What each format's examples came to (printed with ``pytest -s``)."""
CORPUS = corpus_dir()
CODED = (CORPUS / "coded.csv").read_text(encoding="utf-8").splitlines()[:6]
ZIPPED = {".docx", ".xlsx", ".qdpx"}


def _coded_rows() -> list[list[str]]:
    import csv

    return list(csv.reader(CODED))


def _seeds(folder: Path) -> dict[str, Path]:
    """One valid file per format (the manifest: a folder holding it)."""
    def put(name: str, data: bytes) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def corpus(rel: str) -> bytes:
        return (CORPUS / rel).read_bytes()

    interviews = "interviews/"
    seeds = {
        "txt": put("txt/R02-policy.txt", corpus(interviews + "R02-ottawa-cic-policy.txt")),
        "md": put("md/R05-notes.md", corpus(interviews + "R05-ottawa-cic-finance-notes.md")),
        "docx": put("docx/R03.docx", corpus(interviews + "R03-ottawa-cic-resettlement.docx")),
        "vtt": put("vtt/R19.vtt", corpus(interviews + "R19-geneva-iom-resettlement.vtt")),
        "srt": put("srt/R24.srt", corpus(interviews + "R24-geneva-norway.srt")),
        "coded csv": put("coded/coded.csv", ("\n".join(CODED) + "\n").encode()),
        "coded xlsx": make_xlsx(folder / "codedx" / "coded.xlsx", _coded_rows()),
        "respondents csv": put("resp/people.csv", b"respondent,name,group,age,active\n"
                               b"K1,Ann Lee,HQ,41,yes\nK2,Bob Roy,Field,35,no\n"),
        "respondents xlsx": make_xlsx(folder / "respx" / "people.xlsx", [
            ["respondent", "group", "age"], ["K3", "HQ", 50], ["K4", "Field", 29]]),
        "codebook yaml": put("cb/codebook.yaml", corpus("codebook.yaml")),
        "codebook csv": put("cbc/codebook.csv", b"path,definition\nA,first\nA > B,second\n"
                            b"C,third\n"),
        "findings md": put("find/findings.md", corpus("findings.md")),
    }
    manifest = folder / "manifest"
    put("manifest/R02.txt", b"Interviewer: Hello?\n\nDaniel Okafor: Hello, yes.\n")
    seeds["manifest"] = put("manifest/qualtally-manifest.yaml",
                            b"interviewers: [Interviewer]\ntranscripts:\n  - file: R02.txt\n"
                            b"    respondent: R02\n    speakers: {\"Daniel Okafor\": R02}\n")
    assert seeds["manifest"].parent == manifest
    return seeds


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The seeds, a small project to import into (closed, copied afresh for each example),
    and its tables' hash."""
    folder = tmp_path_factory.mktemp("fuzz")
    seeds = _seeds(folder / "seeds")
    base = folder / "base.qtally"
    for path, interview in ((folder / "other.qtally", "R02-ottawa-cic-policy.txt"),
                            (base, "R01-ottawa-cic-multilateral.txt")):
        with Project.new(path) as project:
            project.import_paths([CORPUS / "respondents.csv", CORPUS / "codebook.yaml",
                                  CORPUS / "interviews" / interview], actor="fuzz")
            excerpt = project.excerpts()[3]
            project.apply_code(excerpt.id, project.codes()[2].id, "coder-a")
            project.set_memo(excerpt.id, "coder-a", "a memo")
            if path != base:  # the REFI-QDA seeds: another interview than the base's
                seeds["qdpx"] = project.export(folder / "seeds" / "qdpx" / "p.qdpx")
                seeds["qdc"] = project.export(folder / "seeds" / "qdc" / "p.qdc")
    return {"folder": folder, "seeds": seeds, "base": base, "hash": _tables(base)}


def _tables(path: Path) -> str:
    """A hash of every row of every table (what "nothing imported" means)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for name in names:
            rows = sorted(repr(r) for r in con.execute(f'SELECT * FROM "{name}"'))
            digest.update(f"{name}:{len(rows)}:{''.join(rows)}".encode())
        return digest.hexdigest()
    finally:
        con.close()


def _mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    out = bytearray(data)
    for pos, op, byte in edits:
        if not out:
            out.append(byte)
            continue
        i = pos % len(out)
        if op == 0:
            out[i] = byte
        elif op == 1:
            out.insert(i, byte)
        else:
            del out[i:i + 1 + byte % 16]
    return bytes(out)


def _mutate_member(data: bytes, which: int, edits) -> bytes:
    """The same ZIP with one member's bytes mutated (so its CRC is right and the parser
    behind the ZIP meets the damage)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        names = zin.namelist()
        members = {n: zin.read(n) for n in names}
    victim = names[which % len(names)]
    members[victim] = _mutate(members[victim], edits)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for n in names:
            zout.writestr(n, members[n])
    return buf.getvalue()


SPLICE = [*"\n\r\t :;,>-<|#*\"'[]{}&=0123456789aZ", "é", "😀", "\x00", "\ufeff", "-->",
          "Interviewer:", "<v ", "codes:", "respondent", "- name:", "R01", "&amp;", "<![CDATA["]
"""What text is spliced in: the characters and tokens the parsers look for."""
EDITS = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 2), st.integers(0, 255)),
                 min_size=1, max_size=8)
DAMAGE = st.one_of(
    st.tuples(st.just("random"), st.binary(max_size=3000)),
    st.tuples(st.just("truncated"), st.floats(0, 1, exclude_max=True)),
    st.tuples(st.just("mutated"), EDITS),
    st.tuples(st.just("member"), st.integers(0, 50), EDITS),
    st.tuples(st.just("spliced"), st.integers(0, 50), st.integers(0, 1 << 20),
              st.lists(st.sampled_from(SPLICE), max_size=40).map("".join)),
)


def _damaged(seed: bytes, suffix: str, damage: tuple) -> bytes:
    kind = damage[0]
    if kind == "random":
        return damage[1]
    if kind == "truncated":
        return seed[:int(len(seed) * damage[1])]
    if kind == "member" and suffix in ZIPPED:
        return _mutate_member(seed, damage[1], damage[2])
    if kind == "spliced":
        _, which, pos, text = damage
        edits = [(pos, 1, b) for b in reversed(text.encode("utf-8"))]
        return _mutate_member(seed, which, edits) if suffix in ZIPPED else _mutate(seed, edits)
    return _mutate(seed, damage[-1])


FORMATS = ["txt", "md", "docx", "vtt", "srt", "coded csv", "coded xlsx", "respondents csv",
           "respondents xlsx", "codebook yaml", "codebook csv", "findings md", "manifest", "qdpx",
           "qdc"]


def check_import(world, fmt: str, data: bytes, index: list[int]) -> None:
    """Import ``data`` as the format's file into a fresh copy of the base project."""
    seed = world["seeds"][fmt]
    index[0] += 1
    work = world["folder"] / f"{fmt.replace(' ', '-')}-{index[0]}"
    shutil.copytree(seed.parent, work)
    target = work / seed.name
    target.write_bytes(data)
    project = work / "p.qtally"
    shutil.copyfile(world["base"], project)
    err, out = io.StringIO(), io.StringIO()
    arg = work if fmt == "manifest" else target
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(["import", str(project), str(arg), "--no-suggestions", "--quiet"])
    seen = OUTCOMES.setdefault(fmt, {"imported": 0, "refused": 0})
    if code == 0:
        seen["imported"] += 1
        shutil.rmtree(work)
        return
    seen["refused"] += 1
    text = err.getvalue()
    lines = text.splitlines() or [""]
    MESSAGES.setdefault(fmt, set()).add(lines[0].split(": ", 3)[-1][:70].strip())
    assert code == 2, text
    # one error line; only the speaker review's refusal (issue 19) lists its labels below it,
    # with the file each is in, and how to decide them
    assert lines[0].startswith("qualtally: error: ") and "Traceback" not in text, text
    assert len(lines) == 1 or lines[0].startswith("qualtally: error: import: "), text
    assert target.name in text or work.name in text, text
    assert _tables(project) == world["hash"], f"{fmt}: the project changed on a refused import"
    shutil.rmtree(work)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_damaged_file_is_imported_or_refused_in_one_line_with_nothing_changed(world, fmt):
    seed_file = world["seeds"][fmt]
    seed = seed_file.read_bytes()
    index = [0]

    @settings(max_examples=EXAMPLES, derandomize=not RANDOM, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(damage=DAMAGE)
    def run(damage):
        check_import(world, fmt, _damaged(seed, seed_file.suffix, damage), index)

    run()
    seen = OUTCOMES[fmt]
    assert seen["refused"] > 0, seen  # the damage did reach the importer
    print(f"{fmt}: {seen}", *sorted(MESSAGES.get(fmt, ()))[:12], sep="\n    ")


def test_the_seeds_themselves_import(world):
    """The fuzz starts from files that are valid (else it would only test refusals)."""
    for fmt in FORMATS:
        seed = world["seeds"][fmt]
        project = world["folder"] / f"seed-{fmt.replace(' ', '-')}.qtally"
        shutil.copyfile(world["base"], project)
        arg = seed.parent if fmt == "manifest" else seed
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["import", str(project), str(arg), "--no-suggestions", "--quiet"]) == 0, fmt
