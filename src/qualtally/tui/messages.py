"""Messages that do not belong to one widget: the results of background workers.

Widget messages (``ExcerptSelected``, ``CodeApplied``, ``SuggestionAccepted``...) are
nested on the widget that sends them; these are posted by workers from their threads
(``post_message`` is thread-safe) and handled by the screen or app that started them.
Progress messages carry the whole state, so a later one simply replaces an earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from qualtally.core.models import Suggestion


@dataclass
class ModelProgress(Message):
    label: str
    done: int
    total: int


@dataclass
class ModelReady(Message):
    error: str | None = None
    refused: tuple[str, ...] = ()
    """Saved models the loader refused as not what qualtally saved (``Project.refused_models``)."""


@dataclass
class SuggestionsReady(Message):
    excerpt_id: int
    suggestions: list[Suggestion] = field(default_factory=list)
    generation: int = 0
    """The screen's suggestion generation when they were asked for (stale if it changed)."""


class ModelRetrained(Message):
    """The background retraining replaced the model: kept suggestions are stale."""


@dataclass
class CountsReady(Message):
    counts: dict[int, int] = field(default_factory=dict)
    """Code id -> distinct respondents coded with it or any of its descendants."""


@dataclass
class RankingReady(Message):
    document_id: int
    excerpt_ids: list[int] = field(default_factory=list)
    """The document's excerpts, least sure first (coded ones last)."""
    moves: int = 0
    """The screen's move counter when the ranking was asked for: if the coder has moved
    since, the screen does not jump to the first ranked excerpt."""
