"""Reading a QDA-XML file's sources: which text each one has and where it comes from.

Text sources, a PDF's text ``Representation`` and the transcripts of audio and video
sources become documents; their plain text comes from the archive (``internal://``, the
``sources`` folder in any case), from beside the .qdpx (``relative://``, never outside its
folder) or from the XML itself (``PlainTextContent``). Everything else is listed as
skipped (see :mod:`.refi`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from qualtally.core.errors import InputError
from qualtally.core.models import Turn
from qualtally.core.refi import SPEAKERS_VARIABLE
from qualtally.importers.refi_archive import MAX_TEXT, Archive
from qualtally.importers.refi_positions import SourceText
from qualtally.importers.refi_reader import Reader, child_text, gid, short

CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass
class Source:
    guid: str
    name: str
    text: SourceText
    element: Element
    selections: list[Element] = field(default_factory=list)
    speakers: dict[str, str | None] | None = None
    turns: tuple[Turn, ...] | None = None
    """The turns a qualtally export recorded, when they fit the text."""
    questions: dict[tuple[int, int], str] = field(default_factory=dict)
    """(start, end) -> the guide question a qualtally export recorded for that excerpt."""


def decode_text(data: bytes) -> tuple[str, bool]:
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


class Files:
    """Where a source's plain text comes from: the archive, or beside the .qdpx."""

    def __init__(self, r: Reader, archive: Archive | None, folder: Path) -> None:
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


def plain_text(r: Reader, files: Files, el: Element, what: str) -> SourceText | None:
    path = el.get("plainTextPath")
    content = el.find("PlainTextContent")
    if path:
        data = files.read(path, what)
        if data is None:
            return None
        raw, bom = decode_text(data)
        inline = False
    elif content is not None:
        raw, bom, inline = content.text or "", False, True
    else:
        return None
    if CONTROL.search(raw):
        raw = CONTROL.sub(" ", raw)  # same length: positions keep their meaning
        r.count("control characters replaced")
    return SourceText(raw, bom, inline)


def transcript_selections(tr: Element) -> list[Element]:
    """A transcript's selections as PlainTextSelections: from and to sync point positions."""
    points = {gid(p.get("guid")): p.get("position") for p in tr.iterfind("SyncPoint")}
    out = []
    for sel in tr.iterfind("TranscriptSelection"):
        a, b = points.get(gid(sel.get("fromSyncPoint"))), points.get(gid(sel.get("toSyncPoint")))
        if a is None or b is None:
            continue
        copy = Element("PlainTextSelection", dict(sel.attrib, startPosition=a, endPosition=b))
        copy.extend(list(sel))
        out.append(copy)
    return out


def texts_of(r: Reader, el: Element, name: str) -> list[tuple[Element, str, list[Element]]]:
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
        unmapped = len(tr.findall("TranscriptSelection")) - len(transcript_selections(tr))
        if unmapped:
            r.skip(f"{what}: {unmapped} transcript selection(s) without sync point positions "
                   "not imported")
        out.append((tr, label, transcript_selections(tr)))
    return out


def read_sources(r: Reader, root: Element, files: Files) -> list[Source]:
    out: list[Source] = []
    names: set[str] = set()
    container = root.find("Sources")
    for el in list(container) if container is not None else []:
        source_name = (el.get("name") or "").strip() or f"source {short(el.get('guid', ''))}"
        for text_el, name, selections in texts_of(r, el, source_name):
            what = f"source {name!r}"
            src = plain_text(r, files, text_el, what)
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
            out.append(Source(gid(el.get("guid")), name, src, text_el, selections))
    return out


def recorded_turns(value: object, length: int) -> tuple[Turn, ...] | None:
    """Turns as a qualtally export records them (``[start, end, speaker, respondent key,
    meta]`` each), or None unless they are well-formed, in order and inside the text."""
    if not isinstance(value, list):
        return None
    turns: list[Turn] = []
    last = 0
    for item in value:
        if not (isinstance(item, list) and len(item) == 5):
            return None
        start, end, speaker, key, meta = item
        if not (isinstance(start, int) and isinstance(end, int) and last <= start <= end <= length
                and isinstance(speaker, str) and (key is None or isinstance(key, str))
                and isinstance(meta, dict)):
            return None
        turns.append(Turn(start, end, speaker, key, meta))
        last = end
    return tuple(turns)


def speaker_maps(r: Reader, root: Element, sources: list[Source]) -> None:
    var = next((gid(v.get("guid")) for v in root.iterfind("Variables/Variable")
                if v.get("name") == SPEAKERS_VARIABLE), None)
    for s in sources:
        for vv in s.element.iterfind("VariableValue"):
            ref = vv.find("VariableRef")
            if var is not None and ref is not None and gid(ref.get("targetGUID")) == var:
                try:
                    value = json.loads(child_text(vv, "TextValue"))
                except ValueError:
                    value = None
                speakers = value.get("speakers") if isinstance(value, dict) else None
                if isinstance(speakers, dict):
                    s.speakers = {str(k): (str(v) if v is not None else None)
                                  for k, v in speakers.items()}
                    s.turns = recorded_turns(value.get("turns"), len(s.text.text))
                    for item in value.get("questions") or []:
                        if isinstance(item, list) and len(item) == 3 and \
                                all(isinstance(x, int) for x in item[:2]) and item[2]:
                            s.questions[(item[0], item[1])] = str(item[2])
                else:
                    r.count("unreadable speaker maps")
            else:
                r.count("document variables")
