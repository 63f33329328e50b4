#!/usr/bin/env python
"""Build the qualtally demo corpus (corpus/iom-evaluation/) from annotated sources.

Run from the repository root:

    python corpus/build/build.py          # rebuild interviews/, coded.csv, manifest
    python corpus/build/build.py --check  # rebuild into memory only and report

Inputs (all in corpus/build/):
  sources/*.src   one annotated transcript per file (format described below)

Hand-written files in corpus/iom-evaluation/ (not generated): README.md,
findings.md, codebook.yaml, respondents.csv.

Generated files: interviews/* (txt, md, docx, vtt, srt), coded.csv,
qualtally-manifest.yaml.

Source format
-------------
A block of ``key: value`` lines, a line ``---``, then the transcript body.

Keys: file (path relative to iom-evaluation/), format (txt|md|docx|vtt|srt),
respondent (Rnn) and label (the respondent's speaker label, e.g. a name or "A")
for one-on-one interviews, or speakers ("Name=Rnn, Name=Rnn") for a focus group,
coder_b (yes/no), crlf (yes/no), bom (yes/no), wrap (column to wrap turns at
in txt/md, 0 = one line per turn), start (seconds offset of first cue, vtt/srt).

Body: header lines (belong to no one) followed by turns.  A turn starts with
``Label: text`` on a new line, where Label is Interviewer, Q, Moderator or a
respondent label declared in the header; following non-annotation lines
continue it (in the source, continuation lines are joined with single spaces;
the rendered file decides on wrapping: ``wrap: N`` wraps txt/md turns at
column N, narrowing it if a continuation line would look like a speaker
label).  Blank lines separate turns.  Header lines must not look like
``Word: `` at the start of a line.

Annotation lines start with ``@`` and attach to the turn above them:

    @q Q3                       set the current interview-guide question
    @a [Qn] [{substring}] codes coder-a codes the whole turn, or a substring
    @b [Qn] [{substring}] codes coder-b codes differently on this turn
    @b -                        coder-b missed this turn
    @a -                        coder-a deliberately leaves this turn out

``codes`` are short aliases (see ALIASES) separated by commas; empty means
"looked at, coded with nothing".  A respondent turn of 15 words or more
without any @a line gets an empty coder-a row.  In documents with
``coder_b: yes``, coder-b coded independently: every respondent turn there
carries its own @b line(s), and coder-b copies nothing from coder-a (a
substantive turn without an @b line would get an empty coder-b row, one with
``@b -`` no row: coder-b never reached it).
"""
from __future__ import annotations

import csv
import io
import re
import sys
import textwrap
import zipfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "iom-evaluation"
SOURCES = HERE / "sources"

INTERVIEWERS = ["Interviewer", "Q", "Moderator"]

ALIASES = {
    # Relevance
    "need": "Relevance > Need for continued membership",
    "need.refugee": "Relevance > Need for continued membership > Refugee-receiving country",
    "need.managed": "Relevance > Need for continued membership > Managed migration approach",
    "need.cred": "Relevance > Need for continued membership > Credibility and leadership",
    "doubt": "Relevance > Reservations about membership",
    "align": "Relevance > Alignment with government objectives",
    "svc": "Relevance > Services support departmental activities",
    "svc.move":
        "Relevance > Services support departmental activities > Transportation and movements",
    "svc.health": "Relevance > Services support departmental activities > Medical examinations",
    "svc.coa": "Relevance > Services support departmental activities > Canadian Orientation Abroad",
    # Performance
    "infl": "Performance > Active and influential member",
    "infl.gov": "Performance > Active and influential member > Governance and budget committees",
    "mandate": "Performance > Mandate expansion concerns",
    "mandate.align":
        "Performance > Mandate expansion concerns > Project alignment with strategic direction",
    "mandate.core": "Performance > Mandate expansion concerns > Impact on core migration services",
    "growth": "Performance > Growth as a response to member demand",
    "coord": "Performance > Need for interdepartmental coordination",
    "coordok": "Performance > Coordination seen as adequate",
    "research": "Performance > Limited relevance of IOM research",
    "others": "Performance > Better-suited research bodies",
    "idm": "Performance > International Dialogue on Migration",
    "prio": "Performance > Priority access and membership benefits",
    "alt": "Performance > Few alternatives to IOM services",
    "alt.eff": "Performance > Few alternatives to IOM services > Efficiency of a single provider",
    # Other (emergent)
    "turnover": "Other > IOM staff turnover and field capacity",
    "integrity": "Other > Program integrity and security screening",
    "vuln": "Other > Vulnerable migrants and protection",
    "smuggle": "Other > Human smuggling and irregular arrivals",
    "emerg": "Other > Emergency and crisis response",
    "report": "Other > Project reporting and accountability",
    "cost": "Other > Cost of services",
}

LABEL_RE = re.compile(r"^([A-ZÀ-Þ][\w.'\- ]{0,40}):(?:\s|$)")
ANN_RE = re.compile(r"^@(?P<who>[abq])\s*(?P<rest>.*)$")
SUBSTANTIVE_WORDS = 15


# --------------------------------------------------------------------------
# reading documents the way the importers do (kept in step with the test)
# --------------------------------------------------------------------------

def read_text_file(data: bytes) -> str:
    text = data.decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_docx(data: bytes) -> str:
    import docx

    d = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in d.paragraphs)


def _join_turns(cues: list[tuple[str, str]]) -> str:
    turns: list[list] = []
    for speaker, text in cues:
        if turns and turns[-1][0] == speaker:
            turns[-1][1] += " " + text
        else:
            turns.append([speaker, text])
    return "\n".join(f"{s}: {t}" for s, t in turns)


def read_vtt(data: bytes) -> str:
    text = read_text_file(data)
    cues = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        idx = next((i for i, l in enumerate(lines) if "-->" in l), None)
        if idx is None:
            continue
        body = " ".join(l.strip() for l in lines[idx + 1:] if l.strip())
        m = re.match(r"<v\s+([^>]+)>(.*)$", body)
        speaker, cue = m.group(1).strip(), m.group(2)
        cue = re.sub(r"</v>", "", cue).strip()
        cues.append((speaker, cue))
    return _join_turns(cues)


def read_srt(data: bytes) -> str:
    text = read_text_file(data)
    cues = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        idx = next((i for i, l in enumerate(lines) if "-->" in l), None)
        if idx is None:
            continue
        body = " ".join(l.strip() for l in lines[idx + 1:] if l.strip())
        speaker, cue = body.split(": ", 1)
        cues.append((speaker.strip(), cue.strip()))
    return _join_turns(cues)


def document_text(path: Path, data: bytes | None = None) -> str:
    data = path.read_bytes() if data is None else data
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        return read_text_file(data)
    if suffix == ".docx":
        return read_docx(data)
    if suffix == ".vtt":
        return read_vtt(data)
    if suffix == ".srt":
        return read_srt(data)
    raise ValueError(path)


# --------------------------------------------------------------------------
# parsing sources
# --------------------------------------------------------------------------

class Turn:
    def __init__(self, speaker: str, text: str, lineno: int):
        self.speaker = speaker
        self.text = text
        self.lineno = lineno
        self.a: list[tuple] = []   # (question, substring or None, codes)
        self.b: list[tuple] = []
        self.a_skip = False
        self.b_skip = False
        self.question = None       # question current when the turn started


class Source:
    def __init__(self, path: Path):
        self.path = path
        raw = path.read_text(encoding="utf-8")
        head, body = raw.split("\n---\n", 1)
        self.meta = {}
        for line in head.splitlines():
            if line.strip() and not line.startswith("#"):
                k, v = line.split(":", 1)
                self.meta[k.strip()] = v.strip()
        self.file = self.meta["file"]
        self.format = self.meta["format"]
        self.respondent = self.meta.get("respondent")
        if self.respondent and "label" not in self.meta:
            raise SystemExit(f"{path.name}: one-on-one source needs a label: key")
        self.speakers = {}
        if "speakers" in self.meta:
            for pair in self.meta["speakers"].split(","):
                name, rid = pair.split("=")
                self.speakers[name.strip()] = rid.strip()
        self.coder_b = self.meta.get("coder_b", "no") == "yes"
        self.crlf = self.meta.get("crlf", "no") == "yes"
        self.bom = self.meta.get("bom", "no") == "yes"
        self.wrap = int(self.meta.get("wrap", "0"))
        self.start = float(self.meta.get("start", "3"))
        self.header: list[str] = []
        self.turns: list[Turn] = []
        self._parse(body)

    def err(self, lineno, msg):
        raise SystemExit(f"{self.path.name}:{lineno}: {msg}")

    def is_interviewer(self, speaker):
        return speaker in INTERVIEWERS

    def respondent_of(self, speaker):
        if self.respondent:
            return self.respondent
        return self.speakers[speaker]

    def _parse(self, body):
        current_q = "Q1"
        turn = None
        offset = len(self.path.read_text(encoding="utf-8").split("\n---\n", 1)[0].splitlines()) + 2
        for i, line in enumerate(body.split("\n")):
            lineno = i + offset
            s = line.strip()
            if s.startswith("@"):
                m = ANN_RE.match(s)
                if not m:
                    self.err(lineno, f"bad annotation {s!r}")
                who, rest = m.group("who"), m.group("rest").strip()
                if who == "q":
                    if not re.fullmatch(r"Q[1-8]", rest):
                        self.err(lineno, f"bad question {rest!r}")
                    current_q = rest
                    continue
                if turn is None or self.is_interviewer(turn.speaker):
                    self.err(lineno, "annotation not under a respondent turn")
                if rest == "-":
                    setattr(turn, f"{who}_skip", True)
                    continue
                q = current_q
                mq = re.match(r"^(Q[1-8])\b\s*(.*)$", rest)
                if mq:
                    q, rest = mq.group(1), mq.group(2)
                    current_q = q
                sub = None
                ms = re.match(r"^\{([^}]*)\}\s*(.*)$", rest)
                if ms:
                    sub, rest = ms.group(1), ms.group(2)
                    if sub not in turn.text:
                        self.err(lineno, f"substring not in turn: {sub!r}")
                codes = []
                for alias in re.split(r"[;,]", rest):
                    alias = alias.strip()
                    if not alias:
                        continue
                    if alias not in ALIASES:
                        self.err(lineno, f"unknown code alias {alias!r}")
                    codes.append(ALIASES[alias])
                getattr(turn, who).append((q, sub, codes))
                continue
            m = LABEL_RE.match(line)
            if m and (self.is_interviewer(m.group(1)) or m.group(1) in self.speakers
                      or m.group(1) == self.meta.get("label")):
                turn = Turn(m.group(1), line[m.end():].strip(), lineno)
                turn.question = current_q
                self.turns.append(turn)
                continue
            if not s:
                continue
            if turn is None:
                self.header.append(line.rstrip())
            else:
                turn.text = (turn.text + " " + s).strip()
        names = {t.speaker for t in self.turns if not self.is_interviewer(t.speaker)}
        if self.respondent and len(names) != 1:
            self.err(0, f"one-on-one interview with respondent labels {names}")
        for n in names:
            if self.speakers and n not in self.speakers:
                self.err(0, f"speaker {n!r} not mapped")
        for t in self.turns:
            if "  " in t.text:
                self.err(t.lineno, "double space in turn")


# --------------------------------------------------------------------------
# rendering
# --------------------------------------------------------------------------

# anything an importer could mistake for "Speaker: " at the start of a line
LOOSE_LABEL_RE = re.compile(r"^[^\W\d_][\w.'\- ]{0,40}:\s")


def wrap_turn(label, text, width):
    if not width:
        return f"{label}: {text}"
    # narrow the column until no continuation line looks like a speaker label
    for w in range(width, width - 15, -1):
        lines = textwrap.wrap(f"{label}: {text}", width=w, break_long_words=False,
                              break_on_hyphens=False)
        if not any(LOOSE_LABEL_RE.match(l) for l in lines[1:]):
            return "\n".join(lines)
    raise SystemExit(f"cannot wrap turn without a label-like line: {text[:60]!r}")


def render_text(src: Source) -> bytes:
    parts = []
    if src.header:
        parts.append("\n".join(src.header))
    for t in src.turns:
        parts.append(wrap_turn(t.speaker, t.text, src.wrap))
    text = "\n\n".join(parts) + "\n"
    if src.crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    if src.bom:
        data = b"\xef\xbb\xbf" + data
    return data


def render_docx(src: Source) -> bytes:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    cp = d.core_properties
    cp.author = "qualtally demo corpus"
    cp.title = src.header[0] if src.header else src.file
    cp.comments = "Synthetic transcript written for the qualtally demo corpus."
    cp.created = datetime(2011, 6, 1)
    cp.modified = datetime(2011, 6, 1)
    cp.last_modified_by = "qualtally demo corpus"
    cp.revision = 1
    for i, h in enumerate(src.header):
        p = d.add_paragraph(h)
        if i == 0:
            p.runs[0].bold = True
    for t in src.turns:
        p = d.add_paragraph()
        r = p.add_run(f"{t.speaker}:")
        r.bold = True
        p.add_run(f" {t.text}")
        p.paragraph_format.space_after = Pt(6)
    buf = io.BytesIO()
    d.save(buf)
    # rewrite the zip with fixed timestamps so rebuilds are byte-identical
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zi = zipfile.ZipInfo(item.filename, date_time=(2011, 6, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(zi, zin.read(item.filename))
    return out.getvalue()


def _cues(src: Source, max_words=16):
    """Split turns into timed cues: (start, end, speaker, [lines])."""
    t = src.start
    rate = 2.55  # words per second of relaxed speech
    out = []
    for turn in src.turns:
        words = turn.text.split(" ")
        chunks = []
        cur = []
        for i, w in enumerate(words):
            cur.append(w)
            left = len(words) - i - 1
            if left < 5:
                continue  # never leave a stub of a few words for the next cue
            sentence_end = w.endswith((".", "?", "!", "]"))
            if len(cur) >= max_words or (sentence_end and len(cur) >= 6):
                chunks.append(cur)
                cur = []
        if cur:
            chunks.append(cur)
        for ch in chunks:
            dur = max(1.2, len(ch) / rate)
            line = " ".join(ch)
            lines = textwrap.wrap(line, width=42, break_long_words=False, break_on_hyphens=False)
            out.append((t, t + dur, turn.speaker, lines))
            t += dur + 0.08
        t += 0.7
    return out


def _ts(sec, sep):
    h = int(sec // 3600)
    m = int(sec % 3600 // 60)
    s = sec % 60
    return f"{h:02d}:{m:02d}:{int(s):02d}{sep}{int(round((s - int(s)) * 1000)) % 1000:03d}"


def render_vtt(src: Source) -> bytes:
    title = src.header[0] if src.header else ""
    out = [f"WEBVTT - {title}" if title else "WEBVTT", ""]
    for i, (a, b, speaker, lines) in enumerate(_cues(src), 1):
        out.append(f"{i}")
        out.append(f"{_ts(a, '.')} --> {_ts(b, '.')}")
        out.append(f"<v {speaker}>{lines[0]}")
        out.extend(lines[1:])
        out.append("")
    return "\n".join(out).encode("utf-8")


def render_srt(src: Source) -> bytes:
    out = []
    for i, (a, b, speaker, lines) in enumerate(_cues(src, max_words=14), 1):
        out.append(f"{i}")
        out.append(f"{_ts(a, ',')} --> {_ts(b, ',')}")
        text = f"{speaker}: " + " ".join(lines)
        out.extend(textwrap.wrap(text, width=48, break_long_words=False, break_on_hyphens=False))
        out.append("")
    return "\n".join(out).encode("utf-8")


RENDER = {"txt": render_text, "md": render_text, "docx": render_docx,
          "vtt": render_vtt, "srt": render_srt}


# --------------------------------------------------------------------------
# codebook / findings helpers
# --------------------------------------------------------------------------

def load_codebook():
    cb = yaml.safe_load((CORPUS / "codebook.yaml").read_text(encoding="utf-8"))
    paths = {}

    def walk(nodes, prefix, inherited):
        for n in nodes:
            path = f"{prefix} > {n['name']}" if prefix else n["name"]
            finding = n.get("finding", inherited)
            paths[path] = finding
            walk(n.get("children") or [], path, finding)

    walk(cb["codes"], "", None)
    return paths


def load_respondents():
    with open(CORPUS / "respondents.csv", encoding="utf-8", newline="") as f:
        return {r["respondent"]: r for r in csv.DictReader(f)}


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

GROUPS = ["CIC headquarters", "CIC missions abroad", "Other federal departments",
          "IOM representatives", "Other member states"]


def main(argv):
    check = "--check" in argv
    paths = load_codebook()
    for alias, p in ALIASES.items():
        if p not in paths:
            raise SystemExit(f"alias {alias}: {p!r} not in codebook.yaml")
    respondents = load_respondents()

    sources = [
        Source(p)
        for p in sorted(SOURCES.glob("*.src"), key=lambda p: (p.name.startswith("FG"), p.name))
    ]
    rows = []
    manifest_entries = []
    words = {}
    for src in sources:
        data = RENDER[src.format](src)
        target = CORPUS / src.file
        if not target.name.endswith("." + src.format):
            raise SystemExit(f"{src.file}: extension does not match format {src.format}")
        if not check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        text = document_text(target, data)
        words[src.file] = len(text.split())
        if src.respondent:
            manifest_entries.append({"file": src.file, "respondent": src.respondent})
        else:
            manifest_entries.append({"file": src.file, "speakers": dict(src.speakers)})

        # locate each turn's content in the document text
        pos = 0
        for t in src.turns:
            # what the importer reads for this turn
            if src.format in ("txt", "md") and src.wrap:
                rendered = wrap_turn(t.speaker, t.text, src.wrap)
                content = rendered[len(t.speaker) + 2:]
            else:
                content = t.text
            idx = text.find(f"{t.speaker}: {content}", pos)
            if idx < 0:
                raise SystemExit(f"{src.file}: turn at line {t.lineno} not found in rendered text")
            pos = idx + len(t.speaker) + 2 + len(content)
            t.content = content
            if src.is_interviewer(t.speaker):
                continue
            rid = src.respondent_of(t.speaker)
            if rid not in respondents:
                raise SystemExit(f"{src.file}: unknown respondent {rid}")

            def excerpt(sub, content=content, file=src.file):
                if sub is None:
                    return content
                if sub in content:
                    return sub
                # a substring may cross a wrapped line break
                pattern = r"\s+".join(re.escape(w) for w in sub.split())
                m = re.search(pattern, content)
                if not m:
                    raise SystemExit(f"{file}: substring {sub!r} not found")
                return m.group(0)

            a_rows = []
            if not t.a_skip:
                if t.a:
                    for q, sub, codes in t.a:
                        a_rows.append((q, excerpt(sub), codes))
                elif len(t.text.split()) >= SUBSTANTIVE_WORDS:
                    a_rows.append((t.question, content, []))
            for q, ex, codes in a_rows:
                rows.append({"respondent": rid, "document": src.file, "question": q,
                             "coder": "coder-a", "text": ex, "codes": ";".join(codes)})
            if src.coder_b and not t.b_skip:
                if t.b:
                    b_rows = [(q, excerpt(sub), codes) for q, sub, codes in t.b]
                elif len(t.text.split()) >= SUBSTANTIVE_WORDS:
                    b_rows = [(t.question, content, [])]  # read, nothing applies
                else:
                    b_rows = []
                for q, ex, codes in b_rows:
                    rows.append({"respondent": rid, "document": src.file, "question": q,
                                 "coder": "coder-b", "text": ex, "codes": ";".join(codes)})

    for r in rows:
        if not r["text"].strip():
            raise SystemExit(f"empty excerpt in {r['document']}")

    # stable order: coder-a first, then coder-b, each in document order
    rows.sort(key=lambda r: (r["coder"],))
    buf = io.StringIO()
    w = csv.DictWriter(
        buf,
        fieldnames=["respondent", "document", "question", "coder", "text", "codes"],
        lineterminator="\n",
    )
    w.writeheader()
    w.writerows(rows)

    manifest = (
        "# qualtally import manifest: gives each file in this folder its role\n"
        "# (generated by corpus/build/build.py; the corpus is SYNTHETIC, see corpus/README.md)\n"
        "respondents: respondents.csv\n"
        "codebook: codebook.yaml\n"
        "findings: findings.md\n"
        "coded: coded.csv\n"
        "ignore: [README.md]\n"
        "interviewers: [Interviewer, Q, Moderator]\n"
        "transcripts:\n"
    )
    for e in manifest_entries:
        manifest += f"  - file: {e['file']}\n"
        if "respondent" in e:
            manifest += f"    respondent: {e['respondent']}\n"
        else:
            sp = ", ".join(f'"{k}": {v}' for k, v in e["speakers"].items())
            manifest += f"    speakers: {{{sp}}}\n"
    if not check:
        (CORPUS / "coded.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")
        (CORPUS / "qualtally-manifest.yaml").write_text(manifest, encoding="utf-8")

    # ---------------- report ----------------
    print(f"{len(sources)} documents, {len(rows)} coded rows")
    for f, n in words.items():
        print(f"  {n:5d} words  {f}")
    support = defaultdict(set)
    for r in rows:
        if r["coder"] != "coder-a":
            continue
        for c in filter(None, r["codes"].split(";")):
            if paths[c]:
                support[paths[c]].add(r["respondent"])
    n = len(respondents)
    print("\nfinding  n/N   " + "  ".join(g.split()[0][:5] + g.split()[-1][:3] for g in GROUPS))
    order = sorted({f for f in paths.values() if f}, key=lambda s: (s[0] != "R", int(s[1:])))
    for fid in order:
        s = support[fid]
        by = []
        for g in GROUPS:
            ids = [k for k, v in respondents.items() if v["group"] == g]
            by.append(f"{len(s & set(ids))}/{len(ids)}")
        print(
            f"{fid:6s} {len(s):2d}/{n}  share {int(len(s) / n * 100) / 100:.2f} (rounded down)  "
            + "  ".join(by)
            + "   missing: "
            + ",".join(sorted(set(respondents) - s))
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
