"""The suggester: learned models per codebook, cold start, and explanations.

Ties the pieces together for both the CLI harness and the Project façade: one
:class:`~qualtally.nlp.model.CodeSuggester` per question (codebooks are often per
question) or one for everything, cold-start scores from the codebook blended in for codes
with few examples (and used alone for codes nobody has applied yet), and a
:class:`~qualtally.core.models.Suggestion` with its reasons for each proposed code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qualtally.core.models import Suggestion
from qualtally.nlp.coldstart import CodeProfile, ColdStart
from qualtally.nlp.dataset import Item
from qualtally.nlp.explain import coded_rows, similar_coded, similarities, top_terms_many
from qualtally.nlp.model import CodeSuggester
from qualtally.nlp.uncertainty import margins

FEW = 8
"""Below this many positive examples a code's score leans on the cold-start score (when its
codebook entry says more than its name, ``coldstart.says_more_than_name``)."""


@dataclass
class Suggester:
    models: dict[str, CodeSuggester] = field(default_factory=dict)
    profiles: list[CodeProfile] = field(default_factory=list)
    seed: int = 0

    def __post_init__(self) -> None:
        self.cold = ColdStart(self.profiles) if self.profiles else None

    @classmethod
    def train(cls, items: list[Item], profiles: list[CodeProfile] | None = None, *,
              by_question: bool | None = None, seed: int = 0, negatives=None,
              embedder: str | None = None) -> Suggester:
        """Fit one model per question (when items carry >1 question) or one overall.

        ``embedder`` names the sentence embedder (default MiniLM, ``embed.MODEL_NAME``; or
        ``static_embed.STATIC_NAME``).
        """
        questions = sorted({it.question or "" for it in items})
        if by_question is None:
            by_question = len(questions) > 1
        groups = {q: [i for i, it in enumerate(items) if (it.question or "") == q]
                  for q in questions} if by_question else {"": list(range(len(items)))}
        models = {}
        for q, idx in groups.items():
            if not any(items[i].codes for i in idx):
                continue
            neg = [negatives[i] for i in idx] if negatives is not None else None
            kw = {"embedder": embedder} if embedder else {}
            models[q] = CodeSuggester(random_state=seed, **kw).fit(
                [items[i].text for i in idx], [items[i].codes for i in idx], negatives=neg)
        return cls(models, list(profiles or []), seed)

    def embed_ahead(self, texts: list[str]) -> None:
        """Embed ``texts`` in batches with each embedder the models use (fills the cache).

        One excerpt at a time, the MiniLM forward pass runs on a batch of one; a caller
        about to suggest for many new texts calls this first."""
        from qualtally.nlp import embed

        for name in sorted(self.embedders()):
            if embed.available(name):
                embed.embed(texts, embedder=name)

    def embedders_by_question(self) -> dict[str, str]:
        """question -> the sentence embedder its model was fitted with (MiniLM for older
        models), for the models that use one."""
        return {q: getattr(m, "embedder", "minilm-l6-v2") for q, m in self.models.items()
                if getattr(m, "use_embeddings_", False)}

    def embedders(self) -> set[str]:
        """The sentence embedders the models were fitted with."""
        return set(self.embedders_by_question().values())

    def model_for(self, question: str | None) -> CodeSuggester | None:
        q = question or ""
        if q in self.models:
            return self.models[q]
        if "" in self.models:
            return self.models[""]
        return None

    def score(self, texts: list[str], question: str | None = None):
        """(codes, scores (n, K), suggested (n, K), model or None, feature rows or None)."""
        return self._score(texts, question)[:5]

    def _score(self, texts: list[str], question: str | None = None):
        """:meth:`score` plus the keyword hits per text (the cold start computes them anyway)."""
        model = self.model_for(question)
        codes: list[str] = list(model.classes_) if model is not None else []
        if self.cold is not None:
            codes += [p for p in self.cold.paths if p not in set(codes)]
        n, K = len(texts), len(codes)
        S, P = np.zeros((n, K)), np.zeros((n, K), dtype=bool)
        M, hits = None, [{} for _ in texts]
        if self.cold is not None:  # first: its spaCy pass also lemmatises the texts for the model
            cs, hits = self.cold.scores(texts)
        if model is not None:
            M = model.transform_texts(texts)
            s = model.scores_from_matrix(M, texts)
            k = len(model.classes_)
            S[:, :k], P[:, :k] = s, model.decide(s)
        if self.cold is not None:
            cold_index = {p: j for j, p in enumerate(self.cold.paths)}
            trained = len(model.classes_) if model is not None else 0
            for j, code in enumerate(codes):
                c = cs[:, cold_index[code]] if code in cold_index else None
                if c is None:
                    continue
                if j >= trained:  # nobody has applied it yet: cold start alone
                    S[:, j], P[:, j] = c, self.cold.suggested(c)
                elif model.n_positive_[j] < FEW and self.cold.informative[cold_index[code]]:
                    # a code with few examples leans on what its codebook entry says; a
                    # names-only entry says nothing the model has not read (measured: mixing
                    # it in cost up to 0.05 micro-F1 on the NHS learning curves)
                    a = model.n_positive_[j] / FEW
                    S[:, j] = a * S[:, j] + (1 - a) * c
                    P[:, j] = P[:, j] | ((S[:, j] >= model.thresholds_[j]) & (c >= 0.5))
        return codes, S, P, model, M, hits

    def thresholds(self, question: str | None, codes: list[str]) -> np.ndarray:
        """Decision threshold per code of :meth:`score`'s columns (0.5 for cold-start codes)."""
        model = self.model_for(question)
        th = np.full(len(codes), 0.5)
        if model is not None:
            th[: len(model.classes_)] = model.thresholds_
        return th

    def suggest(self, text: str, question: str | None = None, exclude=(), limit: int = 9,
                explain: bool = True) -> list[Suggestion]:
        """Codes for one excerpt, best first, minus ``exclude`` (applied or rejected)."""
        return self.suggest_many([text], question, exclude=exclude, limit=limit, explain=explain)[
            0
        ][0]

    def suggest_many(
        self,
        texts: list[str],
        question: str | None = None,
        exclude=(),
        limit: int = 9,
        explain: bool = True,
        chunk: int = 256,
    ) -> list[tuple[list[Suggestion], float]]:
        """Per text: (its best ``limit`` suggestions minus ``exclude``, its uncertainty margin).

        Scored in batches of ``chunk`` texts (one TF-IDF transform, one embedding look-up,
        one similarity product per batch), which is what refreshing a project's suggestion
        cache needs. The margin is :func:`qualtally.nlp.uncertainty.margins` (the smallest
        distance between a code's score and that code's threshold; small: the model is
        unsure), by which :meth:`Project.uncertainty_order` ranks excerpts.
        """
        out: list[tuple[list[Suggestion], float]] = []
        excluded = set(exclude)
        for lo in range(0, len(texts), chunk):
            part = texts[lo: lo + chunk]
            codes, S, P, model, M, hits = self._score(part, question)
            th = self.thresholds(question, codes)
            unsure = margins(S, th)
            trained = len(model.classes_) if model is not None else 0
            why = explain and model is not None
            sims = similarities(model, M) if why else None
            rows = M.tocsr() if why else None
            coded = coded_rows(model) if why else None
            for i in range(len(part)):
                order = [j for j in np.argsort(-S[i], kind="stable") if codes[j] not in excluded][
                    :limit
                ]
                learned = [j for j in order if j < trained] if why else []
                lo_, hi_ = (rows.indptr[i], rows.indptr[i + 1]) if why else (0, 0)
                terms_of = (
                    dict(
                        zip(
                            learned,
                            top_terms_many(
                                model, rows.indices[lo_:hi_], rows.data[lo_:hi_], learned
                            ),
                        )
                    )
                    if learned
                    else {}
                )
                found = []
                for j in order:
                    terms, similar = (), None
                    if j in terms_of:
                        terms = terms_of[j]
                        similar = similar_coded(model, sims[i], j, coded[j])
                    found.append(
                        Suggestion(
                            codes[j],
                            round(float(S[i, j]), 4),
                            bool(P[i, j]),
                            hits[i].get(codes[j], ()) if explain else (),
                            terms,
                            similar,
                            "model" if j < trained else "keywords",
                        )
                    )
                out.append((found, unsure[i]))
        return out
