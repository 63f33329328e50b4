"""Plain domain objects and pure rules; standard library only (no Textual, spaCy or sklearn)."""

from qualtally.core.errors import InputError
from qualtally.core.models import (
    ORIGIN_HUMAN,
    ORIGIN_SUGGESTION,
    PATH_SEP,
    Code,
    CodedRow,
    Coding,
    Document,
    Event,
    Excerpt,
    Finding,
    ImportBundle,
    Memo,
    QuantifierScale,
    Respondent,
    ScaleStep,
    Suggestion,
    Turn,
    join_path,
    split_path,
)

__all__ = [
    "ORIGIN_HUMAN", "ORIGIN_SUGGESTION", "PATH_SEP", "Code", "CodedRow", "Coding", "Document",
    "Event", "Excerpt", "Finding", "InputError", "Memo", "QuantifierScale", "Respondent",
    "ImportBundle", "ScaleStep", "Suggestion", "Turn", "join_path", "split_path",
]
