"""Suggestion methods of the Project façade (cold-start keyword matching for now).

Kept in its own module so the suggestion engine can grow without making project.py
large; :class:`qualtally.project.Project` inherits it.
"""

from __future__ import annotations

import re

from qualtally.core.models import ORIGIN_SUGGESTION, Suggestion


class SuggestionsMixin:
    def load_suggester(self, progress=None) -> None:
        """Load (or train) the models; slow, call it from a worker."""

    def suggestions(self, excerpt_id: int, coder: str, limit: int = 9) -> list[Suggestion]:
        """Codes proposed for an excerpt, best first, minus applied and rejected ones."""
        excerpt = self.excerpt(excerpt_id)
        have = {c for c, who, _ in self.codings([excerpt_id], coder).get(excerpt_id, [])}
        rejected = self.rejections(excerpt_id, coder)
        text = excerpt.text.lower()
        out: list[Suggestion] = []
        for code in self.codes():
            if code.id in have or code.id in rejected or not code.keywords:
                continue
            hits = tuple(k for k in code.keywords if re.search(rf"\b{re.escape(k.lower())}", text))
            if hits:
                score = min(1.0, 0.3 + 0.2 * len(hits))
                out.append(Suggestion(code.path, score, True, keywords=hits, source="keywords"))
        out.sort(key=lambda s: -s.score)
        return out[:limit]

    def accept_suggestion(self, excerpt_id: int, code_path: str, coder: str) -> bool:
        code = self.code_by_path(code_path)
        if code is None or code.id is None:
            return False
        return self.apply_code(excerpt_id, code.id, coder, origin=ORIGIN_SUGGESTION)
