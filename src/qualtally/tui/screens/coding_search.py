"""The coding screen's search and go-to: find words in the transcripts, jump by name.

``ctrl+f`` asks for words and jumps to the first match at or after the current excerpt;
``]`` and ``[`` go to the next and previous match (wrapping round, across documents), and the
status line says which match of how many is shown. ``G`` lists every document and excerpt by
name (document, excerpt number, respondent, first words) to jump to one by typing part of it.
Kept apart from coding.py so each file reads in one sitting; :class:`CodingScreen` inherits it.
"""

from __future__ import annotations

from qualtally.tui.guard import guarded


class SearchMixin:
    """Needs ``session``, ``project``, ``show_document`` and ``note_move`` from the screen."""

    search_query = ""
    search_hits: list = []
    search_at = -1

    def action_search(self) -> None:
        from qualtally.tui.modals.search import SearchModal  # imported when first used

        self.app.push_screen(SearchModal(self.search_query), self._searched)

    @guarded
    def _searched(self, query: str | None) -> None:
        if not query:
            return
        self.search_query = query
        self.search_hits = [h for h in self.project.search(query) if h.excerpt_id is not None]
        if not self.search_hits:
            self.search_at = -1
            self.notify(f"No match for {query!r} in the transcripts", severity="warning",
                        markup=False)
            return
        here, current = self._here(), self.session.current
        self.search_at = next(
            (i for i, h in enumerate(self.search_hits)
             if (current is not None and h.excerpt_id == current.id)
             or (h.document, h.start) >= here), 0)
        self._show_hit()

    def _here(self) -> tuple[str, int]:
        s = self.session
        e = s.current
        return (s.document.name if s.document else "", e.start if e else 0)

    def action_next_match(self, delta: int) -> None:
        if not self.search_hits:
            self.notify("No search yet: ctrl+f searches the transcripts", markup=False)
            return
        self.search_at = (self.search_at + delta) % len(self.search_hits)
        self._show_hit()

    def _show_hit(self) -> None:
        hit = self.search_hits[self.search_at]
        self._jump(hit.excerpt_id)
        self.notify(f"match {self.search_at + 1}/{len(self.search_hits)} in {hit.document}: "
                    f"…{hit.snippet}…", timeout=4, markup=False)

    def _jump(self, excerpt_id: int | None) -> None:
        if excerpt_id is None:
            return
        self.note_move()
        if self.session.focus_excerpt(excerpt_id):
            self.show_document(jump=False)
            self.transcript.set_current(self.session.current)

    # -- go to a document or an excerpt by name --------------------------------------------
    def action_goto(self) -> None:
        from qualtally.tui.modals.pick import PickModal  # imported when first used

        documents = {d.id: d.name for d in self.project.documents()}
        choices: list[tuple[object, str]] = []
        counts: dict[int, int] = {}
        rows = []
        for e in self.project.excerpts():
            if e.parent_id is None:
                counts[e.document_id] = counts.get(e.document_id, 0) + 1
                rows.append((e, counts[e.document_id]))
        first: dict[int, int] = {}
        for e, _ in rows:
            first.setdefault(e.document_id, e.id)
        for doc_id, name in documents.items():
            if doc_id in first:
                choices.append((first[doc_id], f"{name}  (document)"))
        for e, n in rows:
            words = " ".join(e.text.split()[:8])
            choices.append((e.id, f"{documents.get(e.document_id, '?')} #{n} "
                                  f"{e.respondent_key or '—'}: {words}"))
        self.app.push_screen(PickModal("Go to a document or excerpt", choices), self._jump)
