"""Who said it: mapping a transcript's speaker labels to respondent keys.

Counting distinct respondents is the point of qualtally, so attribution follows fixed,
documented rules, first match wins:

1. An interviewer label (Interviewer, Q, I, Moderator, Facilitator, Evaluator, Int, with
   an optional number, plus any name in the manifest's ``interviewers``) belongs to nobody.
2. The manifest entry's ``speakers`` map (focus groups: each speaker its own respondent;
   a null value marks an interviewer).
   A speaker missing from a given map is an error, so nobody is silently mis-counted.
3. The manifest entry's ``respondent``: every other turn is that respondent's.
4. A label equal to a respondent key or a respondent's ``name`` attribute (respondents
   imported in the same bundle, or already in the project) is that respondent.
5. A file stem starting with a key-like token (``R07-ottawa``, ``P3``) gives the key,
   but only to a document with at most one distinct non-interviewer label. A file name
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


def known_respondents(respondents: list[Respondent]) -> dict[str, str]:
    """Normalised key and ``name`` attribute -> respondent key."""
    known: dict[str, str] = {}
    for r in respondents:
        for attr, value in r.attributes.items():
            if attr.strip().casefold() == "name" and isinstance(value, str) and value.strip():
                known.setdefault(norm(value), r.key)
    for r in respondents:
        known[norm(r.key)] = r.key
    return known


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

    def __post_init__(self) -> None:
        self.interviewers = frozenset(norm(n) for n in self.interviewers)
        if self.speakers is not None:
            self.speakers = {norm(k): (str(v).strip() or None) if v is not None else None
                             for k, v in self.speakers.items()}

    def is_interviewer(self, label: str) -> bool:
        return norm(label) in self.interviewers or role_word(label) in INTERVIEWER_ROLES

    def set_labels(self, labels) -> None:
        """Record the document's speaker labels; interviewers and empty labels are left out."""
        self.labels = frozenset(norm(lab) for lab in labels
                                if lab.strip() and not self.is_interviewer(lab))

    def is_known(self, label: str) -> bool:
        """A role word, a manifest interviewer or speaker, or a respondent's key or name."""
        return (self.is_interviewer(label) or role_word(label) in RESPONDENT_ROLES
                or (self.speakers is not None and norm(label) in self.speakers)
                or norm(label) in self.known)

    def default_key(self) -> str:
        """The respondent of unlabelled text: manifest respondent, stem key, or the stem."""
        return self.respondent or stem_key(self.doc_name) or PurePosixPath(self.doc_name).stem

    def respondent_for(self, label: str) -> str | None:
        label = label.strip()
        if not label:
            return self.default_key()
        if self.is_interviewer(label):
            return None
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
        key = stem_key(self.doc_name)
        if key and len(self.labels | {norm(label)}) <= 1:
            return key
        if role_word(label) in RESPONDENT_ROLES:
            stem = PurePosixPath(self.doc_name).stem
            return (
                (key or stem) if role_word(label) == norm(label).rstrip(".") else f"{stem}/{label}"
            )
        return label
