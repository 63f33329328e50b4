"""Who said it: mapping a transcript's speaker labels to respondent keys.

Counting distinct respondents is the point of qualtally, so attribution follows fixed,
documented rules, first match wins:

0. A decision the person made at the import's speaker review (CLI ``--map LABEL=KEY``,
   ``--interviewer LABEL``; the TUI's review screen) wins over every rule below.
1. An interviewer label (Interviewer, Q, I, Moderator, Facilitator, Evaluator, Int, with
   an optional number, plus any name in the manifest's ``interviewers``) belongs to nobody.
2. The manifest entry's ``speakers`` map (focus groups: each speaker its own respondent;
   a null value marks an interviewer).
   A speaker missing from a given map is an error, so nobody is silently mis-counted.
3. The manifest entry's ``respondent``: every other turn is that respondent's.
4. A label equal to a respondent key or a respondent's ``name`` attribute (respondents
   imported in the same bundle, or already in the project) is that respondent. A name two
   respondents share matches neither: the label is left for the speaker review.
5. A respondent whose ``transcript`` (or ``file``/``document``) attribute names the file
   (its name or stem) is the file's own respondent: it stands for the stem key below, so
   ``R:`` in ``int03-tran.txt`` is the listed P03, not a new "int03". Failing that, a file
   stem starting with a key-like token (``R07-ottawa``, ``P3``) gives the key, but only
   to a document with at most one distinct non-interviewer label. A file name
   names one person; with two or more non-interviewer labels (a focus group, or an
   interviewer whose name is not in the manifest) collapsing them onto the file's id
   would count several people as one, so each speaker is then keyed by rules 6-7
   instead (name the speakers in a manifest ``speakers:`` map to choose their keys).
6. A generic role (Respondent, Participant, Interviewee, Speaker, A, R) is the document's
   own respondent, keyed by the file stem's key (or the whole stem), so two files'
   "Respondent" are two people; a numbered one (Participant 2, Speaker B) is keyed
   ``stem/Participant 2``, so the participants of a focus group stay distinct and never
   merge across files.
7. Otherwise the label itself is the respondent key.

The reader of a document tells its :class:`Attribution` the document's speaker labels
(:meth:`Attribution.set_labels`) before asking who said what, so that rule 5 can see how
many people speak.

Text with no speaker label at all (an unlabelled file, a caption without a speaker
before any other) is one respondent's: that of rule 3, else 5, else the file stem as in 6.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from qualtally.core.errors import InputError
from qualtally.core.models import Respondent

INTERVIEWER_ROLES = frozenset(
    {"interviewer", "q", "i", "moderator", "facilitator", "evaluator", "int"}
)
RESPONDENT_ROLES = frozenset({"respondent", "participant", "interviewee", "speaker", "a", "r"})
_KEY_TOKEN = re.compile(r"^([A-Za-z]{1,3}\d{1,4})(?=$|[-_ .,])")
_ROLE_NUMBER = re.compile(r"[\s.]*(\d+|[A-Z])?$")


def norm(label: str) -> str:
    """Case- and space-insensitive form of a speaker label."""
    return " ".join(label.replace("\u2019", "'").split()).casefold()


def role_word(label: str) -> str:
    """``"Interviewer 2"`` -> ``"interviewer"``; ``"Int."`` -> ``"int"``."""
    words = label.split()
    if len(words) == 2 and _ROLE_NUMBER.fullmatch(" " + words[1]):
        label = words[0]
    return norm(label).rstrip(".")


def stem_key(name: str) -> str | None:
    m = _KEY_TOKEN.match(PurePosixPath(name).stem)
    return m.group(1) if m else None


FILE_ATTRIBUTES = ("transcript", "file", "document")
"""Respondent attributes naming the respondent's own transcript file (rule 5)."""


def known_respondents(respondents: list[Respondent]) -> dict[str, str]:
    """Normalised key and ``name`` attribute -> respondent key (a shared name is left out)."""
    known: dict[str, str] = {}
    shared: set[str] = set()
    for r in respondents:
        for attr, value in r.attributes.items():
            if attr.strip().casefold() == "name" and isinstance(value, str) and value.strip():
                if known.get(norm(value), r.key) != r.key:
                    shared.add(norm(value))
                known.setdefault(norm(value), r.key)
    for name in shared:
        del known[name]
    for r in respondents:
        known[norm(r.key)] = r.key
    return known


def file_respondents(respondents: list[Respondent]) -> dict[str, str]:
    """Casefolded file name and stem from a ``transcript``/``file`` attribute -> key."""
    out: dict[str, str] = {}
    for r in respondents:
        for attr, value in r.attributes.items():
            if attr.strip().casefold() in FILE_ATTRIBUTES and isinstance(value, str):
                for part in value.split(";"):
                    name = PurePosixPath(part.strip().replace("\\", "/")).name.casefold()
                    if name:
                        out[name] = r.key
                        out[PurePosixPath(name).stem] = r.key
    return out


@dataclass
class Attribution:
    """The attribution context of one document."""

    doc_name: str
    interviewers: frozenset[str] = frozenset()
    speakers: dict[str, str | None] | None = None
    respondent: str | None = None
    known: dict[str, str] = field(default_factory=dict)
    labels: frozenset[str] = frozenset()
    """Normalised non-interviewer speaker labels of the document (see :meth:`set_labels`)."""
    decided: dict[str, str | None] = field(default_factory=dict)
    """Rule 0: normalised label -> respondent key, None for an interviewer."""
    file_key: str | None = None
    """Rule 5: the listed respondent whose ``transcript`` attribute names this file."""

    def __post_init__(self) -> None:
        self.interviewers = frozenset(norm(n) for n in self.interviewers)
        if self.speakers is not None:
            self.speakers = {norm(k): (str(v).strip() or None) if v is not None else None
                             for k, v in self.speakers.items()}

    def is_interviewer(self, label: str) -> bool:
        if norm(label) in self.decided:
            return self.decided[norm(label)] is None
        return norm(label) in self.interviewers or role_word(label) in INTERVIEWER_ROLES

    def set_labels(self, labels) -> None:
        """Record the document's speaker labels; interviewers and empty labels are left out."""
        self.labels = frozenset(norm(lab) for lab in labels
                                if lab.strip() and not self.is_interviewer(lab))

    def is_known(self, label: str) -> bool:
        """A role word, a manifest interviewer or speaker, or a respondent's key or name."""
        return (self.is_interviewer(label) or role_word(label) in RESPONDENT_ROLES
                or norm(label) in self.decided
                or (self.speakers is not None and norm(label) in self.speakers)
                or norm(label) in self.known)

    def resembles(self, label: str) -> bool:
        """A label like a known respondent's name (``Ana Jones``, ``Ms. Jones``): a speaker
        for the one-off rule of :mod:`.turns`, left to the speaker review."""
        from qualtally.core.speakers import closest

        names = {key: name for name, key in self.known.items() if name != norm(key)}
        return bool(names) and bool(closest(label, names, limit=1))

    def default_key(self) -> str:
        """The respondent of unlabelled text: manifest respondent, stem key, or the stem."""
        return (self.respondent or self.file_key or stem_key(self.doc_name)
                or PurePosixPath(self.doc_name).stem)

    def respondent_for(self, label: str) -> str | None:
        label = label.strip()
        if not label:
            return self.decided.get("") or self.default_key()
        if self.is_interviewer(label):
            return None
        if norm(label) in self.decided:
            return self.decided[norm(label)]
        if self.speakers is not None:
            if norm(label) in self.speakers:
                return self.speakers[norm(label)]
            if self.respondent is None:
                raise InputError(
                    self.doc_name,
                    f"speaker {label!r} is not in the manifest's speakers "
                    "map (add it there, or list it under interviewers)",
                )
        if self.respondent:
            return self.respondent
        if norm(label) in self.known:
            return self.known[norm(label)]
        key = self.file_key or stem_key(self.doc_name)
        if key and len(self.labels | {norm(label)}) <= 1:
            return key
        if role_word(label) in RESPONDENT_ROLES:
            stem = PurePosixPath(self.doc_name).stem
            return (
                (key or stem) if role_word(label) == norm(label).rstrip(".") else f"{stem}/{label}"
            )
        return label
