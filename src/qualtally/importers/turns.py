"""Speaker turns in plain text: which lines open a turn, and where its content lies.

A line opens a turn when it starts with a speaker label and a colon: ``Marie Tremblay:``,
``Q:``, ``Interviewer:``, optionally with a timestamp (``[00:01:02]`` or ``(00:01:02)``)
before the label, between label and colon, or right after the colon, and optionally in
Markdown bold (``**Marie:**``). A label is 1-5 words of letters, digits, dots, apostrophes
and hyphens, each word capitalised (particles such as *de* or *van* excepted) unless the
label is a known role (``interviewer:``); this keeps "so the point is: ..." from opening
a turn. A turn runs to the next label line; lines before the first label belong to no
turn. Turn offsets cover the content only, without the label, the timestamp or the
surrounding whitespace. Timestamps go into the turn's ``meta``.
"""

from __future__ import annotations

import re

from qualtally.core.models import Turn
from qualtally.importers.attribution import INTERVIEWER_ROLES, RESPONDENT_ROLES, Attribution, role_word

_TS = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TSB = rf"[\[(]({_TS})[\])]"
_WORD = r"[^\W\d_](?:[^\W_]|[.'\u2019-])*"
_EM = r"(?:\*\*|__)?"
LABEL_LINE = re.compile(
    rf"^[ \t]*(?:{_TSB}[ \t]*)?{_EM}(?P<label>{_WORD}(?:[ \t]+(?:{_WORD}|\d+)){{0,4}})"
    rf"(?:[ \t]*{_TSB})?{_EM}[ \t]*:(?!//){_EM}[ \t]*(?:{_TSB}[ \t]*)?",
    re.MULTILINE,
)
_PARTICLES = frozenset("de da das del della di dos du der den la le van von bin al y e st".split())


def plausible_label(label: str) -> bool:
    if len(label) > 60:
        return False
    if role_word(label) in INTERVIEWER_ROLES | RESPONDENT_ROLES:
        return True
    for i, word in enumerate(label.split()):
        if word[0].isupper() or word[0].isdigit():
            continue
        if i > 0 and word.casefold() in _PARTICLES:
            continue
        return False
    return True


def timestamp(raw: str) -> str:
    """``"1:02"`` -> ``"00:01:02.000"``; ``"01:02:03,5"`` -> ``"01:02:03.500"``."""
    raw = raw.replace(",", ".")
    main, _, frac = raw.partition(".")
    parts = [int(p) for p in main.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    h, m, s = parts
    ms = int((frac + "000")[:3]) if frac else 0
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _content(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` to exclude leading and trailing whitespace."""
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return start, start
    lead = len(chunk) - len(chunk.lstrip())
    return start + lead, start + lead + len(stripped)


def leading_label(text: str) -> tuple[str, int] | None:
    """``(label, content start)`` when ``text`` opens with a speaker label, else None."""
    m = LABEL_LINE.match(text)
    if m and plausible_label(m.group("label")):
        return " ".join(m.group("label").split()), m.end()
    return None


def label_matches(text: str) -> list[re.Match[str]]:
    return [m for m in LABEL_LINE.finditer(text) if plausible_label(m.group("label"))]


def parse_turns(text: str, who: Attribution) -> tuple[Turn, ...]:
    """The turns of a normalised (LF-only) text, attributed with ``who``."""
    matches = label_matches(text)
    if not matches:  # an unlabelled text: one turn, the document's respondent
        start, end = _content(text, 0, len(text))
        return (Turn(start, end, "", who.default_key(), {}),)
    turns: list[Turn] = []
    for i, m in enumerate(matches):
        nxt = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        start, end = _content(text, m.end(), nxt)
        stamps = [g for g in m.groups()[0:1] + m.groups()[2:] if g]
        meta = {"start": timestamp(stamps[0])} if stamps else {}
        label = " ".join(m.group("label").split())
        turns.append(Turn(start, end, label, who.respondent_for(label), meta))
    # a timestamped turn ends where the next timestamped turn starts
    for i, turn in enumerate(turns):
        if "start" in turn.meta:
            later = next((t.meta["start"] for t in turns[i + 1:] if "start" in t.meta), None)
            if later is not None:
                turn.meta["end"] = later
    return tuple(turns)
