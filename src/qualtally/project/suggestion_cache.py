"""The suggestion cache service: suggestions before the model has loaded.

Loading the suggester takes seconds (importing scikit-learn, skops and spaCy, reading the
model, embedding the excerpts), so a reopened project answers ``suggestions()`` from the
table ``suggestion_cache`` (``storage/suggestion_cache.py``) until the suggester is ready.
An entry is used only when its model key names the model the background loader *will*
pick (decided from the model cards by :mod:`qualtally.nlp.card`, without importing those
libraries) and its text hash the excerpt's current text and question. An entry for the
current text made by an earlier model (the loader will pick a newer one: a retraining's
refresh was cut short by quitting, or the codebook changed) is shown meanwhile, each
suggestion marked ``earlier``, and replaced when the loader answers. After the suggester
loads, and after every retraining, the background work refreshes stale entries in
batches (:meth:`SuggestionCache.refresh`); a miss computed once loaded is written back by
a :class:`~qualtally.core.background.WriteBehind`. The cache is derived data: a write the
file refuses is counted (``SuggestState.cache_write_errors``), never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from qualtally.core import background
from qualtally.core.models import Code, Excerpt, Suggestion
from qualtally.project.reads import Reads
from qualtally.project.suggest_state import Loaded, SuggestState
from qualtally.storage import suggestion_cache as sc

if TYPE_CHECKING:
    from qualtally.nlp.suggester import Suggester

CACHE_DEPTH = 16
"""Suggestions kept per excerpt: enough for 9 shown after a coder's applied and rejected codes."""
WANTED_MAX = 32
"""Excerpts asked for before the suggester loaded that the loader answers first (the latest)."""
WRITE_DELAY = 0.3
"""Seconds the write-back thread waits before writing, so a burst of misses costs one commit."""

Row = tuple[int, str, str, dict]
"""(excerpt id, model key, text hash, payload): one cache entry."""
BLIND = "blind"
"""Sub-folder of the project's model folder holding each blind coder's own model."""


def blind_folder(model_dir: Path, coder: str) -> Path:
    """Where the model of one coder's own codings lives (blind mode)."""
    import hashlib
    import re

    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", coder)[:40]
    return model_dir / BLIND / f"{safe}-{hashlib.sha256(coder.encode()).hexdigest()[:8]}"


class SuggestionCache:
    def __init__(
        self, engine: sa.Engine, reads: Reads, state: SuggestState, model_dir: Path,
        ready: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine, self.reads, self.state, self.model_dir = engine, reads, state, model_dir
        self.ready = ready
        """Called before the model folder is read (a server project fills it then)."""
        self.writer: background.WriteBehind[Row] = background.WriteBehind(
            "suggestion-cache-writer",
            self._write_back,
            on_error=self._write_failed,
            delay=WRITE_DELAY,
        )

    # -- which model, under which key ---------------------------------------------------------
    def model_folders(self, scope: str | None = None) -> list[Path]:
        """Where the loader looks, in order: the project's model folder, then the shipped ones;
        for a blind coder (``scope``), only the folder of the model of their own codings."""
        from qualtally.nlp import shipped

        self.ready()
        if scope is not None:
            return [blind_folder(self.model_dir, scope)]
        return [self.model_dir, *shipped.model_dirs()]

    def expected_key(self, codes: Iterable[Code], scope: str | None = None) -> str | None:
        """Key of the model the loader will pick for this codebook (None: it will train)."""
        from qualtally.nlp import card
        from qualtally.nlp.coldstart import profiles_from_codes

        # frozen Codes: the codebook itself is the memo key (hashing 128 codes' profiles
        # costs about 3 ms a call)
        codebook = tuple(codes)
        memo = self.state.expected
        if (codebook, scope) not in memo:
            cb = card.codebook_hash([c.path for c in codebook], profiles_from_codes(codebook))
            picked = card.pick_model(self.model_folders(scope), cb)
            if len(memo) > 8:
                memo.clear()
            memo[(codebook, scope)] = picked[1] if picked else None
        return memo[(codebook, scope)]

    def install(
        self,
        suggester: Suggester | None,
        meta: dict[str, Any],
        folder: Path | None,
        card_meta: dict | None = None,
        scope: str | None = None,
    ) -> None:
        """Swap in a loaded or retrained suggester together with its cache key (None: unsaved).

        ``card_meta``: the card the suggester was loaded with (else the folder's card is read).
        """
        from qualtally.nlp import card

        key = None
        if folder is not None:
            try:
                key = card.model_key(folder, card_meta)
            except (card.StaleModel, OSError):
                key = None
        if suggester is not None:  # here, in the worker, rather than on the first explanation
            from qualtally.nlp.explain import stop_mask

            for model in suggester.models.values():
                stop_mask(model)
        st = self.state
        with st.lock:
            st.loaded, st.meta, st.expected = Loaded(suggester, key, scope), meta, {}

    # -- reading ------------------------------------------------------------------------------
    def cached_or_computed(
        self, excerpt_id: int, coder: str, limit: int
    ) -> tuple[list[Suggestion], set[int]]:
        """(suggestions best first, code ids to skip); no suggestions when neither is possible."""
        from qualtally.storage import queries

        st = self.state
        suggester, key, loaded_scope = st.loaded
        with self.engine.connect() as conn:
            e, skip, row = sc.read_for_suggestions(conn, excerpt_id, coder)
            scope = coder if queries.setting(conn, "blind", False) else None
            if loaded_scope != scope:  # learned from other coders' work, or only another's
                suggester, key = None, None
            if suggester is None or any(c not in st.paths for c in skip) or not st.paths:
                codes = queries.codes(conn)
                st.paths = {c.id: c.path for c in codes if c.id is not None}
                if suggester is None:
                    key = self.expected_key(codes, scope)
        h = sc.text_hash(e.text, e.question)
        deep_enough = (
            suggester is None or limit + len(skip) <= CACHE_DEPTH
        )  # else compute a longer list
        if key is not None and row is not None and row[0] == key and row[1] == h and deep_enough:
            return sc.suggestions_of(row[2]), skip
        if suggester is None:
            self.want(excerpt_id)
            # an earlier model's entry for this very text is shown, marked, until the loader
            # answers (not in blind mode: that model may have learned from other coders)
            if scope is None and row is not None and row[1] == h:
                return [replace(x, earlier=True) for x in sc.suggestions_of(row[2])], skip
            return [], skip  # the loader answers with the model it picks
        ((found, margin),) = suggester.suggest_many(
            [e.text], e.question or "", limit=max(CACHE_DEPTH, limit + len(skip))
        )
        if key is not None:
            self.writer.put((excerpt_id, key, h, sc.payload(found[:CACHE_DEPTH], margin)))
        return found, skip

    def cached_margins(
        self, excerpts: list[Excerpt], scope: str | None = None
    ) -> dict[int, float]:
        """excerpt id -> uncertainty margin, from valid entries of the model in use or to
        be loaded (for a blind coder, ``scope``: of the model of their own codings)."""
        suggester, key, loaded_scope = self.state.loaded
        if suggester is None or loaded_scope != scope:
            key = self.expected_key(self.reads.codes(), scope)
        if key is None:
            return {}
        rows = self.reads.read(sc.read_many, key, [e.id for e in excerpts])
        out = {}
        for e in excerpts:
            entry = rows.get(e.id)
            if entry is not None and entry[0] == sc.text_hash(e.text, e.question):
                m = sc.margin_of(entry[1])
                if m is not None:
                    out[e.id] = m
        return out

    def valid_entries(self, key: str) -> int:
        """Excerpts whose cache entry was made by ``key`` for their current text."""
        hashes = self.reads.read(sc.read_keys, key)
        return sum(
            1 for e in self.reads.excerpts() if hashes.get(e.id) == sc.text_hash(e.text, e.question)
        )

    # -- the excerpts asked for while loading ----------------------------------------------------
    def want(self, excerpt_id: int) -> None:
        """Remember an excerpt asked for before the suggester loaded: the loader answers
        it first."""
        st = self.state
        with st.lock:
            if excerpt_id in st.wanted:
                st.wanted.remove(excerpt_id)
            st.wanted.append(excerpt_id)
            del st.wanted[:-WANTED_MAX]

    def answer_wanted(self, suggester: Suggester) -> int:
        """Compute and cache the excerpts asked for while loading, the latest first.

        Runs in the loading worker right after the suggester is swapped in, before the
        project's other excerpts are embedded and refreshed, so the excerpt on screen (and
        the neighbours the TUI prefetches) are cache hits seconds earlier on a first open.
        """
        st = self.state
        with st.lock:
            wanted, st.wanted = list(reversed(st.wanted)), []
            st.answered = wanted
        key = st.key
        if not wanted or key is None:
            return 0
        have = self.reads.read(sc.read_keys, key)
        rows = []
        for eid in wanted:
            text, question = st.texts.get(eid, (None, None))
            if text is None:
                continue
            h = sc.text_hash(text, question or None)
            if have.get(eid) == h:
                continue
            ((found, margin),) = suggester.suggest_many([text], question or "", limit=CACHE_DEPTH)
            rows.append((eid, key, h, sc.payload(found, margin)))
        return self.upsert(rows) if rows else 0

    # -- writing ------------------------------------------------------------------------------
    def upsert(self, rows: list[Row]) -> int:
        """Write entries now; 0 when the file refuses them (a busy or read-only file: the
        cache is optional)."""
        try:
            return sc.upsert_many(self.engine, rows)
        except SQLAlchemyError:
            self.state.cache_write_errors += 1
            return 0

    def _write_back(self, rows: list[Row]) -> None:
        # an entry computed just before a retraining swapped the model in would overwrite
        # the new model's entry with a stale one: drop it
        current = self.state.key
        self.upsert([r for r in rows if r[1] == current])

    def _write_failed(self, err: BaseException) -> None:
        self.state.cache_write_errors += 1
        background.log.warning("suggestion cache write failed: %r", err)

    def flush(self, timeout: float = 10.0) -> None:
        """Wait for queued cache writes (tests, and before closing a project)."""
        self.writer.flush(timeout)

    # -- refreshing (background work) ---------------------------------------------------------
    def refresh(self, progress=None, chunk: int = 256) -> int:
        """Recompute the cache entries that are missing or stale for the loaded suggester.

        Slow on a large project (it scores every changed excerpt, with explanations): call
        it from a worker. Stops early if another suggester is swapped in meanwhile (that
        one's own refresh follows). Returns the number of entries written; a file that
        refuses the writes ends the refresh quietly (the cache is optional).
        """
        st = self.state
        suggester, key = st.loaded[:2]
        if suggester is None or key is None:
            return 0
        step = progress or (lambda label, done, total: None)
        have = self.reads.read(sc.read_keys, key)
        groups: dict[str, list] = {}
        excerpts = self.reads.excerpts()
        with st.lock:
            wanted = set(st.wanted) | set(st.answered)
        first = {e.document_id for e in excerpts if e.id in wanted}  # the open document(s) first
        for e in sorted(excerpts, key=lambda e: e.document_id not in first):
            h = sc.text_hash(e.text, e.question)
            if have.get(e.id) != h:
                groups.setdefault(e.question or "", []).append((e, h))
        total = sum(len(g) for g in groups.values())
        done = written = 0
        step("caching suggestions", 0, total)
        for question, group in groups.items():
            for lo in range(0, len(group), chunk):
                if st.key != key:
                    return written
                part = group[lo : lo + chunk]
                found = suggester.suggest_many(
                    [e.text for e, _ in part], question, limit=CACHE_DEPTH, chunk=chunk
                )
                if st.key != key:  # swapped while scoring
                    return written
                try:
                    written += sc.upsert_many(
                        self.engine,
                        [(e.id, key, h, sc.payload(f, m)) for (e, h), (f, m) in zip(part, found)],
                    )
                except (
                    SQLAlchemyError
                ):  # a read-only or locked file: suggestions still work, uncached
                    st.cache_write_errors += 1
                    return written
                done += len(part)
                step("caching suggestions", done, total)
        return written
