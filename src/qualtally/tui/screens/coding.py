"""The coding screen: documents on the left, the transcript in the centre, codes on the right.

Everything a coder does here is one key (see ``BINDINGS``), goes to the store at once
through the façade, and is undoable. The screen owns a :class:`CodingSession` (where we
are, what is coded) and passes data down to its widgets; widgets post messages up.
Suggestions and respondent counts are computed in workers, so moving never waits.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Label

from qualtally.core.models import Code
from qualtally.tui.guard import guarded
from qualtally.tui.screens.coding_edit import EditMixin
from qualtally.tui.screens.coding_order import OrderMixin
from qualtally.tui.screens.coding_search import SearchMixin
from qualtally.tui.screens.coding_suggest import SuggestMixin
from qualtally.tui.screens.counted import CountedCodebookScreen
from qualtally.tui.session import CodingSession
from qualtally.tui.textual_private import NoFrameInStartupBatch
from qualtally.tui.widgets.codebook_tree import CodebookTree, CodeFilter
from qualtally.tui.widgets.document_list import DocumentList
from qualtally.tui.widgets.key_bar import KeyBar
from qualtally.tui.widgets.status import StatusLine
from qualtally.tui.widgets.suggestions import SuggestionPanel
from qualtally.tui.widgets.transcript import TranscriptView

BLIND_NOTE = ("Blind mode: suggestions come from the codebook and your own codings only; "
              "counts are yours alone.")
NOTHING_CHIP = Code("∅ nothing applies")
"""Drawn after an excerpt the coder marked "nothing applies" (key ``0``)."""


class CodingScreen(NoFrameInStartupBatch, SuggestMixin, OrderMixin, SearchMixin, EditMixin,
                   CountedCodebookScreen):
    """The first screen: it renders no frame inside Textual's start-up batch (see
    ``tui/textual_private.py``), so the first frame written is a full one."""

    CSS_PATH = "coding.tcss"
    BINDINGS = [
        Binding("j,down", "move(1)", "Next excerpt"),
        Binding("k,up", "move(-1)", "Previous excerpt"),
        Binding("J", "move_document(1)", "Next document"),
        Binding("K", "move_document(-1)", "Previous document"),
        Binding("n", "next_uncoded", "Next uncoded"),
        Binding("o", "toggle_order", "Least sure first / document order"),
        *(
            Binding(str(i), f"accept({i})", f"Apply suggestion {i}", show=False)
            for i in range(1, 10)
        ),
        Binding("x", "reject", "Reject suggestion"),
        Binding("0", "nothing_applies", "Nothing applies"),
        Binding("enter,space", "toggle_code", "Toggle code"),
        Binding("slash", "filter_codes", "Filter codes"),
        Binding("m", "memo", "Memo"),
        Binding("s", "narrow", "Narrow to selection"),
        Binding("a", "add_code", "Add code"),
        Binding("ctrl+f", "search", "Search transcripts"),
        Binding("right_square_bracket", "next_match(1)", "Next match", show=False),
        Binding("left_square_bracket", "next_match(-1)", "Previous match", show=False),
        Binding("G", "goto", "Go to document or excerpt", show=False),
    ]

    def __init__(self, project, coder: str, session: CodingSession | None = None) -> None:
        """``session``: one already loaded from ``project`` (the CLI reads it before it
        takes the terminal, to refuse a damaged file in one line); else loaded at mount."""
        super().__init__()
        self.project = project
        self.coder = coder
        self.session = session or CodingSession(project, coder)
        self.model_ready = False
        self._background_started = False
        self._away = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield Label(Text("Documents by respondent"), classes="panel-title")
                yield DocumentList(id="documents")
            with Vertical(id="centre"):
                yield StatusLine(id="status")
                yield TranscriptView(id="transcript")
            with Vertical(id="right"):
                yield Label(Text("Codebook  (respondents)"), classes="panel-title")
                yield CodeFilter(placeholder="filter codes…", id="code-filter")
                yield CodebookTree(id="codebook")
                yield Label(Text("Suggestions  (1–9 apply, x rejects)"), classes="panel-title")
                yield SuggestionPanel(id="suggestions")
        yield KeyBar()

    # -- widgets --------------------------------------------------------------------------
    @property
    def transcript(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    @property
    def tree(self) -> CodebookTree:
        return self.query_one(CodebookTree)

    @property
    def panel(self) -> SuggestionPanel:
        return self.query_one(SuggestionPanel)

    def on_mount(self) -> None:
        if self.session.state is None:
            self.session.load(self.project.coder_state(self.coder))
        self.saved_state = self.session.state
        self.app.positions.prime(self.saved_state)
        self.tree.set_codes(self.session.codes)
        self.query_one(CodeFilter).display = False
        current = self.session.current
        restored = current is not None and current.id == (self.saved_state or {}).get("excerpt")
        # a restored place is where the coder chose to be: ranking must not move them
        self.show_document(jump=not restored)
        self.transcript.focus()
        if self.session.document is None:  # nothing to paint: start at once
            self.call_after_refresh(self.start_background)

    @on(TranscriptView.Painted)
    def start_background(self) -> None:
        """After the first frame: suggestions, saving the place, respondent counts, then
        the app's model loading.

        Each runs in a thread that would compete with the first frame for the GIL, the
        last two for seconds (numpy, scikit-learn and spaCy imports).
        """
        if self._background_started:
            return
        if not self.app.project_ready:  # drawn from a peek: open the project first
            self.app.open_project()
            return
        self._background_started = True
        self.show_blind_mode()
        if self.session.current is not None:
            self.request_suggestions()
            self.save_position()
        self.recount()
        self.app.start_background()

    def show_blind_mode(self) -> None:
        """Say in the suggestion panel when the suggestions are the coder's own (blind mode)."""
        blind = getattr(self.project, "blind", None)
        self.panel.set_note(BLIND_NOTE if blind is not None and blind() else "")

    def project_opened(self, project, redraw: bool) -> None:
        """The real project replaces the peek the first frame was drawn from."""
        self.project = self.session.project = project
        if redraw:  # the store changed between the peek and the opening: read it all anew,
            self.session.load(project.coder_state(self.coder))  # document text included
            self.redraw()
        self.start_background()

    def reload(self, focus_excerpt: int | None = None) -> None:
        """Re-read everything this screen shows (after undo/redo or a codebook edit)."""
        s = self.session
        s.reload_codes()
        s.reload_progress()
        if focus_excerpt is not None:
            s.focus_excerpt(focus_excerpt)
        elif s.document is not None:
            s.reload_excerpts()
        self.redraw()

    def redraw(self) -> None:
        """Show the session as it now is (kept suggestions dropped, counts recomputed)."""
        self.forget_suggestions()
        self.tree.set_codes(self.session.codes)
        self.show_document()
        self.recount()

    def on_screen_resume(self) -> None:
        """Back from another screen, where the codebook or codings may have changed."""
        if self._away and self.session.document is not None and self.is_mounted:
            self.reload()
        self._away = False

    def on_screen_suspend(self) -> None:
        self._away = True

    # -- showing ----------------------------------------------------------------------------
    def codes_of(self) -> dict[int, list[Code]]:
        """Excerpt id -> the chips drawn after it: this coder's codes, or "nothing applies"."""
        by_id = self.session.code_by_id
        out = {k: [by_id[c] for c in v if c in by_id] for k, v in self.session.codings.items()}
        for excerpt_id in self.session.nothing:
            out.setdefault(excerpt_id, []).append(NOTHING_CHIP)
        return out

    def show_document(self, jump: bool = True) -> None:
        """Show the current document; in "least sure first" order, ``jump`` to its least
        sure excerpt once it is ranked (not when reopening on a saved excerpt)."""
        s = self.session
        documents = self.query_one(DocumentList)
        if documents.rows is not s.rows:
            documents.set_rows(s.rows, s.doc_pos)
        else:
            documents.set_current(s.doc_pos)
        if s.document is None:
            self.query_one(StatusLine).set(Text("This project has no documents yet."))
            return
        self.transcript.show(s.document, s.excerpts, self.codes_of(), s.current)
        self.show_current(scroll=False)
        if s.order == "uncertainty" and s.document.id not in s.ranking:
            self.rank_current(jump=jump)

    def show_current(self, scroll: bool = True) -> None:
        s = self.session
        if scroll:
            self.transcript.set_current(s.current)
        self.tree.set_applied({c.id for c in s.current_codes})
        self.update_status()
        if self._background_started:  # before the first frame, start_background does these
            self.request_suggestions()
            self.save_position()

    def update_status(self) -> None:
        s = self.session
        e = s.current
        status = Text(no_wrap=True, overflow="ellipsis")
        if s.order == "uncertainty":  # first, so a long document name cannot hide it
            status.append(f"{self.order_label()} · ", style="bold italic")
        status.append(s.document.name if s.document else "", style="bold")
        if e is None:
            status.append("  no excerpts in this document")
        else:
            status.append(f"  {e.respondent_key or '—'}  excerpt {s.index + 1}/{len(s.excerpts)}")
            if e.parent_id is not None:
                status.append("  (narrowed span)")
            if e.question:
                status.append(f"  Q: {e.question}")
            if e.id in s.memos:
                status.append("  ✎ memo")
            if e.id in s.nothing:
                status.append("  ∅ nothing applies")
        self.query_one(StatusLine).set(status)

    def codes_changed(self) -> None:
        if self.session.current is not None:
            self.forget_suggestions(self.session.current.id)
        self.transcript.set_codes(self.codes_of())
        self.query_one(DocumentList).refresh_current()
        self.show_current(scroll=False)
        self.recount()
        if hasattr(self.project, "maybe_retrain"):
            self.app.schedule_retrain()

    # -- moving -----------------------------------------------------------------------------
    def action_move(self, delta: int) -> None:
        self.note_move()
        doc = self.session.document
        if self.session.move(delta):
            self._moved(doc)

    def action_move_document(self, delta: int) -> None:
        self.note_move()
        if self.session.move_document(delta):
            self.show_document()

    def action_next_uncoded(self) -> None:
        self.note_move()
        doc = self.session.document
        if self.session.next_uncoded():
            self._moved(doc)
        else:
            self.notify("Every excerpt has a coding from you.", markup=False)

    def _moved(self, previous_doc) -> None:
        if self.session.document is not previous_doc:
            self.show_document()
        else:
            self.show_current()

    @on(DocumentList.DocumentSelected)
    def document_selected(self, event: DocumentList.DocumentSelected) -> None:
        self.note_move()
        self.session.open_document(event.position)
        self.show_document()

    @on(TranscriptView.ExcerptSelected)
    def excerpt_clicked(self, event: TranscriptView.ExcerptSelected) -> None:
        self.note_move()
        if self.session.select_excerpt(event.excerpt_id):
            self.show_current()

    # -- coding -----------------------------------------------------------------------------
    @guarded
    def action_toggle_code(self) -> None:
        code_id = self.tree.highlighted_code
        if code_id is not None:
            self.toggle(code_id)

    @on(CodebookTree.CodeApplied)
    def code_applied(self, event: CodebookTree.CodeApplied) -> None:
        self.toggle(event.code_id)

    @guarded
    def toggle(self, code_id: int) -> None:
        if self.session.current is None:
            return
        applied = self.session.toggle(code_id)
        name = self.session.code_by_id[code_id].name
        self.notify(f"{'Applied' if applied else 'Removed'} {name}", timeout=1.5, markup=False)
        self.codes_changed()

    @guarded
    def action_nothing_applies(self) -> None:
        """``0``: this excerpt was read and no code applies (pressed again: not decided)."""
        if self.session.current is None:
            return
        if self.session.codings.get(self.session.current.id):
            self.notify("This excerpt has your codes: nothing-applies is for one without",
                        severity="warning", timeout=2.5, markup=False)
            return
        marked = self.session.mark_nothing()
        self.notify("Nothing applies to this excerpt" if marked else "Nothing-applies mark removed",
                    timeout=1.5, markup=False)
        self.transcript.set_codes(self.codes_of())
        self.query_one(DocumentList).refresh_current()
        self.show_current(scroll=False)

    @guarded
    def action_accept(self, number: int) -> None:
        suggestion = (
            self.panel.suggestion_at(number - 1) if self.session.current is not None else None
        )
        if suggestion is None:
            # said, not silent: a key pressed before the suggestions arrived did nothing
            self.notify(f"No suggestion {number} for this excerpt (yet)", timeout=1.5, markup=False)
            return
        self.accept(suggestion)

    @on(SuggestionPanel.SuggestionAccepted)
    def suggestion_clicked(self, event: SuggestionPanel.SuggestionAccepted) -> None:
        if event.index < len(self.panel.suggestions):  # a click is on the rows drawn now
            self.accept(self.panel.suggestions[event.index])

    @guarded
    def accept(self, suggestion) -> None:
        code = self.session.accept(suggestion.code_path)
        if code is None:
            self.notify(
                f"{suggestion.code_path} is no longer in the codebook",
                severity="warning",
                markup=False,
            )
            return
        self.notify(f"Applied {code.name}", timeout=1.5, markup=False)
        self.codes_changed()

    @guarded
    def action_reject(self) -> None:
        e = self.session.current
        seen = self.panel.highlighted_as_seen() if e is not None else None
        if seen is None:
            return
        path = seen.code_path
        code = next((c for c in self.session.codes if c.path == path), None)
        if code is not None:
            self.project.reject_suggestion(e.id, code.id, self.coder)
            self.forget_suggestions(e.id)
            self.notify(f"Rejected {code.name} for this excerpt", timeout=1.5, markup=False)
            self.request_suggestions()

    # -- codebook filter --------------------------------------------------------------------------
    def action_filter_codes(self) -> None:
        box = self.query_one(CodeFilter)
        box.display = True
        box.focus()

    @on(CodeFilter.Changed, "CodeFilter")
    def filter_changed(self, event: CodeFilter.Changed) -> None:
        self.tree.filter(event.value)

    @on(CodeFilter.Move)
    def filter_move(self, event: CodeFilter.Move) -> None:
        tree = self.tree
        tree.cursor_line = max(0, min(tree.cursor_line + event.delta, tree.last_line))

    @on(CodeFilter.Submitted, "CodeFilter")
    def filter_submitted(self, event: CodeFilter.Submitted) -> None:
        self.action_toggle_code()
        self.close_filter()

    @on(CodeFilter.Done)
    def close_filter(self) -> None:
        box = self.query_one(CodeFilter)
        keep = self.tree.highlighted_code
        box.value = ""
        box.display = False
        self.tree.filter("")
        self.tree.select_code(keep)
        self.transcript.focus()
