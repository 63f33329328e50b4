"""Subtitle transcripts (.vtt, .srt): cues become one line per speaker turn.

Video-call tools export captions, not prose. We rebuild a readable transcript from them:
one line ``Speaker: text`` per turn, where a cue's line breaks become single spaces,
``<v Name>`` voice tags (WebVTT) or a ``NAME:`` prefix in the cue text give the speaker,
other tags (``<i>``, ``<c.x>``) are stripped, and consecutive cues of the same speaker are
joined by one space into one turn. A cue without a speaker continues the previous turn.
The turn's ``meta`` keeps the first cue's start and the last cue's end time. Our own
small parser, so that decoding, errors and offsets follow the rest of the importers.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from qualtally.core.errors import InputError
from qualtally.core.models import Document, Turn
from qualtally.importers.attribution import Attribution
from qualtally.importers.decoding import read_text
from qualtally.importers.turns import leading_label, timestamp

_TIMING = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_TAG = re.compile(r"<[^>]*>")


@dataclass
class Cue:
    start: str
    end: str
    speaker: str
    text: str


def _cue_text(lines: list[str]) -> tuple[str, str]:
    raw = " ".join(line.strip() for line in lines if line.strip())
    voice = _VOICE.search(raw)
    speaker = voice.group(1).strip() if voice else ""
    text = " ".join(html.unescape(_TAG.sub("", raw)).split())
    if not speaker:
        found = leading_label(text)
        if found:
            speaker, text = found[0], text[found[1]:].strip()
    return speaker, text


def parse_cues(text: str, name: str, vtt: bool) -> list[Cue]:
    blocks = [b for b in re.split(r"\n[ \t]*\n", text.strip("\n")) if b.strip()]
    if vtt:
        if not blocks or not blocks[0].lstrip().startswith("WEBVTT"):
            raise InputError(name, "not a WebVTT file (no WEBVTT header)")
        header = blocks.pop(0).split("\n")
        at = next((i for i, line in enumerate(header) if "-->" in line), None)
        if at is not None:  # a cue right under the header, without the blank line
            blocks.insert(0, "\n".join(header[max(1, at - 1) if at > 1 else at:]))
    cues: list[Cue] = []
    for block in blocks:
        lines = block.split("\n")
        if vtt and lines[0].split(" ", 1)[0] in ("NOTE", "STYLE", "REGION"):
            continue
        at = next((i for i, line in enumerate(lines[:3]) if "-->" in line), None)
        timing = _TIMING.match(lines[at]) if at is not None else None
        if timing is None:
            raise InputError(name, f"cue without a valid timing line: {lines[0][:60]!r}")
        speaker, cue_text = _cue_text(lines[at + 1:])
        if cue_text:
            cues.append(
                Cue(timestamp(timing.group(1)), timestamp(timing.group(2)), speaker, cue_text)
            )
    if not cues:
        raise InputError(name, "empty file (no cues with text)")
    return cues


def cues_to_document(cues: list[Cue], name: str, kind: str, who: Attribution) -> Document:
    merged: list[Cue] = []
    for cue in cues:
        if merged and (cue.speaker == merged[-1].speaker or not cue.speaker):
            last = merged[-1]
            merged[-1] = Cue(last.start, cue.end, last.speaker, f"{last.text} {cue.text}")
        else:
            merged.append(Cue(cue.start, cue.end, cue.speaker, cue.text))
    who.set_labels(cue.speaker for cue in merged)
    lines: list[str] = []
    turns: list[Turn] = []
    offset = 0
    for cue in merged:
        prefix = f"{cue.speaker}: " if cue.speaker else ""
        start = offset + len(prefix)
        lines.append(prefix + cue.text)
        turns.append(
            Turn(
                start,
                start + len(cue.text),
                cue.speaker,
                who.respondent_for(cue.speaker),
                {"start": cue.start, "end": cue.end},
            )
        )
        offset += len(lines[-1]) + 1
    return Document(name=name, text="\n".join(lines), turns=tuple(turns), kind=kind)


def read_captions(path: Path, name: str, who: Attribution) -> Document:
    kind = path.suffix.lower().lstrip(".")
    cues = parse_cues(read_text(path, name), name, vtt=kind == "vtt")
    return cues_to_document(cues, name, kind, who)
