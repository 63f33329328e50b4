"""Speaker turns in plain text: which lines open a turn, and where its content lies.

A line opens a turn when it starts with a speaker label and a colon: ``Marie Tremblay:``,
``Q:``, ``Interviewer:``, optionally with a timestamp (``[00:01:02]`` or ``(00:01:02)``)
before the label, between label and colon, or right after the colon, and optionally in
Markdown bold (``**Marie:**``). A label is 1-5 words of letters, digits, dots, apostrophes
and hyphens, each word capitalised (particles such as *de* or *van* excepted) unless the
label is a known role (``interviewer:``); this keeps "so the point is: ..." from opening
a turn. A turn runs to the next label line. Turn offsets cover the content only, without
the label, the timestamp or the surrounding whitespace. Timestamps go into the turn's
``meta``.

Transcripts often open with a header (``Date: 14 March 2011``, ``Location: Ottawa``) that
has the shape of a label line. Since a label that opens a turn may make a respondent,
three rules keep header and prose lines from becoming people:

* **Stop-list.** A label whose first or last word is a metadata word (Date, Time,
  Location, Place, Venue, Duration, Length, Mode, Language, Subject, Title, Project, File,
  Recording, Transcript, Transcriber, Note(s), Attendees, Participants, Present,
  Interview, Session, Source, Re, Topic) never opens a turn, anywhere.
* **Header.** The first turn is the first label line whose label is *known* (a role such
  as Interviewer/Q/Moderator/Respondent/A, a manifest interviewer or ``speakers`` name, a
  respondent's key or name) or occurs more than once in the document. Everything before
  it, label lines included, is header: text in no turn. In a document with no such
  label (every label occurs once, none known) every label line opens a turn: reading
  it as unlabelled text would give several speakers' words to one respondent.
* **One-off labels.** After the first turn, a label that occurs only once and is not
  known is text of the current turn ("Bottom line: ..." in the middle of an answer) only
  when that turn is the document's one and only non-interviewer speaker (a single
  interview: one known-or-recurring non-interviewer label), so the line cannot move
  words from one person to another. Everywhere else (after an interviewer turn, in a
  focus group whose participants may speak once each) it opens a turn as usual. With a
  manifest ``speakers`` map or ``respondent`` the rule is off: the manifest decides, and
  a speaker missing from a ``speakers`` map is an error, which also catches misspelt
  labels. A label resembling a listed respondent's name (``Ana Jones``, ``Ms. Jones``,
  ``Anna``) is never taken for text: it opens a turn and goes to the speaker review.

**Name-and-time lines** (Otter, Zoom and Teams text exports): a line holding only a label
and a timestamp (``Anna Jones  0:09``, ``0:09 Anna Jones``, ``Speaker 1  01:02:03``) opens
a turn whose text is on the following lines. A document with two or more such lines is
read in that layout alone, so the timestamp's colon never makes a label ``Anna Jones 0``.
"""

from __future__ import annotations

import re
from collections import Counter

from qualtally.core.models import Turn
from qualtally.importers.attribution import (
    INTERVIEWER_ROLES,
    RESPONDENT_ROLES,
    Attribution,
    norm,
    role_word,
)

_TS = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TSB = rf"[\[(]({_TS})[\])]"
_WORD = r"[^\W\d_](?:[^\W_]|[.'\u2019-])*"
_EM = r"(?:\*\*|__)?"
LABEL_LINE = re.compile(
    rf"^[ \t]*(?:{_TSB}[ \t]*)?{_EM}(?P<label>{_WORD}(?:[ \t]+(?:{_WORD}|\d+)){{0,4}})"
    rf"(?:[ \t]*{_TSB})?{_EM}[ \t]*:(?!//){_EM}[ \t]*(?:{_TSB}[ \t]*)?",
    re.MULTILINE,
)
STAMP_LINE = re.compile(
    rf"^[ \t]*(?:[\[(]?({_TS})[\])]?[ \t]+)?{_EM}(?P<label>{_WORD}(?:[ \t]+(?:{_WORD}|\d+)){{0,4}})"
    rf"{_EM}(?:[ \t]+[\[(]?({_TS})[\])]?)?[ \t]*$",
    re.MULTILINE,
)
"""A name-and-time line (the whole line); at least one of the two timestamps is required."""
METADATA_WORDS = frozenset(
    "date time location place venue duration length mode language subject title project file "
    "recording transcript transcriber note notes attendees participants present interview "
    "session source re topic".split())
_PARTICLES = frozenset("de da das del della di dos du der den la le van von bin al y e st".split())


def plausible_label(label: str) -> bool:
    if len(label) > 60:
        return False
    words = [w.rstrip(".").casefold() for w in label.split()]
    if words[0] in METADATA_WORDS or words[-1] in METADATA_WORDS:
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
    stamped = [m for m in STAMP_LINE.finditer(text)
               if (m.group(1) or m.group(3)) and plausible_label(m.group("label"))]
    if len(stamped) >= 2:
        return stamped
    return [m for m in LABEL_LINE.finditer(text) if plausible_label(m.group("label"))]


def _label(m: re.Match[str]) -> str:
    return " ".join(m.group("label").split())


def turn_openers(text: str, who: Attribution) -> list[re.Match[str]]:
    """The label lines that open turns, after the header and one-off rules (module doc)."""
    matches = label_matches(text)
    counts = Counter(norm(_label(m)) for m in matches)
    first = next((i for i, m in enumerate(matches)
                  if who.is_known(_label(m)) or counts[norm(_label(m))] > 1), None)
    if first is None:
        return matches
    def solid(label: str) -> bool:
        return who.is_known(label) or counts[norm(label)] > 1 or who.resembles(label)

    speakers = {norm(_label(m)) for m in matches[first:]
                if solid(_label(m)) and not who.is_interviewer(_label(m))}
    single = len(speakers) == 1 and who.speakers is None and not who.respondent
    kept = [matches[first]]
    for m in matches[first + 1:]:
        if single and not solid(_label(m)) and norm(_label(kept[-1])) in speakers:
            continue  # a one-off label inside the only respondent's turn: their text
        kept.append(m)
    return kept


def parse_turns(text: str, who: Attribution) -> tuple[Turn, ...]:
    """The turns of a normalised (LF-only) text, attributed with ``who``."""
    matches = turn_openers(text, who)
    who.set_labels(_label(m) for m in matches)
    if not matches:  # an unlabelled text: one turn, the document's respondent
        start, end = _content(text, 0, len(text))
        return (Turn(start, end, "", who.default_key(), {}),)
    turns: list[Turn] = []
    for i, m in enumerate(matches):
        nxt = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        start, end = _content(text, m.end(), nxt)
        stamps = [g for g in m.groups()[0:1] + m.groups()[2:] if g]
        meta = {"start": timestamp(stamps[0])} if stamps else {}
        label = _label(m)
        turns.append(Turn(start, end, label, who.respondent_for(label), meta))
    # a timestamped turn ends where the next timestamped turn starts
    for i, turn in enumerate(turns):
        if "start" in turn.meta:
            later = next((t.meta["start"] for t in turns[i + 1:] if "start" in t.meta), None)
            if later is not None:
                turn.meta["end"] = later
    return tuple(turns)
