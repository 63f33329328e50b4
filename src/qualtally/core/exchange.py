"""What an exchange export (REFI-QDA .qdpx/.qdc) is written from: one consistent snapshot.

``storage/exchange.py`` reads it in one connection; ``exports/refi.py`` writes it. Spans
are ``[start, end)`` offsets into the document's text (code points, LF line ends), as
everywhere in qualtally. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qualtally.core.models import Code, Document, Finding, QuantifierScale, Respondent


@dataclass(frozen=True)
class SpanCoding:
    """One code applied by one coder to the excerpt ``document.text[start:end]``."""

    document: str
    start: int
    end: int
    coder: str
    code_path: str
    created: str = ""
    origin: str = "human"


@dataclass(frozen=True)
class SpanMemo:
    document: str
    start: int
    end: int
    coder: str
    text: str
    updated: str = ""


@dataclass(frozen=True)
class SpanMark:
    """A "nothing applies" mark: the coder read the excerpt and applied no code."""

    document: str
    start: int
    end: int
    coder: str


@dataclass
class ExchangeSnapshot:
    name: str
    documents: list[Document] = field(default_factory=list)
    """With their text and turns."""
    respondents: list[Respondent] = field(default_factory=list)
    attribute_types: dict[str, str] = field(default_factory=dict)
    codes: list[Code] = field(default_factory=list)
    """Parents before children."""
    findings: list[Finding] = field(default_factory=list)
    codings: list[SpanCoding] = field(default_factory=list)
    memos: list[SpanMemo] = field(default_factory=list)
    marks: list[SpanMark] = field(default_factory=list)
    scale: QuantifierScale | None = None
    questions: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    """Document name -> ``(start, end, question)`` of its excerpts that have a question."""

    def coders(self) -> list[str]:
        names = {c.coder for c in self.codings} | {m.coder for m in self.memos}
        return sorted(names | {m.coder for m in self.marks})
