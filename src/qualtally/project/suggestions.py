"""The suggestion service: load or train the suggester, suggest, retrain, the review queue.

The suggester itself lives in :mod:`qualtally.nlp` (imported when first loaded, never
with the façade); this service turns the project's codings, reviewed-empty excerpts and
rejections into training data (``training.py``), keeps the suggester in use in the shared
:class:`~qualtally.project.suggest_state.SuggestState` (swapped whole after a background
retraining), and filters what a coder already applied or rejected. Suggestions are
cached per excerpt (``suggestion_cache.py``) so a reopened project shows them before the
model loads; they count in no tally until a person accepts one
(:meth:`qualtally.project.coding.Coding.accept_suggestion`).

In blind mode (``Project.set_blind``) a coder's suggestions come from a model of their own
codings, marks and rejections alone, kept in its own folder (``blind_folder``), or the
codebook's cold start while they have coded too little: never from the project's shared
model, a shipped one (the demo's learned from coder-a) or a cache entry either made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualtally.core.models import Excerpt, Suggestion
from qualtally.project import training
from qualtally.project.coding import Coding, Progress
from qualtally.project.embeddings import Embeddings
from qualtally.project.reads import Reads
from qualtally.project.suggest_state import SuggestState
from qualtally.project.suggestion_cache import SuggestionCache, blind_folder

if TYPE_CHECKING:
    from qualtally.nlp.suggester import Suggester

RETRAIN_EVERY = 5
"""Retrain after this many codings were added or removed since the last training."""
PREPARE_MAX_EMBED = 400
"""Above this many excerpts to embed with MiniLM, ``prepare_suggestions`` leaves them to the
coding screen's background work (an import would otherwise block for minutes)."""
PREPARE_MAX_SCORE = 2000
"""Above this many excerpts to score at all (a cold start, or a model that embeds with the
static table: ~2-8 ms an excerpt), the same: 66,858 excerpts held an import of a codebook into
1,000 transcripts for over 6 minutes (``python -m benchmarks --size 1k``, tui step)."""


class Suggestions:
    def __init__(
        self,
        reads: Reads,
        coding: Coding,
        cache: SuggestionCache,
        embeddings: Embeddings,
        state: SuggestState,
        model_dir: Path,
        saved: Callable[[], None] = lambda: None,
    ) -> None:
        self.reads, self.coding, self.cache, self.embeddings = reads, coding, cache, embeddings
        self.state, self.model_dir = state, model_dir
        self.saved = saved
        """Called after a model is saved (a server project copies it into the database)."""

    def scope_for(self, coder: str | None) -> str | None:
        """The coder whose own codings alone a model for ``coder`` may learn from: ``coder``
        in blind mode (nothing derived from another coder reaches them), else None (all)."""
        from qualtally.storage import queries

        if coder is None:
            return None
        return coder if self.reads.read(queries.setting, "blind", False) else None

    def remember_texts(self) -> None:
        self.state.texts = {e.id: (e.text, e.question or "") for e in self.reads.excerpts()}
        self.state.paths = {c.id: c.path for c in self.reads.codes() if c.id is not None}

    # -- loading and training ----------------------------------------------------------
    def load_suggester(self, progress: Progress | None = None, coder: str | None = None) -> None:
        """Load the saved model, or a matching shipped one, or train; slow, call from a worker.

        Then, in the same work: compute and cache the excerpts ``suggestions()`` was asked
        for while loading (the ones on screen), report ``progress("suggestions", 3, 3)`` (a
        caller may ask again now: those are cache hits), embed the excerpts the saved
        embeddings lack, and refresh the other stale suggestion-cache entries, the asked-for
        excerpts' documents first (``progress("caching suggestions", done, total)``).
        """
        from qualtally.nlp.persist import StaleModel, UntrustedModel, load_model

        st = self.state
        st.loading = True
        st.refused = []
        step = progress or (lambda label, done, total: None)
        scope = self.scope_for(coder)
        try:
            step("suggestions", 0, 3)
            self.remember_texts()
            _, _, cb_hash = training.codebook(self.reads)
            step("suggestions", 1, 3)
            for folder in self.cache.model_folders(scope):
                try:
                    suggester, meta = load_model(folder, expect_hash=cb_hash)
                except UntrustedModel as err:  # never built; a new model replaces it below
                    st.refused.append(str(err))
                    continue
                except StaleModel:
                    continue
                self.cache.install(suggester, meta, folder, meta, scope=scope)
                if "minilm-l6-v2" in suggester.embedders():  # saved vectors are MiniLM's only
                    self.embeddings.load()
                self.cache.answer_wanted(
                    suggester
                )  # the excerpts on screen first (ms), then the rest
                step("suggestions", 3, 3)
                self.embeddings.embed_excerpts(suggester, loaded=True, progress=progress)
                self.cache.refresh(progress)
                return
            step("training suggester", 2, 3)
            self.embeddings.load()
            self.retrain_suggester(coder, refresh=False)
            trained = st.suggester
            if trained is not None:
                self.cache.answer_wanted(trained)
                step("suggestions", 3, 3)
                self.embeddings.embed_excerpts(trained, progress=progress)
            else:
                step("suggestions", 3, 3)
            self.cache.refresh(progress)
        finally:
            st.loading = False

    def prepare_suggestions(self, progress: Progress | None = None) -> dict[str, int] | None:
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

        info = self.reads.info()
        total = info["excerpts"]
        if not info["codes"] or not total:
            return None
        _, _, cb_hash = training.codebook(self.reads)
        picked = card.pick_model(self.cache.model_folders(), cb_hash)
        if info["codings"] and picked is None:
            return None
        if picked is not None:
            missing = total - self.cache.valid_entries(picked[1])
            if not missing:
                return {"cached": total, "excerpts": total, "left": 0}
            embeds = "minilm-l6-v2" in set(card.read_meta(picked[0]).get("embedders", {}).values())
            if missing > (PREPARE_MAX_EMBED if embeds else PREPARE_MAX_SCORE):
                return {"cached": total - missing, "excerpts": total, "left": missing}
        elif total > PREPARE_MAX_SCORE:  # a cold start for every excerpt
            return {"cached": 0, "excerpts": total, "left": total}
        self.load_suggester(progress=progress)
        self.cache.flush()
        key = self.state.key
        cached = self.cache.valid_entries(key) if key is not None else 0
        return {"cached": cached, "excerpts": total, "left": 0}

    def retrain_suggester(self, coder: str | None = None, refresh: bool = True) -> None:
        """Train on the project's codings now and save the model; blocks, call from a worker.

        With ``refresh`` (the default) the suggestion cache is then refreshed for the new
        model in the same work.
        """
        from qualtally.nlp.persist import save_model
        from qualtally.nlp.suggester import Suggester

        scope = self.scope_for(coder)
        with self.state.train_lock:
            _, profiles, cb_hash = training.codebook(self.reads)
            items, negatives, n_codings = training.training_data(self.reads, coder, scope)
            self.remember_texts()
            with_codes = [i for i, it in enumerate(items) if it.codes]
            by_question = training.per_question_codebooks(items)
            if len(with_codes) >= 2:
                suggester = Suggester.train(
                    items, profiles, by_question=by_question, negatives=negatives
                )
            else:
                suggester = Suggester({}, profiles)
            meta = {
                "codings_seen": n_codings,
                "codebook_hash": cb_hash,
                "training_size": len(items),
            }
            folder: Path | None
            try:
                folder = save_model(
                    suggester,
                    self.model_dir if scope is None else blind_folder(self.model_dir, scope),
                    codebook=cb_hash,
                    training_size=len(items),
                    extra={"codings_seen": n_codings, "coder": coder},
                )
            except OSError:  # a read-only folder: keep the model in memory (and cache nothing)
                folder = None
            else:
                self.saved()
            self.cache.install(suggester, meta, folder, scope=scope)
        self.embeddings.save()
        if refresh:
            self.cache.refresh()

    def maybe_retrain(self, coder: str | None = None, refresh: bool = True) -> bool:
        """Retrain when enough codings changed since the last training (a cheap check).

        Runs in the calling thread (the TUI calls it from its retraining thread); True when
        a retraining ran. ``refresh=False`` leaves the suggestion cache's refresh to the
        caller (the TUI shows the new model's suggestions first).
        """
        st = self.state
        if st.suggester is None or st.train_lock.locked():
            return False
        scope = self.scope_for(coder)
        seen = st.meta.get("codings_seen")
        if seen is None and training.excluded(self.reads):
            seen = 0  # a shipped model, none of this project's own (counted) decisions in it
        if (
            st.scope == scope  # blind mode turned on or off: a model for the other scope is due
            and seen is not None
            and abs(training.feedback_count(self.reads, scope) - seen) < RETRAIN_EVERY
        ):
            return False
        self.retrain_suggester(coder, refresh)
        return True

    def suggester(self, coder: str | None = None) -> Suggester | None:
        """The suggester in use for ``coder`` (blind mode: the model of their own codings),
        loading it first if nobody is loading it."""
        st = self.state
        scope = self.scope_for(coder)
        if (st.suggester is None or st.scope != scope) and not st.loading:
            self.load_suggester(coder=coder)
        return st.suggester if st.scope == scope else None

    # -- suggestions ---------------------------------------------------------------------
    def suggestions(self, excerpt_id: int, coder: str, limit: int = 9) -> list[Suggestion]:
        """Codes proposed for an excerpt, best first, minus applied and rejected ones.

        Never loads or trains (the TUI calls it on every move). Before the suggester has
        loaded: the cached suggestions when they were made by the model the loader will
        pick and for the excerpt's current text; else an earlier model's entry for that
        text, each suggestion marked ``earlier``; else []. Once loaded: the cache entry
        when valid, else computed now (and cached).
        """
        found, skip = self.cache.cached_or_computed(excerpt_id, coder, limit)
        paths = self.state.paths
        exclude = {paths.get(c) for c in skip}
        live = set(paths.values())
        return [
            s for s in found if s.score > 0 and s.code_path in live and s.code_path not in exclude
        ][:limit]

    def scored(
        self, excerpts: list[Excerpt], coder: str | None = None
    ) -> Iterator[tuple[Excerpt, list[str], Any, Any, Any]]:
        """(excerpt, codes, scores row, suggested row, thresholds) for many excerpts, by
        question."""
        suggester = self.suggester(coder)
        if suggester is None:
            return
        groups: dict[str, list[Excerpt]] = {}
        for e in excerpts:
            groups.setdefault(e.question or "", []).append(e)
        for question, group in groups.items():
            codes, S, P, _, _ = suggester.score([e.text for e in group], question)
            th = suggester.thresholds(question, codes)
            for i, e in enumerate(group):
                yield e, codes, S[i], P[i], th

    def _uncoded(self, excerpts: list[Excerpt], coder: str | None) -> tuple[list[Excerpt], dict]:
        coded = self.reads.codings([e.id for e in excerpts], coder)
        return [e for e in excerpts if not coded.get(e.id)], coded

    def uncoded_suggestions(
        self, coder: str | None = None, limit: int = 9
    ) -> list[tuple[int, list[Suggestion]]]:
        """(excerpt id, suggestions) for every excerpt nobody (or ``coder``) has coded."""
        todo, _ = self._uncoded(self.reads.excerpts(), coder)
        out = []
        for e, codes, s, p, _ in self.scored(todo, coder):
            order = sorted(range(len(codes)), key=lambda j: -s[j])[:limit]
            out.append(
                (e.id, [Suggestion(codes[j], round(float(s[j]), 4), bool(p[j])) for j in order])
            )
        return out

    def uncertainty_order(
        self, document_id: int | None = None, coder: str | None = None
    ) -> list[int]:
        """Excerpt ids, the ones the model is least sure about first (coded ones last), by
        the rule of :mod:`qualtally.nlp.uncertainty` (the cache stores the same margin)."""
        from qualtally.nlp.uncertainty import least_sure_first
        from qualtally.nlp.uncertainty import margin as margin_of

        excerpts = self.reads.excerpts(document_id)
        todo, coded = self._uncoded(excerpts, coder)
        margin = self.cache.cached_margins(todo, self.scope_for(coder))
        missing = [e for e in todo if e.id not in margin]
        for e, _, s, _, th in self.scored(missing, coder) if missing else ():
            margin[e.id] = margin_of(s, th)
        ranked = least_sure_first([e.id for e in todo], margin)
        return ranked + [e.id for e in excerpts if coded.get(e.id)]

    def bulk_accept_preview(
        self, code_path: str, min_score: float, coder: str
    ) -> list[tuple[int, str, float]]:
        """(excerpt id, text, score) the coder has not coded yet where the code scores
        >= min_score."""
        code = self.reads.code_by_path(code_path)
        if code is None:
            return []
        todo, _ = self._uncoded(self.reads.excerpts(), coder)
        out = []
        for e, codes, s, _, _ in self.scored(todo, coder):
            if code_path in codes:
                score = float(s[codes.index(code_path)])
                if score >= min_score and code.id not in self.reads.rejections(e.id, coder):
                    out.append((e.id, e.text, round(score, 4)))
        return sorted(out, key=lambda r: -r[2])

    def bulk_accept(
        self, code_path: str, min_score: float, coder: str, excerpt_ids: list[int] | None = None
    ) -> int:
        """Accept the code on the previewed excerpts (or those of them in ``excerpt_ids``)."""
        chosen = [eid for eid, _, _ in self.bulk_accept_preview(code_path, min_score, coder)]
        if excerpt_ids is not None:
            chosen = [eid for eid in chosen if eid in set(excerpt_ids)]
        return sum(
            self.coding.accept_suggestion(eid, code_path, coder) is not None for eid in chosen
        )
