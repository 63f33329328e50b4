"""REFI-QDA (QDA-XML 1.0) conventions shared by the exporter and the importer.

The exporter (``exports/refi.py``) and the importer (``importers/refi.py``) may not import
each other, so what both must agree on lives here: the namespaces, stable GUIDs, how a
code's definition, include/exclude notes, keywords and examples are packed into the one
``Description`` the standard has, how colours are written, and the names that mark what
the standard has no element for (a document's speaker map, a "nothing applies" mark, a
finding). Standard library only.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from qualtally.core.models import QuantifierScale

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
ORIGIN = "qualtally"
"""The start of the ``origin`` attribute qualtally writes; the importer reads the packed
code descriptions back only from files whose origin starts with it."""

SPEAKERS_VARIABLE = "qualtally speakers"
"""A Text variable set on each exported TextSource: JSON ``{"speakers": {"label":
"respondent key" or null (interviewer)}, "turns": [[start, end, label, key, meta], ...]}``,
so a re-import has the turns the project had. Never a respondent attribute."""

NOTHING_APPLIES = "qualtally: nothing applies"
"""The ``name`` of a PlainTextSelection without codings whose ``creatingUser`` read the
excerpt and found no code applies (qualtally's "nothing applies" mark)."""

FINDING_SET = "qualtally finding "
"""Prefix of the name of a Set holding a finding's Note (named by the finding's key) and
the codes linked to the finding."""

SCALE_NOTE = "qualtally quantifier scale"
"""The name of the project-level Note holding the verbal quantifier scale, written as the
``## Quantifier scale`` section of a findings report (:func:`scale_markdown`)."""

_UUID_NS = uuid.UUID("6f1d3c1e-5a34-4c7e-9d1e-51a5e0f00d14")


def guid(kind: str, *parts: object) -> str:
    """A stable GUID for an exported object, so exporting twice gives the same file."""
    return str(uuid.uuid5(_UUID_NS, "\x1f".join([kind, *(str(p) for p in parts)])))


# -- code descriptions ---------------------------------------------------------------
_LABELS = {"Include": "include", "Exclude": "exclude", "Keywords": "keywords",
           "Example": "examples"}
_LABEL_LINE = re.compile(r"^(Include|Exclude|Keywords|Example): ?(.*)$")


@dataclass(frozen=True)
class CodeText:
    definition: str = ""
    include: str = ""
    exclude: str = ""
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


def pack_description(c: CodeText) -> str:
    """The code's texts as one readable Description: the definition, then labelled lines
    (``Include:``, ``Exclude:``, ``Keywords:`` joined by "; ", one ``Example:`` each)."""
    lines = [c.definition] if c.definition else []
    extra = []
    if c.include:
        extra.append(f"Include: {c.include}")
    if c.exclude:
        extra.append(f"Exclude: {c.exclude}")
    if c.keywords:
        extra.append("Keywords: " + "; ".join(c.keywords))
    extra.extend(f"Example: {e}" for e in c.examples)
    if extra:
        if lines:
            lines.append("")
        lines.extend(extra)
    return "\n".join(lines)


def unpack_description(text: str) -> CodeText:
    """The inverse of :func:`pack_description` (a line continuing a labelled field belongs
    to it). Used only on files qualtally wrote: another tool's description is a definition."""
    fields: dict[str, list[str]] = {"definition": [], "include": [], "exclude": [],
                                    "keywords": [], "examples": []}
    current = "definition"
    for line in text.replace("\r\n", "\n").split("\n"):
        m = _LABEL_LINE.match(line)
        if m:
            current = _LABELS[m.group(1)]
            fields[current].append(m.group(2))
        elif current in ("definition", "examples") or not fields[current]:
            if current == "examples":
                fields["examples"][-1] += "\n" + line
            else:
                fields[current].append(line)
        else:
            fields[current][-1] += "\n" + line
    definition = "\n".join(fields["definition"]).strip("\n")
    keywords = tuple(k.strip() for k in "; ".join(fields["keywords"]).split(";") if k.strip())
    return CodeText(definition, "\n".join(fields["include"]), "\n".join(fields["exclude"]),
                    keywords, tuple(fields["examples"]))


def scale_markdown(scale: QuantifierScale) -> str:
    """The scale as a findings report's ``## Quantifier scale`` section (table and source)."""
    lines = ["## Quantifier scale", "", "| label | from | to |", "|---|---|---|"]
    lines += [f"| {s.label} | {s.low!r} | {s.high!r} |" for s in scale.steps]
    if scale.source:
        lines += ["", "Source: " + " ".join(scale.source.split())]
    return "\n".join(lines) + "\n"


# -- colours ----------------------------------------------------------------------------
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_RGB = re.compile(r"rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,[^)]*)?\)", re.I)
_NAMES = {
    "black": "#000000", "white": "#ffffff", "red": "#ff0000", "green": "#008000",
    "blue": "#0000ff", "yellow": "#ffff00", "orange": "#ffa500", "purple": "#800080",
    "grey": "#808080", "gray": "#808080", "brown": "#a52a2a", "pink": "#ffc0cb",
    "cyan": "#00ffff", "magenta": "#ff00ff", "teal": "#008080", "navy": "#000080",
    "maroon": "#800000", "olive": "#808000", "lime": "#00ff00", "silver": "#c0c0c0",
}


def hex_colour(value: str | None) -> str | None:
    """``#rrggbb`` for a colour written as hex (3, 6 or 8 digits: alpha dropped), ``rgb()``
    or a basic colour name; None when there is none or it cannot be read."""
    value = (value or "").strip()
    if not value:
        return None
    m = _HEX.fullmatch(value)
    if m:
        digits = m.group(1)
        if len(digits) == 3:
            digits = "".join(ch * 2 for ch in digits)
        return "#" + digits[:6].lower()
    m = _RGB.fullmatch(value)
    if m and all(int(g) <= 255 for g in m.groups()):
        return "#" + "".join(f"{int(g):02x}" for g in m.groups())
    return _NAMES.get(value.casefold())


# -- variables --------------------------------------------------------------------------
VARIABLE_TYPES = {"text": "Text", "boolean": "Boolean", "integer": "Integer", "number": "Float",
                  "date": "Date"}
"""qualtally attribute type -> QDA-XML ``typeOfVariable``."""
ATTRIBUTE_TYPES = {"Text": "text", "Boolean": "boolean", "Integer": "integer", "Float": "number",
                   "Date": "date", "DateTime": "text"}
"""QDA-XML ``typeOfVariable`` -> qualtally attribute type (a DateTime stays its ISO text)."""
VALUE_ELEMENTS = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue",
                  "Float": "FloatValue", "Date": "DateValue", "DateTime": "DateTimeValue"}
