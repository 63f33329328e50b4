"""REFI-QDA exports: a whole project (.qdpx) or the codebook alone (.qdc), QDA-XML 1.0.

A .qdpx is a ZIP holding ``project.qde`` (the XML, schema ``Project.xsd`` of 18 March 2019)
and ``sources/<guid>.txt``, each document's text in UTF-8 with LF line ends, so the
selections' character positions are qualtally's own offsets (Unicode code points). What
maps to what:

* coders -> ``Users`` (one User per coder, named by the coder);
* the codebook -> ``CodeBook`` (hierarchy, colours as ``#rrggbb``; the definition,
  include/exclude notes, keywords and examples packed into ``Description`` by
  :func:`qualtally.core.refi.pack_description`); every code is codable;
* respondent attributes -> ``Variables`` (typed: Text, Boolean, Integer, Float, Date);
  respondents -> ``Cases`` named by their key, with a ``VariableValue`` per attribute
  that has a value (an empty text is an empty ``TextValue``; a typed attribute without a
  value has none) and a ``SourceRef`` to each document where they speak;
* documents -> ``TextSource`` with a ``plainTextPath``; each one carries the Text variable
  ``qualtally speakers`` (JSON: ``speakers``, each label's respondent key or null for an
  interviewer, ``turns``, each turn's offsets, label, key and timestamps, and
  ``questions``, the guide question of each excerpt that has one), so a re-import gives
  the same turns, also for a text without speaker labels (one made from a coded-excerpts
  table), and the same questions;
* each coded excerpt -> one ``PlainTextSelection`` (its start and end) holding one
  ``Coding`` per coder and code (``creatingUser`` = the coder, ``creationDateTime`` = when
  applied);
* memos -> ``Notes`` (``creatingUser`` = the coder) referred to by a ``NoteRef`` in the
  excerpt's selection;
* "nothing applies" marks -> a ``PlainTextSelection`` without codings named
  ``qualtally: nothing applies``, ``creatingUser`` = the coder;
* findings -> a ``Note`` each (name = key, text = statement, description = section) that
  every linked code refers to (``NoteRef``), and a ``Set`` named ``qualtally finding KEY``
  holding the linked codes and the note (its description repeats the statement and lists
  the section, the quantifier and the respondents asked);
* the verbal quantifier scale -> a project ``Note`` named ``qualtally quantifier scale``
  holding it as a findings report's ``## Quantifier scale`` section.

A .qdc (schema in the specification, section 5.2) holds the codebook and the findings'
Sets. Both files are written to a temporary name and renamed into place.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from qualtally.core.errors import InputError
from qualtally.core.exchange import ExchangeSnapshot, SpanCoding
from qualtally.core.models import Code, Document
from qualtally.core.refi import (
    FINDING_SET,
    NOTHING_APPLIES,
    NS_CODEBOOK,
    NS_PROJECT,
    ORIGIN,
    SCALE_NOTE,
    SPEAKERS_VARIABLE,
    VALUE_ELEMENTS,
    VARIABLE_TYPES,
    CodeText,
    guid,
    hex_colour,
    pack_description,
    scale_markdown,
)
from qualtally.exports.report_common import write_atomically

Progress = Callable[[str, int, int], None]
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


def _x(text: str) -> str:
    """Text XML 1.0 can carry (control characters other than tab and LF become spaces)."""
    return _BAD_XML.sub(" ", text)


def _when(value: str | None) -> str | None:
    """An xsd:dateTime, or None when ``value`` is not one (a coding without a time)."""
    if not value:
        return None
    value = value.strip().replace(" ", "T", 1)
    if not _DATETIME.fullmatch(value):
        return None
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value


def _origin() -> str:
    from qualtally import __version__

    return f"{ORIGIN} {__version__}"


class _Writer:
    def __init__(self, ns: str) -> None:
        self.ns = ns

    def el(self, parent: ET.Element | None, tag: str, text: str | None = None,
           **attrs: str | None) -> ET.Element:
        clean = {k: _x(v) for k, v in attrs.items() if v is not None}
        if parent is None:
            node = ET.Element(tag, {"xmlns": self.ns, **clean})  # tags unqualified below it
        else:
            node = ET.SubElement(parent, tag, clean)
        if text is not None:
            node.text = _x(text)
        return node


def _code_text(code: Code) -> str:
    return pack_description(CodeText(code.definition, code.include, code.exclude,
                                     tuple(code.keywords), tuple(code.examples)))


def _children(codes: list[Code]) -> dict[str | None, list[Code]]:
    kids: dict[str | None, list[Code]] = defaultdict(list)
    for code in codes:
        kids[code.parent_path].append(code)
    return kids


def _codes(w: _Writer, parent: ET.Element, snap: ExchangeSnapshot, project: bool) -> None:
    kids = _children(snap.codes)

    def add(into: ET.Element, code: Code) -> None:
        node = w.el(into, "Code", guid=guid("code", code.path), name=code.name,
                    isCodable="true", color=hex_colour(code.colour))
        text = _code_text(code)
        if text:
            w.el(node, "Description", text)
        if project and code.finding:
            w.el(node, "NoteRef", targetGUID=guid("finding", code.finding))
        for child in kids.get(code.path, []):
            add(node, child)

    codes = w.el(parent, "Codes")
    for top in kids.get(None, []):
        add(codes, top)


def _finding_sets(w: _Writer, parent: ET.Element, snap: ExchangeSnapshot, project: bool) -> None:
    known = {c.path for c in snap.codes}
    sets = w.el(parent, "Sets")
    for f in snap.findings:
        node = w.el(sets, "Set", guid=guid("finding-set", f.key), name=FINDING_SET + f.key)
        lines = [f"Codes linked to finding {f.key} in qualtally.",
                 "Statement: " + " ".join(f.statement.split()), f"Section: {f.section}",
                 f"Quantifier: {f.quantifier or ''}", "Asked: " + "; ".join(f.asked)]
        w.el(node, "Description", "\n".join(lines))
        for path in f.code_paths:
            if path in known:
                if project:
                    w.el(node, "MemberCode", targetGUID=guid("code", path))
                else:
                    w.el(node, "MemberCode", guid=guid("code", path))
        if project:
            w.el(node, "MemberNote", targetGUID=guid("finding", f.key))


# -- variables and cases ------------------------------------------------------------------
def _value_type(value: object) -> str | None:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "Text"
    return None


def _variable_types(snap: ExchangeSnapshot) -> dict[str, str]:
    """Attribute -> QDA-XML type, in the order attributes first appear."""
    out: dict[str, str] = {}
    for r in snap.respondents:
        for name in r.attributes:
            if name in out:
                continue
            declared = VARIABLE_TYPES.get(snap.attribute_types.get(name, ""))
            seen = next((_value_type(x.attributes.get(name)) for x in snap.respondents
                         if _value_type(x.attributes.get(name))), None)
            out[name] = declared or seen or "Text"
    return out


def _value_text(value: object, kind: str) -> str | None:
    """The lexical form of ``value`` as a ``kind`` value, or None (left out)."""
    if value is None:
        return None
    if kind == "Boolean":
        return "true" if value is True else "false" if value is False else None
    if kind == "Integer":
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else None
    if kind == "Float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        try:
            number = Decimal(repr(value))
        except InvalidOperation:
            return None
        return format(number, "f") if number.is_finite() else None
    if kind == "Date":
        text = str(value)
        return text if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    return str(value)


def _variables(w: _Writer, parent: ET.Element, types: dict[str, str], documents: bool) -> None:
    if not types and not documents:
        return
    node = w.el(parent, "Variables")
    for name, kind in types.items():
        w.el(node, "Variable", guid=guid("variable", name), name=name, typeOfVariable=kind)
    if documents:
        var = w.el(node, "Variable", guid=guid("variable", SPEAKERS_VARIABLE),
                   name=SPEAKERS_VARIABLE, typeOfVariable="Text")
        w.el(var, "Description", "Set on documents by qualtally: each speaker label and the "
             "respondent key it belongs to (null: an interviewer), as JSON.")


def _variable_value(w: _Writer, parent: ET.Element, name: str, kind: str, text: str) -> None:
    vv = w.el(parent, "VariableValue")
    w.el(vv, "VariableRef", targetGUID=guid("variable", name))
    w.el(vv, VALUE_ELEMENTS[kind], text)


def _cases(w: _Writer, parent: ET.Element, snap: ExchangeSnapshot, types: dict[str, str]) -> None:
    if not snap.respondents:
        return
    speaks: dict[str, list[Document]] = defaultdict(list)
    for doc in snap.documents:
        for key in dict.fromkeys(t.respondent_key for t in doc.turns if t.respondent_key):
            speaks[key].append(doc)
    node = w.el(parent, "Cases")
    for r in snap.respondents:
        case = w.el(node, "Case", guid=guid("case", r.key), name=r.key)
        for name, kind in types.items():
            text = _value_text(r.attributes.get(name), kind)
            if text is not None:
                _variable_value(w, case, name, kind, text)
        for doc in speaks.get(r.key, []):
            w.el(case, "SourceRef", targetGUID=guid("document", doc.name))


# -- sources --------------------------------------------------------------------------------
def _speakers(doc: Document, questions: list[tuple[int, int, str]]) -> str:
    """``{"speakers": {label: key or null}, "turns": [[start, end, label, key, meta]...],
    "questions": [[start, end, question]...]}``."""
    labels: dict[str, str | None] = {}
    for turn in doc.turns:
        labels.setdefault(turn.speaker, turn.respondent_key)
    turns = [[t.start, t.end, t.speaker, t.respondent_key, t.meta] for t in doc.turns]
    return json.dumps({"speakers": labels, "turns": turns,
                       "questions": [list(q) for q in questions]},
                      ensure_ascii=False, sort_keys=True)


def _source(w: _Writer, parent: ET.Element, doc: Document, snap: ExchangeSnapshot,
            by_doc: dict[str, dict[tuple[int, int], list[SpanCoding]]],
            memos: dict[str, dict[tuple[int, int], list]], marks: dict[str, dict]) -> str:
    gid = guid("document", doc.name)
    member = f"{gid}.txt"
    node = w.el(parent, "TextSource", guid=gid, name=doc.name,
                plainTextPath=f"internal://{member}")
    spans = sorted(set(by_doc.get(doc.name, {})) | set(memos.get(doc.name, {}))
                   | set(marks.get(doc.name, {})))
    for start, end in spans:
        codings = by_doc.get(doc.name, {}).get((start, end), [])
        notes = memos.get(doc.name, {}).get((start, end), [])
        if codings or notes:
            first = (codings or notes)[0].coder
            when = min((c.created for c in codings if _when(c.created)), default=None)
            sel = w.el(node, "PlainTextSelection", guid=guid("selection", doc.name, start, end),
                       name="", startPosition=str(start), endPosition=str(end),
                       creatingUser=guid("user", first), creationDateTime=_when(when))
            for c in codings:
                coding = w.el(sel, "Coding",
                              guid=guid("coding", doc.name, start, end, c.coder, c.code_path),
                              creatingUser=guid("user", c.coder), creationDateTime=_when(c.created))
                w.el(coding, "CodeRef", targetGUID=guid("code", c.code_path))
            for m in notes:
                w.el(sel, "NoteRef", targetGUID=guid("memo", doc.name, start, end, m.coder))
        for coder in marks.get(doc.name, {}).get((start, end), []):
            w.el(node, "PlainTextSelection", guid=guid("mark", doc.name, start, end, coder),
                 name=NOTHING_APPLIES, startPosition=str(start), endPosition=str(end),
                 creatingUser=guid("user", coder))
    vv = w.el(node, "VariableValue")
    w.el(vv, "VariableRef", targetGUID=guid("variable", SPEAKERS_VARIABLE))
    w.el(vv, "TextValue", _speakers(doc, snap.questions.get(doc.name, [])))
    return member


def _notes(w: _Writer, parent: ET.Element, snap: ExchangeSnapshot) -> None:
    if not snap.memos and not snap.findings and snap.scale is None:
        return
    node = w.el(parent, "Notes")
    if snap.scale is not None:
        note = w.el(node, "Note", guid=guid("scale"), name=SCALE_NOTE)
        w.el(note, "PlainTextContent", scale_markdown(snap.scale))
    for m in snap.memos:
        note = w.el(node, "Note", guid=guid("memo", m.document, m.start, m.end, m.coder),
                    name=f"Memo by {m.coder}", creatingUser=guid("user", m.coder),
                    modifiedDateTime=_when(m.updated))
        w.el(note, "PlainTextContent", m.text)
    for f in snap.findings:
        note = w.el(node, "Note", guid=guid("finding", f.key), name=f.key)
        if f.section:
            w.el(note, "Description", f.section)
        w.el(note, "PlainTextContent", f.statement)


def project_xml(snap: ExchangeSnapshot, progress: Progress | None = None
                ) -> tuple[bytes, dict[str, str]]:
    """``project.qde`` and the plain texts of the sources (member name -> text)."""
    w = _Writer(NS_PROJECT)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = w.el(None, "Project", name=snap.name or "qualtally project", origin=_origin(),
                creationDateTime=now)
    coders = snap.coders()
    if coders:
        users = w.el(root, "Users")
        for coder in coders:
            w.el(users, "User", guid=guid("user", coder), name=coder)
    if snap.codes:
        _codes(w, w.el(root, "CodeBook"), snap, project=True)
    types = _variable_types(snap)
    _variables(w, root, types, bool(snap.documents))
    _cases(w, root, snap, types)
    texts: dict[str, str] = {}
    if snap.documents:
        by_doc: dict[str, dict[tuple[int, int], list[SpanCoding]]] = defaultdict(
            lambda: defaultdict(list))
        for c in snap.codings:
            by_doc[c.document][(c.start, c.end)].append(c)
        memos: dict = defaultdict(lambda: defaultdict(list))
        for m in snap.memos:
            memos[m.document][(m.start, m.end)].append(m)
        marks: dict = defaultdict(lambda: defaultdict(list))
        for k in snap.marks:
            marks[k.document][(k.start, k.end)].append(k.coder)
        sources = w.el(root, "Sources")
        for i, doc in enumerate(snap.documents, 1):
            texts[_source(w, sources, doc, snap, by_doc, memos, marks)] = doc.text
            if progress is not None:
                progress("writing sources", i, len(snap.documents))
    _notes(w, root, snap)
    if snap.findings:
        _finding_sets(w, root, snap, project=True)
    if snap.scale is not None:
        w.el(root, "NoteRef", targetGUID=guid("scale"))  # a note on the project as a whole
    return _xml(root, NS_PROJECT), texts


def codebook_xml(snap: ExchangeSnapshot) -> bytes:
    if not snap.codes:
        raise InputError(snap.name or "project", "no codes to export (the codebook is empty)")
    w = _Writer(NS_CODEBOOK)
    root = w.el(None, "CodeBook", origin=_origin())
    _codes(w, root, snap, project=False)
    if snap.findings:
        _finding_sets(w, root, snap, project=False)
    return _xml(root, NS_CODEBOOK)


def _xml(root: ET.Element, ns: str) -> bytes:
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def _atomic(out: Path, write: Callable[[Path], None]) -> Path:
    write_atomically(out, write)  # renamed into place, with the user's usual permissions
    return out


def write_qdpx(snap: ExchangeSnapshot, out: Path, progress: Progress | None = None) -> Path:
    """Write the project as a .qdpx (``project.qde`` + ``sources/``)."""
    qde, texts = project_xml(snap, progress)

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            zf.writestr("project.qde", qde)
            for i, (member, text) in enumerate(texts.items(), 1):
                zf.writestr(f"sources/{member}", text.encode("utf-8"))
                if progress is not None:
                    progress("compressing", i, len(texts))

    return _atomic(Path(out), write)


def write_qdc(snap: ExchangeSnapshot, out: Path) -> Path:
    """Write the codebook as a .qdc."""
    data = codebook_xml(snap)
    return _atomic(Path(out), lambda tmp: tmp.write_bytes(data))

