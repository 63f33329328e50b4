"""The suggestions panel: up to nine codes proposed for the current excerpt, numbered 1-9.

Each entry shows the number to press, the code, the score and why (matched keywords,
the model's top terms, a similar excerpt). Until the model is ready the panel shows a
progress bar and "loading model…"; the bar is never Textual's indeterminate one, which
repaints 15 times a second for as long as it shows. The list has a fixed height and draws its rows
itself (Line API, each row a strip built once per set of suggestions), so a new set
repaints this panel only, with no layout pass and without Textual's per-frame rendering
of a rich ``Text`` (about 0.5 ms a row, 18 rows, on every move). It posts
``SuggestionAccepted`` on a click or Enter; the screen handles the digit keys and ``x``
with ``suggestion_at`` and ``highlighted_as_seen``, which for ``SWAP_GRACE`` after this
excerpt's list was reordered (a model came in) still mean the rows the coder was reading.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Click
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Label, ProgressBar

from qualtally.core.models import PATH_SEP, Suggestion, split_path


def suggestion_lines(n: int, s: Suggestion) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{n} ", style="bold")
    text.append(f"{s.score:.2f} ", style="dim")  # before the path, which a narrow panel cuts
    # the code's own name first: a narrow panel cuts the end, and sibling codes share
    # their parents' path ("Performance > Mandate ..." twice said nothing)
    *parents, leaf = split_path(s.code_path) or ("",)
    text.append(leaf)
    if parents:
        text.append(f"  in {PATH_SEP.join(parents)}", style="dim")
    reasons = []
    if s.keywords:
        reasons.append("keywords: " + ", ".join(s.keywords))
    if s.top_terms:
        reasons.append("terms: " + ", ".join(s.top_terms[:5]))
    if s.similar_excerpt:
        snippet = (
            s.similar_excerpt if len(s.similar_excerpt) <= 60 else s.similar_excerpt[:59] + "…"
        )
        reasons.append(f"like: “{snippet}”")
    if s.earlier:  # from the cache, made by an earlier model, until the current one has loaded
        reasons.insert(0, "earlier model")
    text.append("\n  " + ("; ".join(reasons) or " "), style="italic dim")
    return text


class SuggestionList(Widget, can_focus=True):
    """Two rows per suggestion; up/down move the highlight when focused, Enter accepts."""

    BINDINGS = [
        Binding("down", "cursor(1)", "Next suggestion", show=False),
        Binding("up", "cursor(-1)", "Previous suggestion", show=False),
        Binding("enter", "accept", "Apply suggestion", show=False),
    ]
    COMPONENT_CLASSES = {"suggestions--highlight"}
    DEFAULT_CSS = """
    SuggestionList {
        height: 18;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        & > .suggestions--highlight { background: $primary 30%; }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.suggestions: list[Suggestion] = []
        self.highlighted = 0
        self.empty_text = ""
        self._lines: list[Text] | None = None
        self._strips: dict[tuple[int, int, bool], Strip] = {}
        self._styles: tuple[Style, Style] | None = None

    def set_suggestions(self, suggestions: list[Suggestion], empty_text: str = "") -> None:
        if (
            suggestions == self.suggestions
            and empty_text == self.empty_text
            and self.highlighted == 0
        ):
            # the same again (a kept set shown after its pending "…" was not): nothing to repaint
            return
        self.suggestions = suggestions
        self.highlighted = 0
        self.empty_text = empty_text
        self._lines = None
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        self._styles = None
        self._strips.clear()
        super().notify_style_update()

    def _text_lines(self) -> list[Text]:
        if self._lines is None:
            if not self.suggestions:
                self._lines = [Text(self.empty_text, style="dim")]
            else:
                self._lines = [line for i, s in enumerate(self.suggestions)
                               for line in suggestion_lines(i + 1, s).split("\n")]
        return self._lines

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        if self._styles is None:
            self._styles = (
                self.rich_style,
                self.get_component_rich_style("suggestions--highlight", partial=True),
            )
        base, highlight = self._styles
        lines = self._text_lines()
        lit = bool(self.suggestions) and y // 2 == self.highlighted
        key = (y, width, lit)
        if (cached := self._strips.get(key)) is not None:
            return cached
        if y >= len(lines) or width <= 0:
            strip = Strip.blank(max(width, 0), base)
        else:
            line = lines[y].copy()
            if lit:
                line.stylize(highlight)
            line.truncate(width, overflow="ellipsis")
            segments = [Segment(seg.text, base + seg.style if seg.style else base)
                        for seg in line.render(self.app.console) if seg.text != "\n"]
            strip = Strip(segments).crop_extend(0, width, base)
        self._strips[key] = strip
        return strip

    def action_cursor(self, delta: int) -> None:
        if self.suggestions:
            self.highlighted = (self.highlighted + delta) % len(self.suggestions)
            self.refresh()

    def action_accept(self) -> None:
        if self.suggestions:
            self.post_message(SuggestionPanel.SuggestionAccepted(self.highlighted))

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and 0 <= offset.y // 2 < len(self.suggestions):
            self.highlighted = offset.y // 2
            self.refresh()
            self.action_accept()


class SuggestionPanel(Vertical):
    DEFAULT_CSS = """
    SuggestionPanel {
        height: auto;
        & > #suggest-status { color: $text-muted; padding: 0 1; }
        & > #suggest-note { color: $warning; padding: 0 1; display: none; }
        & > ProgressBar { padding: 0 1; }
    }
    """

    @dataclass
    class SuggestionAccepted(Message):
        index: int
        """Zero-based position in the panel (the key pressed minus one)."""

    SWAP_GRACE = 0.8
    """Seconds after this excerpt's list was replaced by a reordered one during which 1-9 and
    x still mean the rows the coder was reading (a key already on its way when a model came in)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ready = False
        self._shown_for: int | None = None
        self._replaced: tuple[float, list[Suggestion], int] | None = None

    def compose(self) -> ComposeResult:
        yield Label(Text("loading model…"), id="suggest-status")
        yield Label(Text(""), id="suggest-note")
        # never indeterminate: Textual animates an indeterminate bar at 15 frames a second,
        # each a repaint on the UI thread while the model's imports hold the GIL beside it
        yield ProgressBar(total=1, show_eta=False, id="suggest-progress")
        yield SuggestionList(id="suggest-list")

    @property
    def list(self) -> SuggestionList:
        return self.query_one(SuggestionList)

    @property
    def suggestions(self) -> list[Suggestion]:
        return self.list.suggestions

    # -- attributes down ------------------------------------------------------------
    def set_progress(self, label: str, done: int, total: int) -> None:
        self.query_one("#suggest-status", Label).update(Text(f"loading model… {label}"))
        self.query_one(ProgressBar).update(total=total or 1, progress=done if total else 1)

    def set_note(self, note: str) -> None:
        """A line above the list saying where the suggestions come from (blind mode)."""
        label = self.query_one("#suggest-note", Label)
        label.update(Text(note))
        label.display = bool(note)

    def set_ready(self, error: str | None = None) -> None:
        self.ready = True
        self.query_one(ProgressBar).display = False
        status = self.query_one("#suggest-status", Label)
        status.update(Text("suggestions unavailable: " + error if error else ""))
        status.display = bool(error)

    def set_suggestions(self, suggestions: list[Suggestion], excerpt_id: int | None = None) -> None:
        old = self.list.suggestions
        if (excerpt_id is not None and excerpt_id == self._shown_for and old and suggestions
                and [s.code_path for s in old] != [s.code_path for s in suggestions]):
            # same excerpt, reordered
            self._replaced = (time.monotonic(), old, self.list.highlighted)
        elif excerpt_id != self._shown_for:
            self._replaced = None
        self._shown_for = excerpt_id
        self.list.set_suggestions(
            suggestions, "no suggestion for this excerpt" if self.ready else ""
        )

    def set_pending(self) -> None:
        """Empty until this excerpt's suggestions arrive, so 1-9 never apply the last one's."""
        self._shown_for, self._replaced = None, None
        self.list.set_suggestions([], "…")

    def suggestion_at(self, index: int) -> Suggestion | None:
        """The suggestion in row ``index`` as the coder saw it: within ``SWAP_GRACE`` of this
        excerpt's list being reordered, the row of the list they were reading."""
        rows = self._replaced[1] if self._in_grace() else self.list.suggestions
        return rows[index] if 0 <= index < len(rows) else None

    def highlighted_as_seen(self) -> Suggestion | None:
        """The highlighted suggestion (what ``x`` rejects), with the same grace as
        :meth:`suggestion_at`."""
        if self._in_grace():
            return self.suggestion_at(self._replaced[2])
        index = self.highlighted_suggestion
        return None if index is None else self.list.suggestions[index]

    def _in_grace(self) -> bool:
        return (
            self._replaced is not None and time.monotonic() - self._replaced[0] <= self.SWAP_GRACE
        )

    @property
    def highlighted_suggestion(self) -> int | None:
        lst = self.list
        return lst.highlighted if lst.suggestions else None
