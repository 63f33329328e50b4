"""Facts about the demo corpus (corpus/iom-evaluation), counted by hand.

This test deliberately does not import qualtally: it reads the files with the
csv module, PyYAML and python-docx, and re-implements the counting and the
document-reading rules so that it can catch bugs in qualtally's own code
instead of sharing them.  The planted facts asserted here are the ones listed
in corpus/README.md; keep the two in step.
"""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import docx
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "iom-evaluation"

GROUPS = {
    "HQ": "CIC headquarters",
    "MISSIONS": "CIC missions abroad",
    "OFD": "Other federal departments",
    "IOM": "IOM representatives",
    "MS": "Other member states",
}


# respondent -> the follow-up (second) interview of a respondent interviewed twice
INTERVIEWED_TWICE = {
    "R01": "interviews/R01-ottawa-cic-multilateral-followup-notes.md",
    "R09": "interviews/R09-bangkok-mission-followup.txt",
}


# ---------------------------------------------------------------- readers

def read_plain(data: bytes) -> str:
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def join_cues(cues):
    turns = []
    for speaker, text in cues:
        if turns and turns[-1][0] == speaker:
            turns[-1][1] += " " + text
        else:
            turns.append([speaker, text])
    return "\n".join(f"{s}: {t}" for s, t in turns)


def cue_blocks(text):
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        lines = block.split("\n")
        for i, line in enumerate(lines):
            if "-->" in line:
                yield " ".join(l.strip() for l in lines[i + 1:] if l.strip())
                break


def read_vtt(data: bytes) -> str:
    text = read_plain(data)
    assert text.startswith("WEBVTT")
    cues = []
    for body in cue_blocks(text):
        m = re.match(r"<v\s+([^>]+)>(.*)$", body)
        assert m, f"vtt cue without a voice tag: {body!r}"
        cues.append((m.group(1).strip(), m.group(2).replace("</v>", "").strip()))
    return join_cues(cues)


def read_srt(data: bytes) -> str:
    cues = []
    for body in cue_blocks(read_plain(data)):
        speaker, _, rest = body.partition(": ")
        assert rest, f"srt cue without a speaker prefix: {body!r}"
        cues.append((speaker.strip(), rest.strip()))
    return join_cues(cues)


def read_document(path: Path) -> str:
    data = path.read_bytes()
    ext = path.suffix.lower()
    if ext in (".txt", ".md"):
        return read_plain(data)
    if ext == ".docx":
        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    if ext == ".vtt":
        return read_vtt(data)
    if ext == ".srt":
        return read_srt(data)
    raise AssertionError(f"unexpected transcript format: {path}")


LABEL = re.compile(r"^([^\W\d_][\w.'\- ]{0,40}):[ \t]", re.M)


def turns_of(text: str, labels: set[str]):
    """(speaker, start, end) of each turn's content, stripped."""
    starts = [m for m in LABEL.finditer(text) if m.group(1) in labels]
    out = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        s, e = m.end(), end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        out.append((m.group(1), s, e))
    return out


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def manifest():
    return yaml.safe_load((CORPUS / "qualtally-manifest.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def respondents():
    with open(CORPUS / "respondents.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {r["respondent"]: r for r in rows}


@pytest.fixture(scope="module")
def coded():
    with open(CORPUS / "coded.csv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["respondent", "document", "question", "coder", "text", "codes"]
        return list(reader)


@pytest.fixture(scope="module")
def codebook():
    """code path -> finding id it supports (inherited from the nearest ancestor)."""
    cb = yaml.safe_load((CORPUS / "codebook.yaml").read_text(encoding="utf-8"))
    paths = {}

    def walk(nodes, prefix, inherited):
        for node in nodes:
            assert " > " not in node["name"] and ";" not in node["name"]
            path = f"{prefix} > {node['name']}" if prefix else node["name"]
            assert path not in paths, f"duplicate code path {path}"
            finding = node.get("finding", inherited)
            paths[path] = finding
            walk(node.get("children") or [], path, finding)

    walk(cb["codes"], "", None)
    return paths


@pytest.fixture(scope="module")
def findings():
    """finding id -> statement text, plus the quantifier scale."""
    text = (CORPUS / "findings.md").read_text(encoding="utf-8")
    items = dict(re.findall(r"^- \*\*((?:R|P|Rec)\d+)\.\*\* (.+)$", text, re.M))
    scale = []
    section = text.split("## Quantifier scale", 1)[1].split("\n## ", 1)[0]
    for m in re.finditer(
        r"^\|\s*([a-z ]+?)\s*\|\s*([01]\.\d\d)\s*\|\s*([01]\.\d\d)\s*\|", section, re.M
    ):
        scale.append((m.group(1), float(m.group(2)), float(m.group(3))))
    return items, scale


@pytest.fixture(scope="module")
def documents(manifest):
    return {e["file"]: read_document(CORPUS / e["file"]) for e in manifest["transcripts"]}


@pytest.fixture(scope="module")
def support(coded, codebook):
    """finding id -> set of respondents with at least one coder-a coding of a
    code supporting it (sub-codes roll up to their parent's finding)."""
    out = defaultdict(set)
    for row in coded:
        if row["coder"] != "coder-a":
            continue
        for code in filter(None, row["codes"].split(";")):
            if codebook[code]:
                out[codebook[code]].add(row["respondent"])
    return out


def by_group(ids, respondents):
    out = {}
    for key, group in GROUPS.items():
        members = {r for r, v in respondents.items() if v["group"] == group}
        out[key] = (len(set(ids) & members), len(members))
    return out


def label_for(share, scale):
    share = int(share * 100 + 1e-9) / 100  # rounded down to two decimals
    hits = [label for label, lo, hi in scale if lo <= share <= hi]
    assert len(hits) == 1, (share, hits)
    return hits[0]


# ---------------------------------------------------------------- structure

def test_respondents(respondents):
    assert list(respondents) == [f"R{i:02d}" for i in range(1, 25)]
    assert {r["group"] for r in respondents.values()} == set(GROUPS.values())
    for r in respondents.values():
        assert r["name"] and r["organisation"] and r["role"] and r["location"]
    sizes = {k: n for k, (_, n) in by_group(respondents, respondents).items()}
    assert sizes == {"HQ": 7, "MISSIONS": 5, "OFD": 5, "IOM": 4, "MS": 3}


def test_manifest_covers_every_transcript(manifest, respondents):
    listed = [e["file"] for e in manifest["transcripts"]]
    on_disk = sorted(str(p.relative_to(CORPUS)) for p in (CORPUS / "interviews").iterdir())
    assert sorted(listed) == on_disk
    assert len(listed) == 24
    assert manifest["respondents"] == "respondents.csv"
    assert manifest["codebook"] == "codebook.yaml"
    assert manifest["findings"] == "findings.md"
    assert manifest["coded"] == "coded.csv"
    assert set(manifest["interviewers"]) == {"Interviewer", "Q", "Moderator"}
    seen = []
    for e in manifest["transcripts"]:
        if "respondent" in e:
            seen.append(e["respondent"])
        else:
            assert len(e["speakers"]) == 3
            seen.extend(e["speakers"].values())
    assert set(seen) == set(respondents), "every respondent in at least one transcript"
    twice = sorted(r for r in set(seen) if seen.count(r) > 1)
    assert twice == sorted(INTERVIEWED_TWICE), "R01 and R09 have a follow-up interview"
    assert all(seen.count(r) == 2 for r in twice)
    assert {respondents[r]["group"] for r in twice} == {"CIC headquarters", "CIC missions abroad"}
    focus = [e for e in manifest["transcripts"] if "speakers" in e]
    groups = {respondents[r]["group"] for r in focus[0]["speakers"].values()}
    assert len(focus) == 1 and len(groups) == 3, "one focus group, three different groups"


def test_formats_and_encodings(manifest):
    exts = defaultdict(int)
    for e in manifest["transcripts"]:
        exts[Path(e["file"]).suffix] += 1
    assert exts[".docx"] >= 4 and exts[".md"] >= 2 and exts[".vtt"] == 1 and exts[".srt"] == 1
    raw = {e["file"]: (CORPUS / e["file"]).read_bytes() for e in manifest["transcripts"]}
    assert raw["interviews/R10-new-delhi-mission.txt"].count(b"\r\n") > 10
    assert raw["interviews/R12-ankara-mission.txt"].startswith(b"\xef\xbb\xbf")
    for name, data in raw.items():
        if name.endswith((".txt", ".md")):
            assert b"SYNTHETIC" in data, name


def test_word_counts(manifest, documents):
    for e in manifest["transcripts"]:
        n = len(documents[e["file"]].split())
        if e["file"] in INTERVIEWED_TWICE.values():
            assert 800 <= n <= 1200, (e["file"], n)
        elif "respondent" in e:
            assert 800 <= n <= 2000, (e["file"], n)
        else:
            assert 1200 <= n <= 3000, (e["file"], n)


def test_codebook_and_findings_link_up(codebook, findings):
    items, scale = findings
    ids = {k for k in items if not k.startswith("Rec")}
    assert ids == {f"R{i}" for i in range(1, 4)} | {f"P{i}" for i in range(1, 9)}
    assert {k for k in items if k.startswith("Rec")} == {"Rec1", "Rec2", "Rec3"}
    linked = {f for f in codebook.values() if f}
    assert linked <= ids, "every finding: points to an existing finding"
    assert ids <= linked, "every finding is supported by at least one code"
    assert {p.split(" > ")[0] for p in codebook} == {"Relevance", "Performance", "Other"}
    emergent = [p for p, f in codebook.items() if p.startswith("Other > ")]
    assert len(emergent) >= 4 and not any(codebook[p] for p in emergent)


def test_quantifier_scale_has_no_gaps_or_overlaps(findings):
    _, scale = findings
    assert [s[0] for s in scale] == ["all", "almost all", "most", "many", "some", "a few", "none"]
    ordered = sorted(scale, key=lambda s: s[1])
    assert ordered[0][1] == 0.0 and ordered[-1][2] == 1.0
    for (_, _, hi), (_, lo, _) in zip(ordered, ordered[1:]):
        assert round(lo - hi, 2) == 0.01


# ---------------------------------------------------------------- coded.csv

def test_coded_rows_are_valid(coded, codebook, respondents, documents):
    for row in coded:
        assert row["respondent"] in respondents
        assert row["document"] in documents
        assert row["coder"] in ("coder-a", "coder-b")
        assert re.fullmatch(r"Q[1-8]", row["question"])
        for code in filter(None, row["codes"].split(";")):
            assert code in codebook, code
        assert row["text"].strip() == row["text"] and row["text"]
        assert row["text"] in documents[row["document"]], (row["document"], row["text"][:60])


def test_excerpts_lie_in_their_respondents_turns(manifest, coded, documents):
    """No interviewer turn is coded, and each excerpt sits inside a turn of the
    respondent the row names; every substantive respondent turn is coded by coder-a."""
    interviewers = set(manifest["interviewers"])
    for e in manifest["transcripts"]:
        text = documents[e["file"]]
        if "respondent" in e:
            labels = {m.group(1) for m in LABEL.finditer(text)}
            owner = {l: e["respondent"] for l in labels - interviewers}
            assert len(owner) == 1, (e["file"], owner)
        else:
            owner = dict(e["speakers"])
        turns = turns_of(text, set(owner) | interviewers)
        rows = [r for r in coded if r["document"] == e["file"]]
        for r in rows:
            ok = any(
                owner.get(sp) == r["respondent"] and r["text"] in text[s:t] for sp, s, t in turns
            )
            assert ok, (e["file"], r["respondent"], r["text"][:60])
        a_texts = [r["text"] for r in rows if r["coder"] == "coder-a"]
        for sp, s, t in turns:
            if sp in owner and len(text[s:t].split()) >= 25:
                assert any(x in text[s:t] for x in a_texts), (e["file"], text[s:s + 60])


def test_coder_b_annotated_every_respondent_turn_of_the_six_sources():
    """coder-b copies nothing: in each double-coded source every respondent turn carries its
    own ``@b`` line(s) (``@b -``: never reached), written as a second reading."""
    sources = ROOT / "corpus" / "build" / "sources"
    for name in ("R02", "R04", "R09", "R13", "R19", "FG1"):
        text = (sources / f"{name}.src").read_text(encoding="utf-8")
        head, body = text.split("\n---\n", 1)
        assert "coder_b: yes" in head
        interviewers = ("Interviewer:", "Q:", "Moderator:")
        blocks = [b for b in re.split(r"\n\s*\n", body) if b.strip()]
        turns = [b for b in blocks if re.match(r"^[A-ZÀ-Þ][\w.'\- ]{0,40}: ", b)
                 and not b.startswith(interviewers)]
        assert turns, name
        for block in turns:
            assert re.search(r"^@b\b", block, re.M), (name, block[:60])


def test_coder_b_is_an_independent_partial_coding(coded):
    a = [r for r in coded if r["coder"] == "coder-a"]
    b = [r for r in coded if r["coder"] == "coder-b"]
    assert {r["document"] for r in a} == {r["document"] for r in coded}, "coder-a codes everything"
    docs_b = {r["document"] for r in b}
    assert docs_b == {
        "interviews/R02-ottawa-cic-policy.txt",
        "interviews/R04-ottawa-cic-migration-health-notes.txt",
        "interviews/R09-bangkok-mission.txt",
        "interviews/R13-ottawa-dfait.docx",
        "interviews/R19-geneva-iom-resettlement.vtt",
        "interviews/FG1-nairobi-focus-group.docx",
    }
    a6 = [r for r in a if r["document"] in docs_b]
    same_span = {(r["document"], r["text"]): r["codes"] for r in a6}
    b_spans = {(r["document"], r["text"]): r["codes"] for r in b}
    shared = set(same_span) & set(b_spans)
    agree = [k for k in shared if set(same_span[k].split(";")) == set(b_spans[k].split(";"))]
    differ = [k for k in shared if k not in agree]
    # the numbers given in corpus/README.md
    assert (len(a6), len(b), len(shared), len(agree)) == (86, 73, 67, 40)
    assert len(differ) == 27, "different code choices on some excerpts"
    assert sum(1 for r in b if not r["codes"]) == 7, "coder-b's nothing-applies rows"
    missed = [
        r
        for r in a6
        if not any(
            x["document"] == r["document"] and (x["text"] in r["text"] or r["text"] in x["text"])
            for x in b
        )
    ]
    assert len(missed) >= 2, "coder-b missed some excerpts entirely"
    broader = [
        (x, r)
        for x in b
        for r in a6
        if x["document"] == r["document"]
        and r["text"] in x["text"]
        and r["text"] != x["text"]
        and set(filter(None, r["codes"].split(";"))) & set(filter(None, x["codes"].split(";")))
    ]
    assert broader, "coder-b coded a whole turn where coder-a coded one sentence"
    narrower = [(x, r) for x in b for r in a6 if x["document"] == r["document"]
                and x["text"] in r["text"] and r["text"] != x["text"]]
    assert narrower, "coder-b also coded a sentence where coder-a coded the whole turn"


# ---------------------------------------------------------------- planted facts

# Claimed quantifier of every finding (as worded in findings.md) and the
# coder-a count of distinct respondents out of 24 behind it.
CLAIMS = {
    "R1": ("all", "All respondents", 20),
    "R2": ("many", "many respondents", 12),
    "R3": ("many", "Many respondents", 12),
    "P1": ("many", "Many respondents", 12),
    "P2": ("some", "Some respondents", 17),
    "P3": ("some", "some respondents", 7),
    "P4": ("some", "some respondents", 7),
    "P5": ("a few", "A few respondents", 4),
    "P6": ("some", "Some respondents", 8),
    "P7": ("some", "Some respondents", 9),
    "P8": ("many", "Many respondents", 12),
}
PLANTED_MISMATCH = {"R1": "most", "P2": "most"}


def test_finding_counts_and_claims(findings, support, respondents):
    items, scale = findings
    for fid, (claimed, phrase, n) in CLAIMS.items():
        assert phrase in items[fid], (fid, phrase)
        assert len(support[fid]) == n, (fid, sorted(support[fid]))
        actual = label_for(n / len(respondents), scale)
        if fid in PLANTED_MISMATCH:
            assert actual == PLANTED_MISMATCH[fid] != claimed, fid
        else:
            assert actual == claimed, (fid, actual, claimed)


def test_planted_universal_claim_is_not_universal(support, respondents):
    """R1 says *all* respondents saw a need to stay a member: 20 of 24 did."""
    ids = support["R1"]
    assert len(ids) == 20
    assert set(respondents) - ids == {"R05", "R15", "R17", "R23"}
    assert by_group(ids, respondents) == {
        "HQ": (6, 7), "MISSIONS": (5, 5), "OFD": (3, 5), "IOM": (4, 4), "MS": (2, 3)}


def test_planted_some_is_really_most(support, respondents):
    """P2 says *some* respondents worried about mandate expansion: 17 of 24 did."""
    ids = support["P2"]
    assert len(ids) == 17 and 17 / 24 >= 0.60
    assert set(respondents) - ids == {"R06", "R10", "R14", "R18", "R19", "R20", "R21"}
    assert by_group(ids, respondents) == {
        "HQ": (6, 7), "MISSIONS": (4, 5), "OFD": (4, 5), "IOM": (0, 4), "MS": (3, 3)}


def test_planted_group_contrast_on_coordination(support, respondents):
    """P3: every other-federal-department respondent sees a need for better
    coordination; no CIC headquarters respondent does."""
    ids = support["P3"]
    assert by_group(ids, respondents) == {
        "HQ": (0, 7), "MISSIONS": (1, 5), "OFD": (5, 5), "IOM": (1, 4), "MS": (0, 3)}
    assert ids == {"R09", "R13", "R14", "R15", "R16", "R17", "R19"}


def test_headquarters_say_coordination_is_adequate(coded, respondents):
    adequate = {r["respondent"] for r in coded if r["coder"] == "coder-a"
                and "Performance > Coordination seen as adequate" in r["codes"].split(";")}
    assert {r for r in adequate if respondents[r]["group"] == "CIC headquarters"} == {
        "R01",
        "R02",
        "R07",
    }


def test_codebook_entries_are_complete():
    cb = yaml.safe_load((CORPUS / "codebook.yaml").read_text(encoding="utf-8"))
    assert cb["name"]

    def walk(nodes, depth):
        for node in nodes:
            assert node.get("definition"), node["name"]
            if depth > 0:
                for key in ("include", "exclude", "keywords"):
                    assert node.get(key), (node["name"], key)
                assert isinstance(node["keywords"], list)
            walk(node.get("children") or [], depth + 1)

    walk(cb["codes"], 0)


def test_non_supporters_of_p2_defend_the_growth(coded, support, respondents):
    growth = {r["respondent"] for r in coded if r["coder"] == "coder-a"
              and "Performance > Growth as a response to member demand" in r["codes"].split(";")}
    assert growth == set(respondents) - support["P2"]


def test_reservations_code_marks_the_r1_dissenters(coded):
    doubt = {r["respondent"] for r in coded if r["coder"] == "coder-a"
             and "Relevance > Reservations about membership" in r["codes"].split(";")}
    assert doubt == {"R05", "R17"}


def test_readme_table_matches_the_data(findings, support, respondents):
    """The 'All findings, coder-a' table in corpus/README.md is what the data says."""
    items, scale = findings
    readme = (ROOT / "corpus" / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([RP]\d) \| ([a-z ]+) \| [^|]+ \| (\d+) \| ([01]\.\d\d) \| ([a-z ]+) \|"
                      r" (\d/\d) \| (\d/\d) \| (\d/\d) \| (\d/\d) \| (\d/\d) \|$", readme, re.M)
    assert [r[0] for r in rows] == list(CLAIMS)
    for fid, claimed, n, share, label, *groups in rows:
        ids = support[fid]
        assert claimed == CLAIMS[fid][0]
        assert int(n) == len(ids)
        assert share == f"{int(len(ids) / 24 * 100) / 100:.2f}"
        assert label == label_for(len(ids) / 24, scale)
        got = by_group(ids, respondents)
        assert groups == [f"{got[k][0]}/{got[k][1]}" for k in GROUPS], fid


def test_respondents_interviewed_twice_are_counted_once(coded, codebook, respondents, support):
    """R01 and R09 each speak in two documents. Counted per document, they would
    be counted twice in every finding both their interviews support; counted per
    respondent (the rule), once. Recomputed here from coded.csv alone."""
    per_doc = defaultdict(set)          # finding -> {(respondent, document)}
    docs_of = defaultdict(set)          # respondent -> documents with coder-a rows
    by_doc = defaultdict(lambda: defaultdict(set))  # respondent -> document -> findings
    for row in coded:
        if row["coder"] != "coder-a":
            continue
        docs_of[row["respondent"]].add(row["document"])
        for code in filter(None, row["codes"].split(";")):
            if codebook[code]:
                per_doc[codebook[code]].add((row["respondent"], row["document"]))
                by_doc[row["respondent"]][row["document"]].add(codebook[code])
    assert {r for r, d in docs_of.items() if len(d) > 1} == set(INTERVIEWED_TWICE)
    for rid, followup in INTERVIEWED_TWICE.items():
        assert followup in docs_of[rid] and len(docs_of[rid]) == 2
        first = (docs_of[rid] - {followup}).pop()
        # the follow-up deepens themes the first interview raised; it adds no finding
        assert by_doc[rid][followup] <= by_doc[rid][first], rid
        repeated = by_doc[rid][followup] & by_doc[rid][first]
        assert len(repeated) >= 4, (rid, repeated)
        for fid in repeated:
            assert rid in support[fid]
            # one respondent, one count: the per-document count is one higher
            assert len({r for r, _ in per_doc[fid]}) == len(support[fid]) == CLAIMS[fid][2]
            assert len(per_doc[fid]) > len(support[fid]), fid
    # a tally by document instead of by respondent would overcount these findings
    overcounted = {fid for fid in CLAIMS if len(per_doc[fid]) != len(support[fid])}
    assert overcounted == {f for rid in INTERVIEWED_TWICE for f in
                           by_doc[rid][INTERVIEWED_TWICE[rid]]}
