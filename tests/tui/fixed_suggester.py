"""A fixed, model-free suggester for the TUI snapshot tests.

The snapshots must not change when a trained model's floats do (a library update, another
BLAS, a retuned threshold), so the app is given the real project wrapped in
:class:`FixedSuggestions`: every call goes to the project except the three the TUI asks a
model through (``suggestions``, ``uncertainty_order`` and ``maybe_retrain``, plus
``load_suggester``), which answer from a rule written here. The rule is the codebook's
keywords, counted in the excerpt's text with fixed scores, so each excerpt's list is the
same on every machine and still reads like the real panel (scores, keywords, terms).
"""

from __future__ import annotations

import re

from qualtally.core.models import Suggestion


def fixed_suggestions(text: str, codes) -> list[Suggestion]:
    """Every code with a keyword in ``text`` (score 0.35 + 0.2 a keyword, at most 0.95,
    suggested), then the other codes at 0.30, 0.25, ... in codebook order (not suggested),
    best first; scores of 0 or less are left out, as the real engine's are."""
    words = re.findall(r"\w+", text.lower())
    found, rest = [], []
    for code in codes:
        hits = tuple(k for k in code.keywords if k.lower() in words)
        if hits:
            terms = tuple(w for w in dict.fromkeys(words) if len(w) > 5)[:3]
            found.append(Suggestion(code.path, round(min(0.95, 0.35 + 0.2 * len(hits)), 2), True,
                                    keywords=hits, top_terms=terms, source="fixed"))
        else:
            score = round(0.30 - 0.05 * len(rest), 2)
            if score > 0:
                rest.append(Suggestion(code.path, score, False, source="fixed"))
    return sorted(found, key=lambda s: (-s.score, s.code_path)) + rest


class FixedSuggestions:
    """``project`` with :func:`fixed_suggestions` in place of its model."""

    def __init__(self, project) -> None:
        self._project = project

    def __getattr__(self, name):
        return getattr(self._project, name)

    def suggestions(self, excerpt_id: int, coder: str, limit: int = 9) -> list[Suggestion]:
        """As ``Project.suggestions``: minus the codes the coder applied or rejected."""
        project = self._project
        skip = {c for c, _, _ in project.codings([excerpt_id], coder).get(excerpt_id, [])}
        skip |= project.rejections(excerpt_id, coder)
        paths = {c.id: c.path for c in project.codes()}
        skipped = {paths.get(c) for c in skip}
        found = fixed_suggestions(project.excerpt(excerpt_id).text, project.codes())
        return [s for s in found if s.code_path not in skipped][:limit]

    def uncertainty_order(self, document_id: int | None = None,
                          coder: str | None = None) -> list[int]:
        """Uncoded excerpts in document order, then the coded ones (the real order's contract)."""
        excerpts = self._project.excerpts(document_id)
        coded = self._project.codings([e.id for e in excerpts], coder)
        return ([e.id for e in excerpts if not coded.get(e.id)]
                + [e.id for e in excerpts if coded.get(e.id)])

    def load_suggester(self, progress=None, coder: str | None = None) -> None:
        """Nothing to load."""

    def maybe_retrain(self, coder: str | None = None, background: bool = False,
                      refresh: bool = True) -> bool:
        return False
