"""The domain objects every layer passes around.

Plain frozen dataclasses with no behaviour beyond small derived properties, so that
storage, importers, nlp, the façade, the TUI and the CLI all speak the same language
without importing each other. Standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

PATH_SEP = " > "
"""Levels of a code path are joined by this, as every QDA package's export does."""

ORIGIN_HUMAN = "human"
ORIGIN_SUGGESTION = "suggestion-accepted"
ORIGINS = (ORIGIN_HUMAN, ORIGIN_SUGGESTION)


def default_coder() -> str:
    """Who codes when no ``--coder`` is given: ``QUALTALLY_CODER``, else the login name."""
    import getpass
    import os

    try:
        return os.environ.get("QUALTALLY_CODER") or getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (some containers)
        return "coder"

def split_path(path: str) -> tuple[str, ...]:
    """Split ``"A > B > C"`` into its stripped, non-empty levels.

    Only a ``>`` with white space on both sides separates levels, so a code called
    ``Income >500`` or ``<18`` stays one code (the way every path is written, ``PATH_SEP``)."""
    return tuple(part for part in split_levels(path) if part)


def split_levels(path: str) -> tuple[str, ...]:
    """Like :func:`split_path`, keeping empty levels (``"A >  > B"`` -> ``("A", "", "B")``),
    for readers that must refuse them."""
    return tuple(part.strip() for part in _LEVEL_SEP.split(path))


_LEVEL_SEP = re.compile(r"(?<=\s)>(?=\s)")


def join_path(levels: tuple[str, ...] | list[str]) -> str:
    return PATH_SEP.join(levels)


@dataclass(frozen=True)
class Respondent:
    """A person interviewed; ``key`` is the id used in the data (``R07``)."""

    key: str
    attributes: dict[str, object] = field(default_factory=dict)
    id: int | None = None


@dataclass(frozen=True)
class Turn:
    """One speaker turn: ``[start, end)`` offsets of its content in the document text.

    ``respondent_key`` is None for interviewer turns and text before the first turn.
    """

    start: int
    end: int
    speaker: str
    respondent_key: str | None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    """A transcript: its normalised text and its turns."""

    name: str
    text: str
    turns: tuple[Turn, ...] = ()
    kind: str = "txt"
    meta: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass(frozen=True)
class Excerpt:
    """A coded unit: ``document.text[start:end]``, attributed to one respondent (or nobody)."""

    id: int
    document_id: int
    start: int
    end: int
    text: str
    respondent_key: str | None
    parent_id: int | None = None
    question: str | None = None


@dataclass(frozen=True)
class DocumentProgress:
    """One document's progress for one coder, counted without reading any text.

    ``total``: its top-level excerpts (turns); ``coded``: those the coder coded or marked
    "nothing applies", itself or through a span narrowed inside it; ``respondents``: the
    respondent keys of its excerpts, in order of first appearance.
    """

    document_id: int
    name: str
    respondents: tuple[str, ...]
    coded: int
    total: int


@dataclass(frozen=True)
class Code:
    """A node of the codebook hierarchy."""

    name: str
    parent_path: str | None = None
    definition: str = ""
    include: str = ""
    exclude: str = ""
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    colour: str = ""
    finding: str | None = None
    id: int | None = None
    parent_id: int | None = None

    @property
    def path(self) -> str:
        return self.name if not self.parent_path else f"{self.parent_path}{PATH_SEP}{self.name}"

    @property
    def depth(self) -> int:
        return len(split_path(self.path)) - 1


@dataclass(frozen=True)
class Finding:
    """A statement of the report, with the quantifier it claims and its section."""

    key: str
    statement: str
    section: str = ""
    quantifier: str | None = None
    code_paths: tuple[str, ...] = ()
    asked: tuple[str, ...] = ()
    """Respondent keys asked about this topic; empty means everyone is the denominator."""


@dataclass(frozen=True)
class Coding:
    """A code applied to an excerpt by one coder."""

    excerpt_id: int
    code_id: int
    coder: str
    origins: tuple[str, ...] = ()
    """Per code, parallel to ``codes``: ``human`` or ``suggestion-accepted`` (empty: all human)."""
    created: tuple[str, ...] = ()
    """Per code, parallel to ``codes``: when it was applied (empty: the import time)."""
    id: int | None = None


@dataclass(frozen=True)
class Memo:
    excerpt_id: int
    coder: str
    text: str
    updated: str = ""


@dataclass(frozen=True)
class Event:
    """One row of the append-only event log."""

    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    ref: int | None = None


@dataclass(frozen=True)
class CodedRow:
    """One row of a coded-excerpts CSV (the spreadsheet every QDA package exports)."""

    respondent: str
    text: str
    codes: tuple[str, ...]
    coder: str = "imported"
    document: str | None = None
    question: str | None = None
    start: int | None = None
    end: int | None = None
    line: int = 0
    origins: tuple[str, ...] = ()
    """Per code, parallel to ``codes``: ``human`` or ``suggestion-accepted`` (empty: all human)."""
    created: tuple[str, ...] = ()
    """Per code, parallel to ``codes``: when it was applied (empty: the import time)."""
    across_turns: bool = False
    """A row that names nobody (a REFI-QDA selection) may touch several respondents' turns:
    it is then kept and counts for nobody, instead of being refused."""
    memo: str = ""
    """The coder's memo on the excerpt (the ``memo`` column qualtally's CSV export writes)."""


@dataclass(frozen=True)
class MemoRow:
    """A memo an import brings, placed like a coded row: ``document`` text at ``[start, end)``."""

    document: str
    start: int
    end: int
    text: str
    coder: str
    memo: str
    updated: str = ""


@dataclass(frozen=True)
class ScaleStep:
    """One label of a verbal quantifier scale: shares in ``[low, high]`` of the denominator."""

    label: str
    low: float
    high: float


@dataclass(frozen=True)
class QuantifierScale:
    steps: tuple[ScaleStep, ...]
    source: str = ""


@dataclass(frozen=True)
class Suggestion:
    """A code the suggester proposes for an excerpt, with the reasons a coder can judge."""

    code_path: str
    score: float
    suggested: bool
    keywords: tuple[str, ...] = ()
    top_terms: tuple[str, ...] = ()
    similar_excerpt: str | None = None
    source: str = ""
    earlier: bool = False
    """Shown from an earlier model's cache entry while the current model loads (not saved)."""


@dataclass
class ImportBundle:
    """Everything one import command brings in; the store writes it in one transaction."""

    source: str
    respondents: list[Respondent] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    scale: QuantifierScale | None = None
    documents: list[Document] = field(default_factory=list)
    coded: list[CodedRow] = field(default_factory=list)
    coded_source: str = ""
    unit: str = "turn"
    """Excerpt unit for new documents: ``turn`` (default) or ``sentence``."""
    sentences: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    """Sentence spans per document name, filled by the nlp layer when ``unit == 'sentence'``."""
    skipped: list[str] = field(default_factory=list)
    """Files the import saw and deliberately did not read (e.g. a folder's README)."""
    notes: list[str] = field(default_factory=list)
    """What the import read differently from face value (e.g. how a REFI-QDA file counts
    positions), said to the user after the import."""
    attribute_types: dict[str, str] = field(default_factory=dict)
    """Respondent attribute -> inferred type (integer, number, boolean, date, text)."""
    memos: list[MemoRow] = field(default_factory=list)
    """Memos on excerpts (REFI-QDA notes on selections), written after the codings."""
