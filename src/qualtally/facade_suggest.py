"""Suggestion methods of the Project façade: load, suggest, learn, review queue.

Kept in its own module so project.py stays small; :class:`qualtally.project.Project`
inherits it. The engine lives in :mod:`qualtally.nlp`; this module only turns the
project's codings, reviewed-empty excerpts and rejections into training data, keeps the
loaded engine (swapped atomically after a background retrain), and filters what a coder
already applied or rejected. Suggestions are cached per excerpt (derived data, see
``facade_suggest_cache.py``) so a reopened project shows them before the model loads;
they count in no tally until a person accepts one, which becomes a coding with origin
``suggestion-accepted``.
"""

from __future__ import annotations

import threading
from pathlib import Path

from qualtally.core.models import ORIGIN_SUGGESTION, Code, Suggestion
from qualtally.facade_suggest_cache import SuggestionCacheMixin

RETRAIN_EVERY = 5
"""Retrain after this many codings were added or removed since the last training."""
PREPARE_MAX_EMBED = 400
"""Above this many excerpts to embed with MiniLM, ``prepare_suggestions`` leaves them to the
coding screen's background work (an import would otherwise block for minutes)."""


class SuggestionsMixin(SuggestionCacheMixin):
    # -- state -------------------------------------------------------------------------
    def _sg(self) -> dict:
        state = self.__dict__.get("_suggest_state")
        if state is None:
            state = self.__dict__.setdefault("_suggest_state", {
                "engine": None, "meta": {}, "loaded": (None, None), "lock": threading.Lock(), "loading": False,
                "texts": {}, "paths": {}, "train_lock": threading.Lock()})
        return state

    def model_dir(self) -> Path:
        """Where this project's model and card live: beside the project file."""
        return Path(f"{self.path}.models")

    def _codebook(self):
        from qualtally.nlp.card import codebook_hash
        from qualtally.nlp.coldstart import profiles_from_codes

        codes = self.codes()
        profiles = profiles_from_codes(codes)
        return codes, profiles, codebook_hash([c.path for c in codes], profiles)

    def _cache_texts(self) -> None:
        st = self._sg()
        st["texts"] = {e.id: (e.text, e.question or "") for e in self.excerpts()}
        st["paths"] = {c.id: c.path for c in self.codes()}

    # -- loading and training ----------------------------------------------------------
    def load_suggester(self, progress=None, coder: str | None = None) -> None:
        """Load the saved model, or a matching shipped one, or train; slow, call from a worker.

        Then, in the same work: compute and cache the excerpts ``suggestions()`` was asked
        for while loading (the ones on screen), report ``progress("suggestions", 3, 3)`` (a
        caller may ask again now: those are cache hits), embed the excerpts the saved
        embeddings lack, and refresh the other stale suggestion-cache entries, the asked-for
        excerpts' documents first (``progress("caching suggestions", done, total)``).
        """
        from qualtally.nlp.persist import StaleModel, load_engine

        st = self._sg()
        st["loading"] = True
        step = progress or (lambda label, done, total: None)
        try:
            step("suggestions", 0, 3)
            self._cache_texts()
            _, _, cb_hash = self._codebook()
            step("suggestions", 1, 3)
            for folder in self._model_folders():
                try:
                    engine, meta = load_engine(folder, expect_hash=cb_hash)
                except StaleModel:
                    continue
                self._set_engine(engine, meta, folder, meta)
                if "minilm-l6-v2" in engine.embedders():  # saved vectors are MiniLM's only
                    self._load_embeddings()
                self._answer_wanted(engine)  # the excerpts on screen first (ms), then the rest
                step("suggestions", 3, 3)
                self._embed_excerpts(engine, loaded=True, progress=progress)
                self.refresh_suggestion_cache(progress)
                return
            step("training suggester", 2, 3)
            self._load_embeddings()
            self.retrain_suggester(coder, refresh=False)
            if st["engine"] is not None:
                self._answer_wanted(st["engine"])
                step("suggestions", 3, 3)
                self._embed_excerpts(st["engine"], progress=progress)
            else:
                step("suggestions", 3, 3)
            self.refresh_suggestion_cache(progress)
        finally:
            st["loading"] = False

    def prepare_suggestions(self, progress=None) -> dict | None:
        """Fill the suggestion cache now, when that needs no training; blocks.

        ``qualtally import`` calls it, so that the first coding screen after an import shows
        suggestions from the cache at once, rather than after the ~3 s of importing
        scikit-learn and spaCy its background loading needs (and, for new excerpts, their
        sentence embeddings). It runs the loader when a saved or shipped model fits the
        codebook (the excerpts without an entry are embedded and scored) or when nobody has
        coded yet and none fits (the loader then builds the codebook's cold start, ~2 ms an
        excerpt). It does nothing when every excerpt already has a valid entry, and leaves
        more than ``PREPARE_MAX_EMBED`` excerpts for a model that embeds with MiniLM (~50 ms
        a long turn) to the coding screen's background work, as it does a coded project
        that must train. Returns ``{"cached", "excerpts", "left"}`` (``left``: excerpts left
        to the coding screen), or None when it did nothing because nothing applies.
        """
        from qualtally.nlp import card

        info = self.info()
        total = info["excerpts"]
        if not info["codes"] or not total:
            return None
        _, _, cb_hash = self._codebook()
        picked = card.pick_model(self._model_folders(), cb_hash)
        if info["codings"] and picked is None:
            return None
        if picked is not None:
            missing = total - self._valid_entries(picked[1])
            if not missing:
                return {"cached": total, "excerpts": total, "left": 0}
            embeds = "minilm-l6-v2" in set(card.read_meta(picked[0]).get("embedders", {}).values())
            if embeds and missing > PREPARE_MAX_EMBED:
                return {"cached": total - missing, "excerpts": total, "left": missing}
        self.load_suggester(progress=progress)
        self.flush_suggestion_cache()
        key = self._sg().get("loaded", (None, None))[1]
        cached = self._valid_entries(key) if key is not None else 0
        return {"cached": cached, "excerpts": total, "left": 0}

    def _valid_entries(self, key: str) -> int:
        """Excerpts whose cache entry was made by ``key`` for their current text."""
        from qualtally.storage import suggestion_cache as sc

        hashes = self._read(sc.read_keys, key)
        return sum(1 for e in self.excerpts() if hashes.get(e.id) == sc.text_hash(e.text, e.question))

    def _embed_excerpts(self, engine, loaded: bool = False, progress=None) -> None:
        """Embed every excerpt once (cached by text) when the engine uses embeddings.

        Runs in the loading worker so that a later ``suggestions()`` for an excerpt costs
        a cache look-up rather than a pass through the sentence encoder. Vectors saved
        beside the model by an earlier session are read instead of recomputed, and any
        newly computed ones are saved for the next.
        """
        from qualtally.nlp import embed

        used = engine.embedders()
        texts = [text for text, _ in self._sg()["texts"].values()]
        for name in sorted(used):
            if not embed.available(name):
                continue
            if name != embed.MODEL_NAME:  # the static table: computing costs less than a saved file
                embed.embed(texts, embedder=name)
                continue
            if not loaded:
                self._load_embeddings()
            todo = [t for t in dict.fromkeys(texts) if t not in embed.cache_for(name)]
            for k in range(0, len(todo), 64):  # the numpy MiniLM: ~5-50 ms a text
                if progress:
                    progress("embedding excerpts", k, len(todo))
                embed.embed(todo[k:k + 64])
            if progress and todo:
                progress("embedding excerpts", len(todo), len(todo))
            self._save_embeddings()

    def _training_data(self, coder: str | None):
        """Items from codings (one coder's view per excerpt), reviewed-empty excerpts, rejections.

        Also returns the number of codings plus rejections seen, for :meth:`maybe_retrain`.
        """
        from qualtally.nlp.dataset import Item
        from qualtally.storage import queries

        st = self._sg()
        paths = {c.id: c.path for c in self.codes()}
        excerpts = self.excerpts()
        codings = self.codings([e.id for e in excerpts])
        reviewed = self._read(queries.reviewed, None)
        reviewed_ids = {eid for eid, _ in reviewed}
        all_rejected = self._read(queries.all_rejections, None)
        items, negatives = [], []
        n_codings = sum(len(v) for v in all_rejected.values())
        for e in excerpts:
            rows = codings.get(e.id, [])
            n_codings += len(rows)
            coders = sorted({who for _, who, _ in rows})
            rejected = {paths[c] for c in all_rejected.get(e.id, ()) if c in paths}
            if rows:
                view = coder if coder in coders else coders[0]
                codes = tuple(dict.fromkeys(paths[c] for c, who, _ in rows if who == view and c in paths))
                items.append(Item(e.text, codes, e.question or "", str(e.document_id)))
                negatives.append(None)
            elif e.id in reviewed_ids:
                items.append(Item(e.text, (), e.question or ""))
                negatives.append(None)
            elif rejected:
                items.append(Item(e.text, (), e.question or ""))
                negatives.append(rejected)
        st["texts"] = {e.id: (e.text, e.question or "") for e in excerpts}
        st["paths"] = paths
        return items, negatives, n_codings

    def retrain_suggester(self, coder: str | None = None, refresh: bool = True) -> None:
        """Train on the project's codings now and save the model; blocks, call from a worker.

        With ``refresh`` (the default) the suggestion cache is then refreshed for the new
        model in the same work.
        """
        from qualtally.nlp.engine import Engine
        from qualtally.nlp.persist import save_engine

        st = self._sg()
        with st["train_lock"]:
            _, profiles, cb_hash = self._codebook()
            items, negatives, n_codings = self._training_data(coder)
            with_codes = [i for i, it in enumerate(items) if it.codes]
            by_question = _per_question_codebooks(items)
            if len(with_codes) >= 2:
                engine = Engine.train(items, profiles, by_question=by_question, negatives=negatives)
            else:
                engine = Engine({}, profiles)
            meta = {"codings_seen": n_codings, "codebook_hash": cb_hash, "training_size": len(items)}
            try:
                folder = save_engine(engine, self.model_dir(), codebook=cb_hash, training_size=len(items),
                                     extra={"codings_seen": n_codings, "coder": coder})
            except OSError:  # a read-only folder: keep the model in memory (and cache nothing)
                folder = None
            self._set_engine(engine, meta, folder)
        self._save_embeddings()
        if refresh:
            self.refresh_suggestion_cache()

    def maybe_retrain(self, coder: str | None = None, background: bool = False, refresh: bool = True) -> bool:
        """Retrain when enough codings changed since the last training (a cheap check).

        Runs in the calling thread (the TUI calls it from a worker) unless ``background``.
        True when a retraining ran (or was started). ``refresh=False`` leaves the suggestion
        cache's refresh to the caller (the TUI shows the new model's suggestions first).
        """
        st = self._sg()
        if st["engine"] is None or st["train_lock"].locked():
            return False
        seen = st["meta"].get("codings_seen")
        now = self._feedback_count()
        if seen is not None and abs(now - seen) < RETRAIN_EVERY:
            return False
        if background:
            threading.Thread(target=self.retrain_suggester, args=(coder, refresh), daemon=True).start()
        else:
            self.retrain_suggester(coder, refresh)
        return True

    def _feedback_count(self) -> int:
        """Codings plus rejections: every human decision the model could learn from."""
        from qualtally.storage import queries

        rejected = self._read(queries.all_rejections, None)
        return self.info()["codings"] + sum(len(v) for v in rejected.values())

    def _engine(self):
        st = self._sg()
        if st["engine"] is None and not st["loading"]:
            self.load_suggester()
        return st["engine"]

    # -- suggestions ---------------------------------------------------------------------
    def suggestions(self, excerpt_id: int, coder: str, limit: int = 9) -> list[Suggestion]:
        """Codes proposed for an excerpt, best first, minus applied and rejected ones.

        Never loads or trains (the TUI calls it on every move). Before the engine has
        loaded: the cached suggestions when they were made by the model the loader will
        pick and for the excerpt's current text; else an earlier model's entry for that
        text, each suggestion marked ``earlier``; else []. Once loaded: the cache entry
        when valid, else computed now (and cached).
        """
        st = self._sg()
        found, skip = self._cached_or_computed(excerpt_id, coder, limit)
        exclude = {st["paths"].get(c) for c in skip}
        live = set(st["paths"].values())
        return [s for s in found if s.score > 0 and s.code_path in live and s.code_path not in exclude][:limit]

    def accept_suggestion(self, excerpt_id: int, code_path: str, coder: str) -> Code | None:
        """Apply a suggested code as a coding with origin ``suggestion-accepted``.

        The one way a suggestion becomes a coding (the coding screen and ``bulk_accept``
        both call it). Returns the code, now applied by ``coder`` (it may have been
        already), or None when no code has that path any more.
        """
        code = self.code_by_path(code_path)
        if code is None or code.id is None:
            return None
        self.apply_code(excerpt_id, code.id, coder, origin=ORIGIN_SUGGESTION)
        return code

    def _scored(self, excerpts):
        """(excerpt, codes, scores row, suggested row, thresholds) for many excerpts, by question."""
        engine = self._engine()
        if engine is None:
            return
        groups: dict[str, list] = {}
        for e in excerpts:
            groups.setdefault(e.question or "", []).append(e)
        for question, group in groups.items():
            codes, S, P, _, _ = engine.score([e.text for e in group], question)
            th = engine.thresholds(question, codes)
            for i, e in enumerate(group):
                yield e, codes, S[i], P[i], th

    def uncoded_suggestions(self, coder: str | None = None, limit: int = 9):
        """(excerpt id, suggestions) for every excerpt nobody (or ``coder``) has coded."""
        excerpts = self.excerpts()
        coded = self.codings([e.id for e in excerpts], coder)
        todo = [e for e in excerpts if not coded.get(e.id)]
        out = []
        for e, codes, s, p, _ in self._scored(todo):
            order = sorted(range(len(codes)), key=lambda j: -s[j])[:limit]
            out.append((e.id, [Suggestion(codes[j], round(float(s[j]), 4), bool(p[j])) for j in order]))
        return out

    def uncertainty_order(self, document_id: int | None = None, coder: str | None = None) -> list[int]:
        """Excerpt ids, the ones the model is least sure about first (coded ones last)."""
        excerpts = self.excerpts(document_id)
        coded = self.codings([e.id for e in excerpts], coder)
        todo = [e for e in excerpts if not coded.get(e.id)]
        margin = self._cached_margins(todo)
        missing = [e for e in todo if e.id not in margin]
        for e, _, s, _, th in self._scored(missing) if missing else ():
            margin[e.id] = float(min(abs(s - th))) if len(s) else 1.0
        ranked = sorted(todo, key=lambda e: margin.get(e.id, 1.0))
        return [e.id for e in ranked] + [e.id for e in excerpts if coded.get(e.id)]

    def bulk_accept_preview(self, code_path: str, min_score: float, coder: str) -> list[tuple[int, str, float]]:
        """(excerpt id, text, score) the coder has not coded yet where the code scores >= min_score."""
        code = self.code_by_path(code_path)
        if code is None:
            return []
        excerpts = self.excerpts()
        coded = self.codings([e.id for e in excerpts], coder)
        out = []
        for e, codes, s, _, _ in self._scored([e for e in excerpts if not coded.get(e.id)]):
            if code_path in codes:
                score = float(s[codes.index(code_path)])
                if score >= min_score and code.id not in self.rejections(e.id, coder):
                    out.append((e.id, e.text, round(score, 4)))
        return sorted(out, key=lambda r: -r[2])

    def bulk_accept(self, code_path: str, min_score: float, coder: str,
                    excerpt_ids: list[int] | None = None) -> int:
        """Accept the code on the previewed excerpts (or those of them in ``excerpt_ids``)."""
        chosen = [eid for eid, _, _ in self.bulk_accept_preview(code_path, min_score, coder)]
        if excerpt_ids is not None:
            chosen = [eid for eid in chosen if eid in set(excerpt_ids)]
        return sum(self.accept_suggestion(eid, code_path, coder) is not None for eid in chosen)


def _per_question_codebooks(items) -> bool:
    """True when questions use (mostly) their own codes, so one model per question fits."""
    by_code: dict[str, set[str]] = {}
    for it in items:
        for c in it.codes:
            by_code.setdefault(c, set()).add(it.question or "")
    questions = {it.question or "" for it in items if it.codes}
    if len(questions) < 2 or not by_code:
        return False
    shared = sum(1 for qs in by_code.values() if len(qs) > 1)
    return shared / len(by_code) <= 0.2


def shipped_model_dirs() -> list[Path]:
    """Models shipped with qualtally (the demo's), usable when their codebook hash matches."""
    from qualtally.nlp import shipped

    for root in shipped.roots():  # installed wheel, then a checkout
        if root.is_dir():
            return sorted(p for p in root.glob("*") if (p / "meta.json").is_file())
    return []
