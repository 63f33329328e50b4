"""Reading the parts of a QDA-XML file that are not sources: users, the codebook, cases
with their variables, findings; and the lines an import prints about what it left out.

Shared by the project (.qdpx) and codebook (.qdc) imports of :mod:`.refi`. Element names
arrive without their namespace (:func:`.refi_archive.parse_xml`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import PurePosixPath
from xml.etree.ElementTree import Element

from qualtally.core.errors import InputError
from qualtally.core.models import Code, Finding, ImportBundle, Respondent, join_path
from qualtally.core.refi import (
    ATTRIBUTE_TYPES,
    FINDING_SET,
    ORIGIN,
    hex_colour,
    unpack_description,
)
from qualtally.importers.attribution import stem_key

MAX_DEPTH = 200


def gid(value: str | None) -> str:
    """A GUID as compared here: no braces, lower case."""
    return (value or "").strip().strip("{}").lower()


def short(value: str) -> str:
    return gid(value)[:8] or "?"


def text_of(el: Element | None) -> str:
    return (el.text or "") if el is not None else ""


def child_text(el: Element, tag: str) -> str:
    return text_of(el.find(tag))


@dataclass
class Reader:
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
            self.users[gid(u.get("guid"))] = name or f"user {short(u.get('guid', ''))}"

    def user(self, *guids: str | None) -> str:
        for g in guids:
            if g and gid(g):
                if gid(g) not in self.users:
                    self.undeclared_users.add(gid(g))
                    self.users[gid(g)] = f"user {short(g)}"
                return self.users[gid(g)]
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
            desc = child_text(el, "Description")
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
                self.codes[gid(el.get("guid"))] = path
            for child in reversed(el.findall("Code")):
                stack.append((child, path, depth + 1))

    def code(self, ref: str | None) -> str:
        if gid(ref) not in self.codes:
            path = f"(undeclared code {short(ref or '')})"
            self.codes[gid(ref)] = path
            self.code_list.append(Code(path))
            self.count("undeclared codes")
        return self.codes[gid(ref)]

    def read_findings(self, root: Element, notes: dict[str, Element]) -> list[Finding]:
        out = []
        for s in root.iterfind("Sets/Set"):
            name = s.get("name") or ""
            if not (self.ours and name.startswith(FINDING_SET)):
                self.count("sets")
                continue
            key = name[len(FINDING_SET):].strip()
            meta: dict[str, str] = {}
            for line in child_text(s, "Description").splitlines():
                head, sep, rest = line.partition(": ")
                if sep:
                    meta[head] = rest
            note = next((notes.get(gid(m.get("targetGUID"))) for m in s.iterfind("MemberNote")),
                        None)
            statement = child_text(note, "PlainTextContent") if note is not None else ""
            paths = tuple(self.codes[gid(m.get("targetGUID") or m.get("guid"))]
                          for m in s.iterfind("MemberCode")
                          if gid(m.get("targetGUID") or m.get("guid")) in self.codes)
            asked = tuple(a.strip() for a in meta.get("Asked", "").split(";") if a.strip())
            out.append(Finding(key, statement or meta.get("Statement", ""), meta.get("Section", ""),
                               meta.get("Quantifier") or None, paths, asked))
        return out


def variable_value(vv: Element, label: str) -> tuple[str, object] | None:
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


def read_cases(r: Reader, root: Element, sources: dict[str, str],
                selection_source: dict[str, str]) -> tuple[list[Respondent], dict[str, str],
                                                            dict[str, list[str]]]:
    """Respondents, their attribute types, and source GUID -> respondent keys linked."""
    variables = {gid(v.get("guid")): (v.get("name") or "", v.get("typeOfVariable") or "Text")
                 for v in root.iterfind("Variables/Variable")}
    by_key: dict[str, dict[str, object]] = {}
    kinds: dict[str, str] = {}
    linked: dict[str, list[str]] = defaultdict(list)
    for case in root.iterfind("Cases/Case"):
        refs = [gid(s.get("targetGUID")) for s in case.iterfind("SourceRef")]
        refs += [selection_source[gid(s.get("targetGUID"))] for s in case.iterfind("SelectionRef")
                 if gid(s.get("targetGUID")) in selection_source]
        refs = list(dict.fromkeys(x for x in refs if x in sources))
        key = (case.get("name") or "").strip()
        if not key:
            only = sources[refs[0]] if len(refs) == 1 else None
            key = (stem_key(only) or PurePosixPath(only).stem) if only else \
                f"case {short(case.get('guid', ''))}"
            r.count("cases without a name")
        attrs = by_key.setdefault(key, {})
        for vv in case.iterfind("VariableValue"):
            ref = vv.find("VariableRef")
            var = variables.get(gid(ref.get("targetGUID") if ref is not None else ""))
            got = variable_value(vv, r.label)
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


def with_findings(codes: list[Code], findings: list[Finding]) -> list[Code]:
    linked = {path: f.key for f in findings for path in f.code_paths}
    return [replace(c, finding=linked[c.path]) if c.path in linked else c for c in codes]


REPORT = {
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


INFO = {
    "codings of whole sources": "coding(s) of a whole source applied to its whole text",
    "control characters replaced": "text(s) with control characters (replaced by spaces)",
    "turns as recorded": "document(s) given the speaker turns qualtally recorded in the file, "
                         "which differ from those found in the text (e.g. a text made from a "
                         "coded-excerpts table)",
}


def report(r: Reader, conv) -> None:
    for key, what in REPORT.items():
        if r.counts.get(key):
            r.skip(f"{r.counts[key]} {what}")
    for key, what in INFO.items():
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
    r = Reader(label, ours=(root.get("origin") or "").startswith(ORIGIN))
    r.read_codes(root.find("Codes"))
    bundle = ImportBundle(source=label)
    bundle.findings = r.read_findings(root, {})
    bundle.codes = with_findings(r.code_list, bundle.findings)
    report(r, None)
    bundle.skipped, bundle.notes = r.notes, r.info
    return bundle
