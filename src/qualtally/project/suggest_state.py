"""The state the suggestion services share: one typed object instead of a dict of names.

:class:`~qualtally.project.suggestions.Suggestions`, the suggestion cache and the
embeddings all read and write it; the TUI's threads (the loader, a retraining, the
cache writer) meet here, so the fields that change together are swapped together under
``lock`` (the suggester and its cache key are one :class:`Loaded`, replaced whole).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # the nlp layer is imported when a model is first loaded, not with the façade
    from qualtally.core.models import Code
    from qualtally.nlp.suggester import Suggester


class Loaded(NamedTuple):
    """The suggester in use and the key its suggestions are cached under (None: unsaved)."""

    suggester: Suggester | None = None
    key: str | None = None
    scope: str | None = None
    """The coder whose own codings alone it learned from (blind mode); None: everyone's."""


@dataclass
class SuggestState:
    loaded: Loaded = Loaded()
    meta: dict[str, Any] = field(default_factory=dict)
    """The loaded suggester's ``codings_seen``, ``codebook_hash`` and ``training_size``."""
    loading: bool = False
    """True while ``load_suggester`` runs (``suggestions()`` then never loads)."""
    texts: dict[int, tuple[str, str]] = field(default_factory=dict)
    """Excerpt id -> (text, question), as last read for loading or training."""
    paths: dict[int, str] = field(default_factory=dict)
    """Code id -> path, as last read."""
    expected: dict[tuple[tuple[Code, ...], str | None], str | None] = field(default_factory=dict)
    """(Codebook, blind coder or None) -> key of the model the loader will pick for it (a
    memo, cleared on a swap)."""
    wanted: list[int] = field(default_factory=list)
    """Excerpts asked for before the suggester loaded, the latest last."""
    answered: list[int] = field(default_factory=list)
    """The ones the loader answered first (their documents are refreshed first)."""
    embeddings_saved: int = 0
    """MiniLM vectors in the project's saved embeddings file."""
    refused: list[str] = field(default_factory=list)
    """Saved models the loader refused as not what qualtally saved (``UntrustedModel``), one
    line each; the coding screen says so."""
    cache_write_errors: int = 0
    """Suggestion-cache writes the file refused (the cache is optional: counted, not raised)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    train_lock: threading.Lock = field(default_factory=threading.Lock)
    """Held by a retraining: one at a time."""

    @property
    def suggester(self) -> Suggester | None:
        return self.loaded.suggester

    @property
    def key(self) -> str | None:
        return self.loaded.key

    @property
    def scope(self) -> str | None:
        return self.loaded.scope
