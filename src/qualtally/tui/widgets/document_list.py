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


def short_name(name: str, width: int) -> str:
    """``name`` in at most ``width`` cells, telling similar names apart: the folder goes
    first, then the extension, then the middle of the file name (its start and its end stay,
    where ``R01-…-a.txt`` and ``R01-…-b.txt`` differ), never only a shared beginning."""
    if len(name) <= width:
        return name
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if len(base) + 2 <= width:
        return "…/" + base
    stem, dot, _ = base.rpartition(".")
    if dot and stem:
        base = stem
    if len(base) + 1 <= width:
        return base + "…"
    if width < 4:
        return base[-width:]
    head = (width - 1) // 3
    return base[:head] + "…" + base[len(base) - (width - 1 - head):]


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
        self._styles: dict[str, Style] | None = None
        self._strips: dict[tuple, Strip] = {}
        """Rendered lines by (line, is current, width, coded, total)."""

    def set_rows(self, rows: list[DocRow], current: int) -> None:
        self.rows = rows
        self._lines = []
        self._line_of = {}
        self._strips.clear()
        last = None
        for i, row in enumerate(rows):
            group = row.respondents[0] if row.respondents else "—"
            if group != last:
                self._lines.append(("group", i))
                last = group
            self._line_of[i] = len(self._lines)
            self._lines.append(("doc", i))
        self.virtual_size = Size(self.size.width, len(self._lines))
        self.refresh()
        self.set_current(current)

    def set_current(self, current: int) -> None:
        """Mark ``current``: repaints the old and the new line, or, when the new one is out
        of view, scrolls it to the top third (one full repaint per screenful of moves)."""
        previous, self.current = self.current, current
        line = self._line_of.get(current, 0)
        height = max(1, self.scrollable_content_region.height)
        if not self.scroll_offset.y <= line < self.scroll_offset.y + height:
            self.scroll_to(y=max(0, line - height // 3), animate=False, immediate=True)
            self.refresh()
        else:
            self.refresh_current(previous)
            self.refresh_current()

    def refresh_current(self, position: int | None = None) -> None:
        """Repaint one document's line (the current one by default), e.g. after a coding."""
        self.refresh_line(self._line_of.get(self.current if position is None else position, 0))

    def notify_style_update(self) -> None:
        self._styles = None
        self._strips.clear()
        super().notify_style_update()

    def _style(self) -> dict[str, Style]:
        """The line styles, computed once (``rich_style`` walks the DOM on every call)."""
        if self._styles is None:
            base = self.rich_style
            style = self.get_component_rich_style
            current = base + style("doclist--current")
            self._styles = {
                "base": base,
                "respondent": base + style("doclist--respondent"),
                "current": current,
                "bar": base + style("doclist--bar"),
                "current bar": current + style("doclist--bar"),
                "done": base + style("doclist--done"),
                "current done": current + style("doclist--done"),
            }
        return self._styles

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        styles = self._style()
        base = styles["base"]
        if index >= len(self._lines):
            return Strip.blank(width, base)
        kind, i = self._lines[index]
        row = self.rows[i]
        key = (index, i == self.current, width, row.coded, row.total)
        if (cached := self._strips.get(key)) is not None:
            return cached
        if kind == "group":
            label = row.respondents[0] if row.respondents else "no respondent"
            strip = Strip([Segment(label, styles["respondent"])]).crop_extend(0, width, base)
        else:
            current = i == self.current
            line_style = styles["current"] if current else base
            count = f" {row.coded}/{row.total}"
            bar = progress_bar(row.coded, row.total)
            name_width = max(4, width - len(count) - BAR - 4)
            name = short_name(row.name, name_width)
            extra = f" +{len(row.respondents) - 1}" if len(row.respondents) > 1 else ""
            done = row.total and row.coded >= row.total
            prefix = "current " if current else ""
            segments = [
                Segment("▸ " if current else "  ", line_style),
                Segment((name + extra).ljust(name_width + 1)[: name_width + 1], line_style),
                Segment(bar, styles[prefix + "bar"]),
                Segment(count, styles[prefix + "done"] if done else line_style),
            ]
            strip = Strip(segments).crop_extend(0, width, base)
        if len(self._strips) > 2000:
            self._strips.clear()
        self._strips[key] = strip
        return strip

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + self.scroll_offset.y
        if 0 <= index < len(self._lines) and self._lines[index][0] == "doc":
            self.post_message(self.DocumentSelected(self._lines[index][1]))


