"""The Project façade's suggestion cache: suggestions before the model has loaded.

Loading the suggester takes seconds (importing scikit-learn, skops and spaCy, reading the
model, embedding the excerpts), so a reopened project answers ``suggestions()`` from the
table ``suggestion_cache`` (``storage/suggestion_cache.py``) until the engine is ready. An
entry is used only when its model key names the model the background loader *will* pick
(decided from the model cards by :mod:`qualtally.nlp.card`, without importing those
libraries) and its text hash the excerpt's current text and question. An entry for the
current text made by an earlier model (the loader will pick a newer one: a retraining's
refresh was cut short by quitting, or the codebook changed) is shown meanwhile, each
suggestion marked ``earlier``, and replaced when the loader answers. After the engine
loads, and after every retraining, the background work refreshes stale entries in
batches. The MiniLM embeddings of the project's texts are kept beside the model
(``embeddings.npz``, whose format names the embedder, so only MiniLM vectors are read into
MiniLM's cache) so a reopened project does not re-embed every excerpt; a model trained
with the static table re-embeds instead (milliseconds for a project).

Mixed into :class:`qualtally.facade_suggest.SuggestionsMixin`; everything here runs in
the caller's thread, and the slow parts only in the loading or retraining worker.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

CACHE_DEPTH = 16
"""Suggestions kept per excerpt: enough for 9 shown after a coder's applied and rejected codes."""
EMBEDDINGS_FILE = "embeddings.npz"
WANTED_MAX = 32
"""Excerpts asked for before the engine loaded that the loader answers first (the latest)."""
WRITE_DELAY = 0.3
"""Seconds the write-back thread waits before writing, so a burst of misses costs one commit."""


class SuggestionCacheMixin:
    # -- which model, under which key ---------------------------------------------------------
    def _model_folders(self) -> list[Path]:
        from qualtally.facade_suggest import shipped_model_dirs

        return [self.model_dir(), *shipped_model_dirs()]

    def _expected_model_key(self, codes) -> str | None:
        """Key of the model the loader will pick for this codebook (None: it will train)."""
        from qualtally.nlp import card
        from qualtally.nlp.coldstart import profiles_from_codes

        codes = tuple(codes)  # frozen Codes: the codebook itself is the memo key (hashing
        memo = self._sg().setdefault("expected", {})  # 128 codes' profiles took 3 ms a call)
        if codes not in memo:
            cb = card.codebook_hash([c.path for c in codes], profiles_from_codes(codes))
            picked = card.pick_model(self._model_folders(), cb)
            if len(memo) > 8:
                memo.clear()
            memo[codes] = picked[1] if picked else None
        return memo[codes]

    def _set_engine(self, engine, meta: dict, folder: Path | None, card_meta: dict | None = None) -> None:
        """Swap in a loaded or retrained engine together with its cache key (None: unsaved).

        ``card_meta``: the card the engine was loaded with (else the folder's card is read).
        """
        from qualtally.nlp import card

        key = None
        if folder is not None:
            try:
                key = card.model_key(folder, card_meta)
            except (card.StaleModel, OSError):
                key = None
        if engine is not None:  # here, in the worker, rather than on the first explanation
            from qualtally.nlp.explain import stop_mask

            for model in engine.models.values():
                stop_mask(model)
        st = self._sg()
        with st["lock"]:
            st["engine"], st["meta"], st["loaded"] = engine, meta, (engine, key)
            st["expected"] = {}

    # -- reading ------------------------------------------------------------------------------
    def _cached_or_computed(self, excerpt_id: int, coder: str, limit: int):
        """(suggestions best first, code ids to skip); no suggestions when neither is possible."""
        from qualtally.storage import queries
        from qualtally.storage import suggestion_cache as sc

        st = self._sg()
        engine, key = st.get("loaded", (None, None))
        with self.engine.connect() as conn:
            e, skip, row = sc.read_for_suggestions(conn, excerpt_id, coder)
            if engine is None or any(c not in st["paths"] for c in skip) or not st["paths"]:
                codes = queries.codes(conn)
                st["paths"] = {c.id: c.path for c in codes}
                if engine is None:
                    key = self._expected_model_key(codes)
        h = sc.text_hash(e.text, e.question)
        deep_enough = engine is None or limit + len(skip) <= CACHE_DEPTH  # else compute a longer list
        if key is not None and row is not None and row[0] == key and row[1] == h and deep_enough:
            return sc.suggestions_of(row[2]), skip
        if engine is None:
            self._want(excerpt_id)
            if row is not None and row[1] == h:  # an earlier model's, for this very text: shown,
                return [replace(x, earlier=True) for x in sc.suggestions_of(row[2])], skip  # marked, until
            return [], skip  # the loader answers with the model it picks
        (found, margin), = engine.suggest_many([e.text], e.question or "", limit=max(CACHE_DEPTH, limit + len(skip)))
        if key is not None:
            self._queue_cache_write((excerpt_id, key, h, sc.payload(found[:CACHE_DEPTH], margin)))
        return found, skip

    def _want(self, excerpt_id: int) -> None:
        """Remember an excerpt asked for before the engine loaded: the loader answers it first."""
        st = self._sg()
        with st["lock"]:
            wanted = st.setdefault("wanted", [])
            if excerpt_id in wanted:
                wanted.remove(excerpt_id)
            wanted.append(excerpt_id)
            del wanted[:-WANTED_MAX]

    def _answer_wanted(self, engine) -> int:
        """Compute and cache the excerpts asked for while loading, the latest first.

        Runs in the loading worker right after the engine is swapped in, before the
        project's other excerpts are embedded and refreshed, so the excerpt on screen (and
        the neighbours the TUI prefetches) are cache hits seconds earlier on a first open.
        """
        from qualtally.storage import suggestion_cache as sc

        st = self._sg()
        with st["lock"]:
            wanted, st["wanted"] = list(reversed(st.get("wanted", []))), []
            st["answered"] = wanted
        key = st.get("loaded", (None, None))[1]
        if not wanted or key is None:
            return 0
        have = self._read(sc.read_keys, key)
        rows = []
        for eid in wanted:
            text, question = st["texts"].get(eid, (None, None))
            if text is None:
                continue
            h = sc.text_hash(text, question or None)
            if have.get(eid) == h:
                continue
            (found, margin), = engine.suggest_many([text], question, limit=CACHE_DEPTH)
            rows.append((eid, key, h, sc.payload(found, margin)))
        try:
            return sc.upsert_many(self.engine, rows) if rows else 0
        except SQLAlchemyError:  # a busy or read-only file: the cache is optional
            st["cache_write_errors"] = st.get("cache_write_errors", 0) + 1
            return 0

    def _queue_cache_write(self, row) -> None:
        """Write a computed entry from a background thread: a durable commit costs milliseconds
        (an fsync) that the caller, the TUI on every move, should not wait for."""
        st = self._sg()
        with st["lock"]:
            st.setdefault("pending", []).append(row)
            writer = st.get("writer")
            if writer is not None and writer.is_alive():
                return
            st["writer"] = threading.Thread(target=self._drain_cache_writes, daemon=True,
                                            name="suggestion-cache-writer")
            st["writer"].start()

    def _drain_cache_writes(self) -> None:
        from qualtally.storage import suggestion_cache as sc

        st = self._sg()
        while True:
            time.sleep(WRITE_DELAY)  # gather the entries of a burst of moves into one transaction
            with st["lock"]:
                rows, st["pending"] = st.get("pending", []), []
                if not rows:
                    st["writer"] = None
                    return
                # an entry computed just before a retraining swapped the model in would
                # overwrite the new model's entry with a stale one: drop it
                current = st.get("loaded", (None, None))[1]
                rows = [r for r in rows if r[1] == current]
            try:
                sc.upsert_many(self.engine, rows)
            except SQLAlchemyError:  # a busy or read-only file: the cache is optional
                st["cache_write_errors"] = st.get("cache_write_errors", 0) + 1

    def flush_suggestion_cache(self, timeout: float = 10.0) -> None:
        """Wait for queued cache writes (tests, and before closing a project)."""
        writer = self._sg().get("writer")
        if writer is not None:
            writer.join(timeout)

    def _cached_margins(self, excerpts) -> dict[int, float]:
        """excerpt id -> uncertainty margin, from valid cache entries of the model in use or to be loaded."""
        from qualtally.storage import suggestion_cache as sc

        engine, key = self._sg().get("loaded", (None, None))
        if engine is None:
            key = self._expected_model_key(self.codes())
        if key is None:
            return {}
        rows = self._read(sc.read_many, key, [e.id for e in excerpts])
        out = {}
        for e in excerpts:
            entry = rows.get(e.id)
            if entry is not None and entry[0] == sc.text_hash(e.text, e.question):
                m = sc.margin_of(entry[1])
                if m is not None:
                    out[e.id] = m
        return out

    # -- refreshing (background work) ---------------------------------------------------------------
    def refresh_suggestion_cache(self, progress=None, chunk: int = 256) -> int:
        """Recompute the cache entries that are missing or stale for the loaded engine.

        Slow on a large project (it scores every changed excerpt, with explanations): call
        it from a worker. Stops early if another engine is swapped in meanwhile (that
        engine's own refresh follows). Returns the number of entries written; a file that
        refuses the writes ends the refresh quietly (the cache is optional).
        """
        from qualtally.storage import suggestion_cache as sc

        st = self._sg()
        engine, key = st.get("loaded", (None, None))
        if engine is None or key is None:
            return 0
        step = progress or (lambda label, done, total: None)
        have = self._read(sc.read_keys, key)
        groups: dict[str, list] = {}
        excerpts = self.excerpts()
        with st["lock"]:
            wanted = set(st.get("wanted", ())) | set(st.get("answered", ()))
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
                if st.get("loaded", (None, None))[1] != key:
                    return written
                part = group[lo: lo + chunk]
                found = engine.suggest_many([e.text for e, _ in part], question, limit=CACHE_DEPTH, chunk=chunk)
                if st.get("loaded", (None, None))[1] != key:  # swapped while scoring
                    return written
                try:
                    written += sc.upsert_many(self.engine, [
                        (e.id, key, h, sc.payload(f, m)) for (e, h), (f, m) in zip(part, found)])
                except SQLAlchemyError:  # a read-only or locked file: suggestions still work, uncached
                    st["cache_write_errors"] = st.get("cache_write_errors", 0) + 1
                    return written
                done += len(part)
                step("caching suggestions", done, total)
        return written

    # -- the embedding cache ------------------------------------------------------------------------
    # -- a shipped cache (the demo's) ------------------------------------------------------
    def export_suggestion_cache(self, path: Path) -> int:
        """Write the loaded model's cache entries to ``path`` (gzipped JSON, keyed by text hash).

        For shipping beside a model (``benchmarks/nlp/make_demo_suggestions.py``): a project
        built from the same corpus and codebook then starts with them (:meth:`seed_suggestion_cache`).
        """
        import gzip
        import json

        from qualtally.storage import suggestion_cache as sc

        key = self._sg().get("loaded", (None, None))[1]
        if key is None:
            raise ValueError("no saved model is loaded: nothing to export")
        rows = self._read(sc.read_many, key)
        entries = {h: data for h, data in rows.values()}
        with gzip.open(path, "wt", encoding="utf-8") as f:
            json.dump({"v": sc.FORMAT, "model_key": key, "entries": entries}, f, sort_keys=True)
        return len(entries)

    def seed_suggestion_cache(self, path: Path) -> int:
        """Fill the cache from a shipped file, for excerpts whose text it holds; 0 if none fits.

        Entries are used only under the model key the loader will pick for this codebook
        (the file's), and each under its excerpt's text hash, so a seeded entry is exactly
        what that model computes for that text; the loader's refresh keeps or replaces them
        like any other entry.
        """
        import gzip
        import json

        from qualtally.storage import suggestion_cache as sc

        try:  # an optional file: truncated, not gzip, not JSON or not ours means no seeding
            with gzip.open(path, "rt", encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, EOFError, ValueError):
            return 0
        if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
            return 0
        key = data.get("model_key")
        if data.get("v") != sc.FORMAT or key is None or key != self._expected_model_key(self.codes()):
            return 0
        entries = data["entries"]
        rows = []
        for e in self.excerpts():
            h = sc.text_hash(e.text, e.question)
            if h in entries:
                rows.append((e.id, key, h, entries[h]))
        return sc.upsert_many(self.engine, rows) if rows else 0

    def _embeddings_path(self) -> Path:
        return self.model_dir() / EMBEDDINGS_FILE

    def _load_embeddings(self) -> int:
        """Fill the encoder's in-memory cache with the saved vectors of this project's texts.

        Also reads the vectors a shipped model carries for its own corpus (the demo's), so
        the first ``qualtally demo`` does not spend ~25 s embedding the corpus it was built
        from; vectors are found by a hash of the text, so only identical texts match.
        """
        from qualtally.facade_suggest import shipped_model_dirs
        from qualtally.nlp import embed

        st = self._sg()
        texts = [text for text, _ in st["texts"].values()]
        st["embeddings_saved"] = embed.load_cache(self._embeddings_path(), texts)
        shipped = sum(embed.load_cache(d / EMBEDDINGS_FILE, texts) for d in shipped_model_dirs())
        return st["embeddings_saved"] + shipped

    def _save_embeddings(self) -> int:
        """Save the project's embedded texts beside the model when more are known than saved."""
        from qualtally.nlp import embed

        st = self._sg()
        if st.get("engine") is not None and embed.MODEL_NAME not in st["engine"].embedders():
            return 0  # the file holds MiniLM vectors only; this model embeds with another
        texts = [text for text, _ in st["texts"].values()]
        known = sum(1 for t in dict.fromkeys(texts) if t in embed.cache_for(embed.MODEL_NAME))
        if known <= st.get("embeddings_saved", 0):
            return 0
        try:
            self.model_dir().mkdir(parents=True, exist_ok=True)
            st["embeddings_saved"] = embed.save_cache(self._embeddings_path(), texts)
        except OSError:  # a read-only folder: embed again next time
            return 0
        return st["embeddings_saved"]
