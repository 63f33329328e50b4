"""Speaker labels an import could not match to a listed respondent, and what to do with them.

Every respondent raises the denominator N of every finding, so a label that silently
becomes a new respondent (a typo ``Ana Jones``, a named interviewer ``Sarah Lee``, a short
form ``Ms. Jones``) can flip an audit verdict. The importer therefore reports each such
label (:class:`SpeakerLabel`) with the listed respondents it most resembles
(:func:`closest`), and the person decides (:class:`SpeakerDecisions`): map it to a
respondent, mark it as an interviewer, or accept new respondents. Standard library only.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from qualtally.core.errors import InputError

_NUMBER = re.compile(r"\d+$")
HONORIFICS = frozenset("mr mrs ms miss mx dr prof sir madam".split())


def _words(text: str) -> list[str]:
    return [w.strip(".,'\u2019").casefold() for w in text.split() if w.strip(".,'\u2019")]


@dataclass(frozen=True)
class SpeakerLabel:
    """One speaker label of an import that matched no listed respondent."""

    label: str
    """As written in the transcript ("" for text with no label)."""
    documents: tuple[str, ...]
    turns: int
    proposed: str
    """The respondent key the attribution rules gave it (a new respondent if accepted)."""
    candidates: tuple[str, ...] = ()
    """Listed respondents' keys it most resembles, best first."""

    def describe(self, names: dict[str, str] | None = None) -> str:
        shown = repr(self.label) if self.label else "(text with no speaker label)"
        docs = ", ".join(self.documents)
        close = ", ".join(f"{k} ({names[k]})" if names and names.get(k) else k
                          for k in self.candidates) or "none"
        return (f"{shown} in {docs} ({self.turns} turn{'s' if self.turns != 1 else ''}): "
                f"would be new respondent {self.proposed!r}; closest listed: {close}")


@dataclass(frozen=True)
class SpeakerDecisions:
    """What to do with unmatched labels. ``mapping`` keys are a label, or ``document:label``
    for one document only; values are respondent keys."""

    mapping: dict[str, str] = field(default_factory=dict)
    interviewers: frozenset[str] = frozenset()
    """Labels (or ``document:label``) that are interviewers: their turns count for nobody."""
    create: bool = False
    """Accept new respondents for the labels left unmatched."""

    def for_document(self, doc_name: str) -> dict[str, str | None]:
        """Normalised label -> respondent key (None: interviewer) for one document."""
        out: dict[str, str | None] = {}
        for scoped in (False, True):  # a document's own decision wins over a global one
            for raw, key in [*self.mapping.items(), *((i, None) for i in self.interviewers)]:
                doc, sep, label = raw.rpartition(":")
                if bool(sep and doc) != scoped or (scoped and doc != doc_name):
                    continue
                out[" ".join(label.split()).casefold()] = key
        return out

    @classmethod
    def parse(cls, maps: list[str], interviewers: list[str], create: bool) -> SpeakerDecisions:
        """From ``LABEL=KEY`` strings (CLI ``--map``); InputError on a malformed one."""
        mapping: dict[str, str] = {}
        for item in maps:
            label, sep, key = item.rpartition("=")
            if not sep or not label.strip() or not key.strip():
                raise InputError("--map", f"{item!r} is not LABEL=RESPONDENT")
            mapping[label.strip()] = key.strip()
        return cls(mapping, frozenset(i.strip() for i in interviewers if i.strip()), create)


class UnmatchedSpeakers(InputError):
    """An import that would create respondents beside a respondents list, undecided."""

    def __init__(self, labels: list[SpeakerLabel], names: dict[str, str]) -> None:
        self.labels = labels
        self.names = names
        super().__init__(
            "import", f"{len(labels)} speaker label"
            f"{'s match' if len(labels) != 1 else ' matches'} no listed respondent; "
            "nothing was imported")


def closest(label: str, respondents: dict[str, str], limit: int = 3) -> tuple[str, ...]:
    """Keys of the respondents (key -> name, "" if none) ``label`` most resembles.

    A short form (``Anna``, ``Ms. Jones``) resembles every respondent whose name has that
    first or last name; an id ending in the same number as a key resembles it (``int03`` ~
    ``P03``); otherwise the spelling decides (``Ana Jones`` ~ ``Anna Jones``).
    """
    words = [w for w in _words(label) if w not in HONORIFICS]
    target = " ".join(words)
    scored: list[tuple[float, str]] = []
    for key, name in respondents.items():
        name_words = _words(name)
        best = max(difflib.SequenceMatcher(None, target, key.casefold()).ratio(),
                   difflib.SequenceMatcher(None, target, " ".join(name_words)).ratio()
                   if name_words else 0.0)
        if len(words) == 1 and name_words and words[0] in (name_words[0], name_words[-1]):
            best = max(best, 0.9)
        number, key_number = _NUMBER.search(target), _NUMBER.search(key)
        if number and key_number and int(number.group()) == int(key_number.group()):
            best = max(best, 0.8)  # ``int03`` (a file's id) ~ ``P03``
        if best >= 0.6:
            scored.append((best, key))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return tuple(k for _, k in scored[:limit])
