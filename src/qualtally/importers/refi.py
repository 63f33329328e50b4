"""REFI-QDA imports: a project (.qdpx) or a codebook (.qdc) written by any QDA program.

What maps to what (the exporter, ``exports/refi.py``, writes the same mapping back):

* ``Users`` -> coders, by name (else id; a user a coding names but the file does not
  declare becomes ``user XXXXXXXX``, the first characters of its GUID).
* ``CodeBook`` -> codes with their hierarchy, ``Description`` as the definition (in a file
  qualtally wrote, the packed definition, include, exclude, keywords and examples) and
  ``color`` as ``#rrggbb`` (a code without one has none). ``>`` and ``;`` in a name become
  ``›`` and ``,`` (qualtally's path separators); twin siblings get `` (2)``.
* ``Variables`` and ``Cases`` -> respondents keyed by the case name, with typed attributes
  (Text, Boolean, Integer, Float, Date; DateTime kept as text). A case with values has
  every typed variable, None where it has no value (as an empty cell of a respondents
  table); a case without values has no attributes. A case without a name takes the key
  of the one source it refers to, else ``case XXXXXXXX``.
* ``TextSource`` (and a ``PDFSource``'s text ``Representation``) -> a document whose text
  is the plain-text rendition (``plainTextPath``: ``internal://`` in the archive's
  ``sources``/``Sources`` folder, any case; ``relative://`` beside the .qdpx, never outside
  its folder; or inline ``PlainTextContent``). Turns are found in it as in any transcript
  (:mod:`.turns`, :mod:`.attribution`); a source that exactly one case refers to is that
  respondent's (as a manifest's ``respondent:``); the ``qualtally speakers`` variable a
  qualtally export sets is used as a manifest's ``speakers`` map.
* ``PlainTextSelection`` -> an excerpt at its positions (counted as :mod:`.refi_positions`
  finds the file counts them), with each ``Coding`` a coding by its ``creatingUser``; a
  selection's respondent is that of the turns it covers; over several respondents' turns
  it counts for nobody. A coding of a whole source codes its whole text. A ``CodeRef`` to
  an undeclared code makes a code ``(undeclared code XXXXXXXX)``.
* ``Notes`` referred to by a selection or its codings (``NoteRef``, or a ``Link`` between
  note and selection), and a selection's own ``Description``, -> memos on the excerpt by
  the note's (else the selection's) user; several for the same excerpt and coder are
  joined by a blank line.
* A selection named ``qualtally: nothing applies`` without codings -> the user's
  "nothing applies" mark. Sets named ``qualtally finding KEY`` -> findings; the project
  note ``qualtally quantifier scale`` -> the verbal quantifier scale.

Not imported, each listed in the import's output as skipped: pictures, audio and video,
PDF region selections, rich text (.docx) and PDF sources without a plain-text rendition,
external files given by absolute path, notes attached to nothing coded, other sets,
links and graphs, variables of sources, selections without codings.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element

from qualtally.core.errors import InputError
from qualtally.core.models import (
    Code,
    CodedRow,
    Document,
    Finding,
    ImportBundle,
    MemoRow,
    Respondent,
    join_path,
)
from qualtally.core.refi import (
    ATTRIBUTE_TYPES,
    FINDING_SET,
    NOTHING_APPLIES,
    ORIGIN,
    SCALE_NOTE,
    SPEAKERS_VARIABLE,
    hex_colour,
    unpack_description,
)
from qualtally.importers.attribution import Attribution, known_respondents, stem_key
from qualtally.importers.refi_archive import MAX_QDE, MAX_TEXT, Archive, parse_xml
from qualtally.importers.refi_positions import SourceText, choose, for_source
from qualtally.importers.turns import parse_turns

MAX_DEPTH = 200
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _g(value: str | None) -> str:
    """A GUID as compared here: no braces, lower case."""
    return (value or "").strip().strip("{}").lower()


def _short(value: str) -> str:
    return _g(value)[:8] or "?"


def _text(el: Element | None) -> str:
    return (el.text or "") if el is not None else ""


def _child_text(el: Element, tag: str) -> str:
    return _text(el.find(tag))


class _Speakers(Attribution):
    """A manifest-like speakers map that falls back to the ordinary rules for a label it
    lacks (a file qualtally did not write may carry a partial map)."""

    def respondent_for(self, label: str) -> str | None:
        from qualtally.importers.attribution import norm

        if self.speakers is not None and label.strip() and norm(label) not in self.speakers:
            saved, self.speakers = self.speakers, None
            try:
                return super().respondent_for(label)
            finally:
                self.speakers = saved
        return super().respondent_for(label)


@dataclass
class _Source:
    guid: str
    name: str
    text: SourceText
    element: Element
    selections: list[Element] = field(default_factory=list)
    speakers: dict[str, str | None] | None = None


@dataclass
class _Reader:
    label: str
    ours: bool = False
    notes: list[str] = field(default_factory=list)
    """What was not imported (the import's ``skipped``)."""
    info: list[str] = field(default_factory=list)
    """What was read differently from face value (the import's ``notes``)."""
    users: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    """Code GUID -> path."""
    code_list: list[Code] = field(default_factory=list)
    undeclared_users: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def skip(self, what: str) -> None:
        self.notes.append(f"{self.label}: {what}")

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] += n

    # -- users and codes -----------------------------------------------------------------
    def read_users(self, root: Element) -> None:
        for u in root.iterfind("Users/User"):
            name = (u.get("name") or u.get("id") or "").strip()
            self.users[_g(u.get("guid"))] = name or f"user {_short(u.get('guid', ''))}"

    def user(self, *guids: str | None) -> str:
        for g in guids:
            if g and _g(g):
                if _g(g) not in self.users:
                    self.undeclared_users.add(_g(g))
                    self.users[_g(g)] = f"user {_short(g)}"
                return self.users[_g(g)]
        return "imported"

    def read_codes(self, codes_el: Element | None) -> None:
        if codes_el is None:
            return
        stack: list[tuple[Element, str | None, int]] = [
            (c, None, 0) for c in reversed(codes_el.findall("Code"))]
        taken: set[str] = set()
        while stack:
            el, parent, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise InputError(self.label, f"refused: codes nested more than {MAX_DEPTH} deep")
            raw = (el.get("name") or "").strip()
            name = " ".join(raw.replace(">", "›").replace(";", ",").split()) or "(unnamed code)"
            if name != raw:
                self.count("renamed codes")
            path, n = join_path(((parent,) if parent else ()) + (name,)), 1
            while path in taken:
                n += 1
                path = join_path(((parent,) if parent else ()) + (f"{name} ({n})",))
            if n > 1:
                self.count("twin codes renamed")
                name = f"{name} ({n})"
            taken.add(path)
            desc = _child_text(el, "Description")
            texts = unpack_description(desc) if self.ours else None
            colour = hex_colour(el.get("color"))
            if el.get("color") and colour is None:
                self.count("unreadable colours")
            self.code_list.append(Code(
                name, parent, texts.definition if texts else desc.strip(),
                texts.include if texts else "", texts.exclude if texts else "",
                texts.keywords if texts else (), texts.examples if texts else (),
                colour or ""))
            if el.get("guid"):
                self.codes[_g(el.get("guid"))] = path
            for child in reversed(el.findall("Code")):
                stack.append((child, path, depth + 1))

    def code(self, ref: str | None) -> str:
        if _g(ref) not in self.codes:
            path = f"(undeclared code {_short(ref or '')})"
            self.codes[_g(ref)] = path
            self.code_list.append(Code(path))
            self.count("undeclared codes")
        return self.codes[_g(ref)]

    def read_findings(self, root: Element, notes: dict[str, Element]) -> list[Finding]:
        out = []
        for s in root.iterfind("Sets/Set"):
            name = s.get("name") or ""
            if not (self.ours and name.startswith(FINDING_SET)):
                self.count("sets")
                continue
            key = name[len(FINDING_SET):].strip()
            meta: dict[str, str] = {}
            for line in _child_text(s, "Description").splitlines():
                head, sep, rest = line.partition(": ")
                if sep:
                    meta[head] = rest
            note = next((notes.get(_g(m.get("targetGUID"))) for m in s.iterfind("MemberNote")),
                        None)
            statement = _child_text(note, "PlainTextContent") if note is not None else ""
            paths = tuple(self.codes[_g(m.get("targetGUID") or m.get("guid"))]
                          for m in s.iterfind("MemberCode")
                          if _g(m.get("targetGUID") or m.get("guid")) in self.codes)
            asked = tuple(a.strip() for a in meta.get("Asked", "").split(";") if a.strip())
            out.append(Finding(key, statement or meta.get("Statement", ""), meta.get("Section", ""),
                               meta.get("Quantifier") or None, paths, asked))
        return out


# -- cases ------------------------------------------------------------------------------------
def _value(vv: Element, label: str) -> tuple[str, object] | None:
    for tag in ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue",
                "DateTimeValue"):
        el = vv.find(tag)
        if el is None:
            continue
        raw = (el.text or "").strip()
        try:
            if tag == "BooleanValue":
                if raw.casefold() not in ("true", "false", "1", "0"):
                    raise ValueError(raw)
                return "Boolean", raw.casefold() in ("true", "1")
            if tag == "IntegerValue":
                return "Integer", int(raw)
            if tag == "FloatValue":
                return "Float", float(raw)
            if tag == "DateValue":
                return "Date", date.fromisoformat(raw[:10]).isoformat()
            if tag == "DateTimeValue":
                datetime.fromisoformat(raw.replace("Z", "+00:00"))
                return "DateTime", raw
        except ValueError:
            return "Text", raw
        return "Text", el.text or ""
    return None


def _read_cases(r: _Reader, root: Element, sources: dict[str, str],
                selection_source: dict[str, str]) -> tuple[list[Respondent], dict[str, str],
                                                            dict[str, list[str]]]:
    """Respondents, their attribute types, and source GUID -> respondent keys linked."""
    variables = {_g(v.get("guid")): (v.get("name") or "", v.get("typeOfVariable") or "Text")
                 for v in root.iterfind("Variables/Variable")}
    by_key: dict[str, dict[str, object]] = {}
    kinds: dict[str, str] = {}
    linked: dict[str, list[str]] = defaultdict(list)
    for case in root.iterfind("Cases/Case"):
        refs = [_g(s.get("targetGUID")) for s in case.iterfind("SourceRef")]
        refs += [selection_source[_g(s.get("targetGUID"))] for s in case.iterfind("SelectionRef")
                 if _g(s.get("targetGUID")) in selection_source]
        refs = list(dict.fromkeys(x for x in refs if x in sources))
        key = (case.get("name") or "").strip()
        if not key:
            only = sources[refs[0]] if len(refs) == 1 else None
            key = (stem_key(only) or PurePosixPath(only).stem) if only else \
                f"case {_short(case.get('guid', ''))}"
            r.count("cases without a name")
        attrs = by_key.setdefault(key, {})
        for vv in case.iterfind("VariableValue"):
            ref = vv.find("VariableRef")
            var = variables.get(_g(ref.get("targetGUID") if ref is not None else ""))
            got = _value(vv, r.label)
            if var is None or got is None or not var[0]:
                r.count("case values of undeclared variables")
                continue
            name, declared = var
            kind, value = got
            kinds.setdefault(name, declared if declared in ATTRIBUTE_TYPES else "Text")
            if kind != kinds[name] and not (kinds[name] == "Float" and kind == "Integer"):
                kinds[name] = "Text"  # a value the declared type cannot hold: keep them as text
            attrs[name] = value
        for ref in refs:
            if key not in linked[ref]:
                linked[ref].append(key)
    types = {name: ATTRIBUTE_TYPES.get(kind, "text") for name, kind in kinds.items()}
    respondents = []
    for key, attrs in by_key.items():
        full: dict[str, object] = {}
        for name, kind in types.items():
            if name not in attrs:
                if attrs and kind != "text":
                    full[name] = None  # a row of a table: an empty cell of a typed column
                continue
            value = attrs[name]
            if kind == "text":
                full[name] = value if isinstance(value, str) else \
                    str(value).lower() if isinstance(value, bool) else str(value)
            elif kind == "number":
                full[name] = float(value)  # type: ignore[arg-type]
            else:
                full[name] = value
        respondents.append(Respondent(key, full))
    return respondents, types, linked


# -- sources ----------------------------------------------------------------------------------
def _decode(data: bytes) -> tuple[str, bool]:
    """Text of a plain-text rendition (UTF-8 as the standard says; a BOM'd UTF-16 or, failing
    UTF-8, CP1252 accepted) and whether it began with a byte-order mark."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                     (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), True
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), False


class _Files:
    """Where a source's plain text comes from: the archive, or beside the .qdpx."""

    def __init__(self, r: _Reader, archive: Archive | None, folder: Path) -> None:
        self.r, self.archive, self.folder = r, archive, folder.resolve()

    def read(self, ref: str, what: str) -> bytes | None:
        scheme, sep, rest = ref.partition("://")
        if not sep:
            scheme, rest = "relative", ref
        scheme = scheme.casefold()
        rest = rest.lstrip("/") if scheme != "absolute" else rest
        if scheme == "absolute":
            self.r.skip(f"{what}: external file {ref!r} not read (absolute paths are not "
                        "followed; put it in the .qdpx or beside it)")
            return None
        if scheme not in ("internal", "relative"):
            self.r.skip(f"{what}: unknown path scheme in {ref!r}")
            return None
        if self.archive is not None:
            member = self.archive.find(rest)
            if member is not None:
                return self.archive.read(member, MAX_TEXT)
        if scheme == "relative":
            target = (self.folder / rest).resolve()
            if not target.is_relative_to(self.folder):
                self.r.skip(f"{what}: {ref!r} points outside the folder of the file; not read")
                return None
            if target.is_file():
                if target.stat().st_size > MAX_TEXT:
                    raise InputError(self.r.label, f"refused: {ref} is larger than "
                                     f"{MAX_TEXT // (1024 * 1024)} MiB")
                return target.read_bytes()
        raise InputError(self.r.label, f"{what}: {ref!r} is not in the archive")


def _plain_text(r: _Reader, files: _Files, el: Element, what: str) -> SourceText | None:
    path = el.get("plainTextPath")
    content = el.find("PlainTextContent")
    if path:
        data = files.read(path, what)
        if data is None:
            return None
        raw, bom = _decode(data)
        inline = False
    elif content is not None:
        raw, bom, inline = content.text or "", False, True
    else:
        return None
    if _CONTROL.search(raw):
        raw = _CONTROL.sub(" ", raw)  # same length: positions keep their meaning
        r.count("control characters replaced")
    return SourceText(raw, bom, inline)


def _transcript_selections(tr: Element) -> list[Element]:
    """A transcript's selections as PlainTextSelections: from and to sync point positions."""
    points = {_g(p.get("guid")): p.get("position") for p in tr.iterfind("SyncPoint")}
    out = []
    for sel in tr.iterfind("TranscriptSelection"):
        a, b = points.get(_g(sel.get("fromSyncPoint"))), points.get(_g(sel.get("toSyncPoint")))
        if a is None or b is None:
            continue
        copy = Element("PlainTextSelection", dict(sel.attrib, startPosition=a, endPosition=b))
        copy.extend(list(sel))
        out.append(copy)
    return out


def _texts_of(r: _Reader, el: Element, name: str) -> list[tuple[Element, str, list[Element]]]:
    """The text-bearing parts of a source: (element with the text, name, selections)."""
    what = f"source {name!r}"
    if el.tag == "TextSource":
        return [(el, name, el.findall("PlainTextSelection"))]
    if el.tag == "PDFSource":
        n = len(el.findall("PDFSelection"))
        if n:
            r.skip(f"{what}: {n} PDF region selection(s) (areas of a page) not imported")
        rep = el.find("Representation")
        return [(rep if rep is not None else el, name,
                 rep.findall("PlainTextSelection") if rep is not None else [])]
    media = {"PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}
    kind = media.get(el.tag, el.tag)
    timed = len(el.findall("AudioSelection")) + len(el.findall("VideoSelection"))
    transcripts = el.findall("Transcript")
    if not transcripts:
        r.skip(f"{what}: {kind} source not imported (qualtally codes text)")
        return []
    r.skip(f"{what}: the {kind} itself not imported, its transcript(s) were"
           + (f"; {timed} time selection(s) not imported" if timed else ""))
    out = []
    for i, tr in enumerate(transcripts, 1):
        label = (tr.get("name") or "").strip() or (name if len(transcripts) == 1 else
                                                     f"{name} transcript {i}")
        unmapped = len(tr.findall("TranscriptSelection")) - len(_transcript_selections(tr))
        if unmapped:
            r.skip(f"{what}: {unmapped} transcript selection(s) without sync point positions "
                   "not imported")
        out.append((tr, label, _transcript_selections(tr)))
    return out


def _sources(r: _Reader, root: Element, files: _Files) -> list[_Source]:
    out: list[_Source] = []
    names: set[str] = set()
    container = root.find("Sources")
    for el in list(container) if container is not None else []:
        source_name = (el.get("name") or "").strip() or f"source {_short(el.get('guid', ''))}"
        for text_el, name, selections in _texts_of(r, el, source_name):
            what = f"source {name!r}"
            src = _plain_text(r, files, text_el, what)
            if src is None:
                rich = el.get("richTextPath") or el.get("path") or ""
                kind_word = ("PDF" if el.tag == "PDFSource" or rich.lower().endswith(".pdf")
                             else "rich-text (.docx)" if rich else "text")
                r.skip(f"{what}: {kind_word} source without a plain-text rendition; not "
                       "imported" + (f" with its {len(selections)} selection(s)"
                                     if selections else ""))
                continue
            if text_el.get("richTextPath"):
                r.count("rich text")
            base, n = name, 1
            while name in names:
                n += 1
                name = f"{base} ({n})"
            names.add(name)
            # cases refer to the source (the PDF, the recording), so its parts share its GUID
            out.append(_Source(_g(el.get("guid")), name, src, text_el, selections))
    return out


def _speaker_maps(r: _Reader, root: Element, sources: list[_Source]) -> None:
    var = next((_g(v.get("guid")) for v in root.iterfind("Variables/Variable")
                if v.get("name") == SPEAKERS_VARIABLE), None)
    for s in sources:
        for vv in s.element.iterfind("VariableValue"):
            ref = vv.find("VariableRef")
            if var is not None and ref is not None and _g(ref.get("targetGUID")) == var:
                try:
                    value = json.loads(_child_text(vv, "TextValue"))
                except ValueError:
                    value = None
                if isinstance(value, dict):
                    s.speakers = {str(k): (str(v) if v is not None else None)
                                  for k, v in value.items()}
                else:
                    r.count("unreadable speaker maps")
            else:
                r.count("document variables")


# -- the whole file ---------------------------------------------------------------------------
def _span(src: _Source, conv, start: str | None, end: str | None, r: _Reader, sel: Element
          ) -> tuple[int, int]:
    try:
        a, b = sorted((int(start or ""), int(end or "")))
    except ValueError:
        raise InputError(r.label, f"selection {sel.get('guid')!r} in source {src.name!r}: "
                         f"positions {start!r}-{end!r} are not whole numbers") from None
    here = for_source(conv, src.text)
    got = src.text.span(a, b, here)
    for slack in (1, 2):  # an end a line end past the text (a final CRLF counted): clamp it
        if got is not None:
            break
        near = src.text.span(a, b - slack, here)
        if near is not None and near[1] == len(src.text.text):
            got = near
    if got is None:
        raise InputError(r.label, f"selection {sel.get('guid')!r} in source {src.name!r}: "
                         f"positions {a}-{b} lie outside its text "
                         f"({len(src.text.text)} characters)")
    return got


def read_project(root: Element, label: str, files: _Files, known: dict[str, str],
                 progress=None) -> ImportBundle:
    if root.tag != "Project":
        raise InputError(label, f"not a REFI-QDA project (its XML is a {root.tag!r}, "
                         "not a Project)")
    r = _Reader(label, ours=(root.get("origin") or "").startswith(ORIGIN))
    files.r = r
    r.read_users(root)
    r.read_codes(root.find("CodeBook/Codes"))
    notes = {_g(n.get("guid")): n for n in root.iterfind("Notes/Note")}
    sources = _sources(r, root, files)
    _speaker_maps(r, root, sources)
    src_names = {s.guid: s.name for s in sources}
    selection_source = {_g(sel.get("guid")): s.guid for s in sources for sel in s.selections}
    respondents, types, linked = _read_cases(r, root, src_names, selection_source)
    known = {**known, **known_respondents(respondents)}

    spans = [(s.text, [(min(int(a), int(b)), max(int(a), int(b)))
                       for a, b in ((x.get("startPosition"), x.get("endPosition"))
                                    for x in s.selections)
                       if (a or "").strip().lstrip("-").isdigit()
                       and (b or "").strip().lstrip("-").isdigit()])
             for s in sources]
    conv = choose([x for x in spans if x[1]])
    links: dict[str, list[str]] = defaultdict(list)
    for link in root.iterfind("Links/Link"):
        a, b = _g(link.get("originGUID")), _g(link.get("targetGUID"))
        if a in notes:
            links[b].append(a)
        elif b in notes:
            links[a].append(b)
        else:
            r.count("links")

    bundle = ImportBundle(source=label, respondents=respondents, attribute_types=types)
    used_notes: set[str] = set()
    memos: dict[tuple[str, int, int, str], list[str]] = defaultdict(list)
    memo_when: dict[tuple[str, int, int, str], str] = {}
    for i, s in enumerate(sources, 1):
        cases = linked.get(s.guid, [])
        who = _Speakers(s.name, speakers=s.speakers,
                        respondent=cases[0] if len(cases) == 1 else None, known=known)
        text = s.text.text
        bundle.documents.append(Document(s.name, text, parse_turns(text, who), "txt",
                                         {"refi_guid": s.guid}))
        whole = s.element.findall("Coding")
        if whole:
            r.count("codings of whole sources", len(whole))
        rows: dict[tuple[int, int, str], list[tuple[str, str]]] = defaultdict(list)
        for coding in whole:
            coder = r.user(coding.get("creatingUser"), s.element.get("creatingUser"),
                           root.get("creatingUserGUID"))
            rows[(0, len(text), coder)].append(
                (r.code(coding.find("CodeRef").get("targetGUID")
                        if coding.find("CodeRef") is not None else None),
                 coding.get("creationDateTime") or ""))
        for sel in s.selections:
            start, end = _span(s, conv, sel.get("startPosition"), sel.get("endPosition"), r, sel)
            codings = sel.findall("Coding")
            sel_user = sel.get("creatingUser") or root.get("creatingUserGUID")
            if start == end:
                r.count("empty selections")
                continue
            if not codings:
                if r.ours and sel.get("name") == NOTHING_APPLIES:
                    rows.setdefault((start, end, r.user(sel_user)), [])
                else:
                    r.count("selections without codings")
            for coding in codings:
                ref = coding.find("CodeRef")
                coder = r.user(coding.get("creatingUser"), sel_user)
                rows[(start, end, coder)].append(
                    (r.code(ref.get("targetGUID") if ref is not None else None),
                     coding.get("creationDateTime") or sel.get("creationDateTime") or ""))
            desc = _child_text(sel, "Description").strip()
            if desc and not r.ours:  # a comment on the selection (ATLAS.ti's quotation comment)
                memos[(s.name, start, end, r.user(sel_user))].append(desc)
            refs = [_g(n.get("targetGUID")) for n in sel.iterfind("NoteRef")]
            refs += [_g(n.get("targetGUID")) for c in codings for n in c.iterfind("NoteRef")]
            refs += links.get(_g(sel.get("guid")), [])
            for ref in dict.fromkeys(refs):
                note = notes.get(ref)
                if note is None:
                    continue
                used_notes.add(ref)
                body = _child_text(note, "PlainTextContent").strip()
                if not body and note.get("plainTextPath"):
                    data = files.read(note.get("plainTextPath", ""), f"note {note.get('name')!r}")
                    body = _decode(data)[0].strip() if data else ""
                if body:
                    key = (s.name, start, end, r.user(note.get("creatingUser"), sel_user))
                    memos[key].append(body)
                    memo_when[key] = note.get("modifiedDateTime") or \
                        note.get("creationDateTime") or ""
        for (start, end, coder), pairs in rows.items():
            paths = list(dict.fromkeys(p for p, _ in pairs))
            created = tuple(next(c for p2, c in pairs if p2 == p) for p in paths)
            bundle.coded.append(CodedRow(
                respondent="", text=text[start:end], codes=tuple(paths), coder=coder,
                document=s.name, start=start, end=end, line=0,
                created=created if any(created) else (), across_turns=True))
        if progress is not None:
            progress("reading sources", i, len(sources))
    for (doc, start, end, coder), bodies in memos.items():
        text = next(d.text for d in bundle.documents if d.name == doc)
        bundle.memos.append(MemoRow(doc, start, end, text[start:end], coder,
                                    "\n\n".join(dict.fromkeys(bodies)),
                                    memo_when.get((doc, start, end, coder), "")))
    bundle.findings = r.read_findings(root, notes)
    finding_notes = {_g(m.get("targetGUID")) for s in root.iterfind("Sets/Set")
                     for m in s.iterfind("MemberNote")} if r.ours else set()
    for ref, note in notes.items():
        if r.ours and note.get("name") == SCALE_NOTE:
            from qualtally.importers.findings_md import parse_findings

            bundle.scale = parse_findings(_child_text(note, "PlainTextContent"),
                                          f"{label}: {SCALE_NOTE}")[1]
            finding_notes.add(ref)
    loose = len(set(notes) - used_notes - finding_notes)
    if loose:
        r.skip(f"{loose} note(s) not attached to a coded selection (project, code or "
               "source notes) not imported")
    bundle.codes = _with_findings(r.code_list, bundle.findings)
    if root.find("Graphs") is not None:
        r.count("graphs", len(root.findall("Graphs/Graph")))
    _report(r, conv if any(x[1] for x in spans) else None)
    bundle.skipped, bundle.notes = r.notes, r.info
    return bundle


def _with_findings(codes: list[Code], findings: list[Finding]) -> list[Code]:
    linked = {path: f.key for f in findings for path in f.code_paths}
    return [replace(c, finding=linked[c.path]) if c.path in linked else c for c in codes]


_REPORT = {
    "sets": "set(s) not imported (qualtally has no sets)",
    "links": "link(s) between objects other than notes and selections not imported",
    "graphs": "graph(s) not imported",
    "document variables": "variable value(s) of sources not imported (documents have no "
                          "attributes)",
    "selections without codings": "selection(s) without codings not imported",
    "empty selections": "empty selection(s) (start = end) not imported",
    "case values of undeclared variables": "case value(s) of undeclared variables not imported",
    "unreadable colours": "code colour(s) that are not RGB left out",
    "undeclared codes": "code(s) referred to but not declared, imported as "
                        "'(undeclared code ...)'",
    "renamed codes": "code name(s) with '>' or ';' (qualtally's path separators) or blank "
                     "renamed",
    "twin codes renamed": "sibling code(s) sharing a name given a ' (2)' suffix",
    "cases without a name": "case(s) without a name keyed by their source or GUID",
    "unreadable speaker maps": "unreadable 'qualtally speakers' value(s) ignored",
}


_INFO = {
    "codings of whole sources": "coding(s) of a whole source applied to its whole text",
    "control characters replaced": "text(s) with control characters (replaced by spaces)",
}


def _report(r: _Reader, conv) -> None:
    for key, what in _REPORT.items():
        if r.counts.get(key):
            r.skip(f"{r.counts[key]} {what}")
    for key, what in _INFO.items():
        if r.counts.get(key):
            r.info.append(f"{r.label}: {r.counts[key]} {what}")
    if r.undeclared_users:
        r.skip(f"{len(r.undeclared_users)} user(s) referred to but not declared, named "
               "'user XXXXXXXX'")
    if conv is not None and conv.label != "Unicode code points, CRLF as two (the standard)":
        r.info.append(f"{r.label}: selection positions read as {conv.label}")
    if r.counts.get("rich text"):
        r.info.append(f"{r.label}: {r.counts['rich text']} rich-text (.docx) rendition(s) not "
                      "kept; their plain-text renditions were imported")


def read_codebook(root: Element, label: str) -> ImportBundle:
    if root.tag == "Project":
        raise InputError(label, "this is a project (.qde XML), not a codebook: "
                         "import the .qdpx instead")
    if root.tag != "CodeBook":
        raise InputError(label, f"not a REFI-QDA codebook (its XML is a {root.tag!r})")
    r = _Reader(label, ours=(root.get("origin") or "").startswith(ORIGIN))
    r.read_codes(root.find("Codes"))
    bundle = ImportBundle(source=label)
    bundle.findings = r.read_findings(root, {})
    bundle.codes = _with_findings(r.code_list, bundle.findings)
    _report(r, None)
    bundle.skipped, bundle.notes = r.notes, r.info
    return bundle


def read_refi(path: Path, label: str, known: dict[str, str] | None = None,
              progress=None) -> ImportBundle:
    """A .qdpx or .qdc as a bundle (codes, respondents, documents, codings, memos, findings);
    ``bundle.skipped`` lists what was left out. InputError (naming ``label``) if unsafe or bad."""
    path = Path(path)
    if path.suffix.lower() == ".qdc":
        try:
            size = path.stat().st_size
        except OSError as err:
            raise InputError(label, f"cannot read file ({err.strerror or err})") from None
        if size > MAX_QDE:
            raise InputError(label, f"refused: larger than {MAX_QDE // (1024 * 1024)} MiB")
        return read_codebook(parse_xml(path.read_bytes(), label, "the codebook"), label)
    archive = Archive(path, label)
    try:
        member = archive.project_member()
        root = parse_xml(archive.read(member, MAX_QDE), label, member)
        return read_project(root, label, _Files(_Reader(label), archive, path.parent),
                            known or {}, progress)
    finally:
        archive.close()
