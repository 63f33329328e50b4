"""The coding screen's editing dialogs: a memo, narrowing to a span, adding a code.

Each opens a modal and writes through the façade when it closes; the screen keeps its
place. The dialogs are imported when first opened, not before the first frame. Kept apart
from coding.py so each file reads in one sitting; :class:`CodingScreen` inherits it and
provides ``session``, ``project``, ``coder``, ``tree`` and ``transcript``.
"""

from __future__ import annotations

from qualtally.tui.guard import guarded


class EditMixin:
    # -- memo, narrow, add code -------------------------------------------------------------------
    def action_memo(self) -> None:
        e = self.session.current
        if e is None:
            return
        label = f"{e.respondent_key or 'excerpt'} · excerpt {self.session.index + 1}"
        from qualtally.tui.modals.memo import MemoModal  # the dialogs load when first used

        self.app.push_screen(
            MemoModal(label, self.project.memo(e.id, self.coder)), self.memo_written
        )

    @guarded
    def memo_written(self, text: str | None) -> None:
        e = self.session.current
        if text is None or e is None or text == self.project.memo(e.id, self.coder):
            return
        self.project.set_memo(e.id, self.coder, text)
        if text:
            self.session.memos.add(e.id)
        else:
            self.session.memos.discard(e.id)
        self.notify("Memo saved" if text else "Memo deleted", timeout=1.5, markup=False)
        self.update_status()

    def action_narrow(self) -> None:
        s = self.session
        if s.current is None:
            return
        span = self.transcript.selected_span()
        if span is None:
            from qualtally.tui.modals.narrow import NarrowModal

            self.app.push_screen(NarrowModal(s.current), self.narrow_to)
            return
        self.clear_selection()
        self.narrow_to(span)

    @guarded
    def narrow_to(self, span: tuple[int, int] | None) -> None:
        s = self.session
        if span is None or s.current is None:
            return
        a, b = span
        inside = [e for e in s.excerpts if e.start <= a and b <= e.end]
        base = (
            s.current
            if s.current in inside
            else min(inside, key=lambda e: e.end - e.start, default=None)
        )
        if base is None:
            self.notify(
                "Select text inside one excerpt to narrow it", severity="warning", markup=False
            )
            return
        if (a, b) == (base.start, base.end):
            self.notify("That is the whole excerpt already", severity="warning", markup=False)
            return
        new_id = self.project.narrow(base.id, a, b, self.coder)
        s.reload_progress()
        s.reload_excerpts()
        s.select_excerpt(new_id)
        self.show_document()
        self.notify(
            "Narrowed: this span is now its own excerpt; code it as usual", timeout=2, markup=False
        )

    def action_add_code(self) -> None:
        parent = self.tree.highlighted_code
        parent_code = self.session.code_by_id.get(parent) if parent is not None else None
        parent_id = parent_code.parent_id if parent_code else None
        from qualtally.tui.modals.add_code import AddCodeModal

        self.app.push_screen(AddCodeModal(self.session.codes, self.project.findings(), parent_id),
                             self.code_added)

    @guarded
    def code_added(self, result) -> None:
        if result is None:
            return
        code, apply_now = result
        code_id = self.project.add_code(code, self.coder)
        self.session.reload_codes()
        self.tree.set_codes(self.session.codes)
        self.tree.select_code(code_id)
        if apply_now and self.session.current is not None:
            self.session.apply(code_id)
        self.notify(f"Added {code.path}", timeout=1.5, markup=False)
        self.codes_changed()
