"""The left panel: documents grouped by respondent, each with its coding progress.

Drawn row by row like the transcript, so a project of 6,400 one-answer documents costs
no more than one of ten interviews. The parent gives it the rows (from the session's
single progress query) and the current position; a click posts ``DocumentSelected``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualtally.tui.session import DocRow

BAR = 6


def progress_bar(done: int, total: int) -> str:
    filled = round(BAR * done / total) if total else 0
    return "█" * filled + "░" * (BAR - filled)


class DocumentList(ScrollView, can_focus=False):
    COMPONENT_CLASSES = {"doclist--respondent", "doclist--current", "doclist--done", "doclist--bar"}
    DEFAULT_CSS = """
    DocumentList {
        & > .doclist--respondent { color: $secondary; text-style: bold; }
        & > .doclist--current { background: $primary 30%; text-style: bold; }
        & > .doclist--done { color: $success; }
        & > .doclist--bar { color: $accent; }
    }
    """

    @dataclass
    class DocumentSelected(Message):
        position: int
        """Index into the session's document rows."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: list[DocRow] = []
        self.current = 0
        self._lines: list[tuple[str, int]] = []
        """("group", row index) header lines and ("doc", row index) lines."""
        self._line_of: dict[int, int] = {}

    def set_rows(self, rows: list[DocRow], current: int) -> None:
        self.rows = rows
        self._lines = []
        self._line_of = {}
        last = None
        for i, row in enumerate(rows):
            group = row.respondents[0] if row.respondents else "—"
            if group != last:
                self._lines.append(("group", i))
                last = group
            self._line_of[i] = len(self._lines)
            self._lines.append(("doc", i))
        self.virtual_size = Size(self.size.width, len(self._lines))
        self.set_current(current)

    def set_current(self, current: int) -> None:
        self.current = current
        self.refresh()
        line = self._line_of.get(current, 0)
        height = max(1, self.scrollable_content_region.height)
        if not self.scroll_offset.y <= line < self.scroll_offset.y + height:
            self.scroll_to(y=max(0, line - height // 3), animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        kind, i = self._lines[index]
        row = self.rows[i]
        style = self.get_component_rich_style
        if kind == "group":
            label = row.respondents[0] if row.respondents else "no respondent"
            return Strip([Segment(label, base + style("doclist--respondent"))]).crop_extend(0, width, base)
        line_style = base + style("doclist--current") if i == self.current else base
        count = f" {row.coded}/{row.total}"
        bar = progress_bar(row.coded, row.total)
        name_width = max(4, width - len(count) - BAR - 4)
        name = row.name if len(row.name) <= name_width else row.name[: name_width - 1] + "…"
        extra = f" +{len(row.respondents) - 1}" if len(row.respondents) > 1 else ""
        done = row.total and row.coded >= row.total
        segments = [
            Segment("▸ " if i == self.current else "  ", line_style),
            Segment((name + extra).ljust(name_width + 1)[: name_width + 1], line_style),
            Segment(bar, line_style + style("doclist--bar")),
            Segment(count, line_style + (style("doclist--done") if done else Style())),
        ]
        return Strip(segments).crop_extend(0, width, base)

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + self.scroll_offset.y
        if 0 <= index < len(self._lines) and self._lines[index][0] == "doc":
            self.post_message(self.DocumentSelected(self._lines[index][1]))


