"""The current document, rendered row by row so a 300,000-character transcript stays fluid.

A ``ScrollView`` over the rows of :mod:`qualtally.tui.layout`: only the rows on screen
are turned into segments, and the text goes straight into segments, never through a
markup parser, so ``[inaudible]`` and ``[CIC]`` show as written. The current excerpt is
highlighted with a bar in the gutter; every coded excerpt is followed by a row of chips
naming its codes. Text selection works as in any Textual widget, and
:meth:`selected_span` turns it back into document offsets for span coding.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click, Resize
from textual.geometry import Offset, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip

from qualtally.core.models import Code, Document, Excerpt
from qualtally.tui.layout import BLANK, CHIPS, SPEAKER, TEXT, Row, layout, with_chips

GUTTER = 2


class TranscriptView(ScrollView, can_focus=True, inherit_bindings=False):
    BINDINGS = [
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("end", "scroll_end", "Bottom", show=False),
    ]
    COMPONENT_CLASSES = {
        "transcript--current", "transcript--gutter", "transcript--interviewer",
        "transcript--speaker", "transcript--chip", "transcript--coded",
    }
    DEFAULT_CSS = """
    TranscriptView {
        & > .transcript--current { background: $primary 25%; }
        & > .transcript--gutter { color: $accent; }
        & > .transcript--interviewer { color: $text-muted; }
        & > .transcript--speaker { color: $secondary; text-style: bold; }
        & > .transcript--chip { color: $text; background: $boost; }
        & > .transcript--coded { color: $success; }
    }
    """

    @dataclass
    class ExcerptSelected(Message):
        """The user clicked inside an excerpt."""

        excerpt_id: int

    class Painted(Message):
        """Posted once, when the first rows of a document have been drawn: the screen
        waits for it to start the slow background work, so nothing competes with the
        first frame."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.document: Document | None = None
        self.excerpts: list[Excerpt] = []
        self.codes_of: dict[int, list[Code]] = {}
        self.current: Excerpt | None = None
        self._base_rows: list[Row] = []
        self._rows: list[Row] = []
        self._starts: list[int] = []
        self._width = 0
        self._painted = False
        self._strips: dict[tuple[int, int | None, int, int], Strip] = {}
        """Rendered rows by (row, current excerpt if the row shows it, scroll x, width)."""

    # -- attributes down ----------------------------------------------------------------
    def show(self, document: Document, excerpts: list[Excerpt], codes_of: dict[int, list[Code]],
             current: Excerpt | None) -> None:
        """Show a document (re-wrapping it only if it changed)."""
        if (
            self.document is None
            or document.id != self.document.id
            or document.text != self.document.text
        ):
            self.document = document
            self._base_rows = []
        self.excerpts = excerpts
        self.codes_of = codes_of
        self.current = current
        self._relayout()
        self.scroll_to_current(center=True)

    def set_codes(self, codes_of: dict[int, list[Code]]) -> None:
        self.codes_of = codes_of
        self._relayout()

    def set_current(self, current: Excerpt | None) -> None:
        """Move the highlight: repaint only the rows of the old and the new excerpt, unless
        the view has to scroll (a full repaint, from the row cache)."""
        old = self.current
        self.current = current
        top = self.scroll_offset.y
        self.scroll_to_current()
        if self.scroll_offset.y != top or old is None or current is None or not self._rows:
            self.refresh()
            return
        for excerpt in (old, current):
            first, last = self.rows_of(excerpt)
            self.refresh_lines(first, last - first + 1)

    # -- layout -------------------------------------------------------------------------
    def _wrap_width(self) -> int:
        return max(20, self.scrollable_content_region.width - GUTTER - 1)

    def _relayout(self) -> None:
        if self.document is None or not self.size.width:
            return  # not laid out yet: on_resize will wrap at the real width
        width = self._wrap_width()
        if not self._base_rows or width != self._width:
            self._width = width
            self._base_rows = layout(self.document, width)
        ends = {e.id: e.end for e in self.excerpts if self.codes_of.get(e.id)}
        self._rows = with_chips(self._base_rows, ends)
        self._starts = [r.start if r.kind == TEXT else -1 for r in self._rows]
        self._strips.clear()
        self.virtual_size = Size(width + GUTTER, len(self._rows))
        self.refresh()

    def on_resize(self, event: Resize) -> None:
        if self.document is not None and (self._wrap_width() != self._width or not self._rows):
            self._relayout()
            self.scroll_to_current(center=True)

    def rows_of(self, excerpt: Excerpt) -> tuple[int, int]:
        """First and last row index showing text of ``excerpt``."""
        first = last = None
        for i, r in enumerate(self._rows):
            if (
                r.kind == TEXT
                and r.start < max(excerpt.end, excerpt.start + 1)
                and r.end > excerpt.start
            ):
                if first is None:
                    first = i
                last = i
            elif first is not None and r.kind == TEXT:
                break
        if first is None:
            return 0, 0
        if last + 1 < len(self._rows) and self._rows[last + 1].kind == CHIPS:
            last += 1
        return first, last

    def scroll_to_current(self, center: bool = False) -> None:
        if self.current is None or not self._rows:
            return
        first, last = self.rows_of(self.current)
        height = max(1, self.scrollable_content_region.height)
        top = self.scroll_offset.y
        if center or first < top or last >= top + height:
            target = first - max(1, height // 4) if last - first < height else first
            self.scroll_to(y=max(0, target), animate=False, immediate=True)

    # -- rendering ------------------------------------------------------------------------
    def render_lines(self, crop):
        if self.document is not None and not self._rows and self.size.width:
            # first paint: wrap now rather than on the Resize event, which arrives after
            # the first frame and would leave that frame without the transcript
            self._relayout()
            self.scroll_to_current(center=True)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self._style("base")
        if index >= len(self._rows):
            return Strip.blank(width, base)
        if not self._painted:
            self._painted = True
            self.post_message(self.Painted())
        row = self._rows[index]
        key = (index, self.current.id if self._in_current(row) else None, scroll_x, width)
        if self.text_selection is None and (cached := self._strips.get(key)) is not None:
            return cached
        strip = Strip(self._segments(row, index, base))
        strip = strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, index)
        if self.text_selection is None:
            if len(self._strips) > 4000:
                self._strips.clear()
            self._strips[key] = strip
        return strip

    def _in_current(self, row: Row) -> bool:
        cur = self.current
        return cur is not None and (
            (row.kind == TEXT and row.start < max(cur.end, cur.start + 1) and row.end > cur.start)
            or (row.kind == CHIPS and cur.id in row.excerpt_ids))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_cache = {}
        self.__dict__.get("_strips", {}).clear()

    def _style(self, name: str) -> Style:
        """Component styles, cached: looking them up per row is most of a repaint's cost."""
        cache = self.__dict__.setdefault("_style_cache", {})
        if name not in cache:
            if name == "base":
                cache[name] = self.rich_style
            elif name == "screen--selection":
                cache[name] = self.screen.get_component_rich_style(name)
            else:
                cache[name] = self.get_component_rich_style(name)
        return cache[name]

    def _segments(self, row: Row, index: int, base: Style) -> list[Segment]:
        cur = self.current
        style = self._style
        in_current = self._in_current(row)
        gutter = Segment("▌ " if in_current else "  ", base + style("transcript--gutter"))
        if row.kind == BLANK:
            return [gutter]
        if row.kind == SPEAKER:
            return [gutter, Segment(row.text, base + style("transcript--speaker"))]
        if row.kind == CHIPS:
            return [gutter, *self._chips(row, base)]
        text_style = base if row.respondent else base + style("transcript--interviewer")
        segments = [gutter]
        marks = []
        if in_current:
            marks.append((max(cur.start, row.start) - row.start, min(cur.end, row.end) - row.start,
                          style("transcript--current")))
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(index)) is not None:
            a, b = span
            a = max(0, a - GUTTER)
            b = len(row.text) if b == -1 else max(0, b - GUTTER)
            marks.append((a, b, self._style("screen--selection")))
        if not marks:
            return [gutter, Segment(row.text, text_style)]
        cuts = sorted({0, len(row.text), *(p for a, b, _ in marks for p in (a, b))})
        for a, b in zip(cuts, cuts[1:]):
            if a >= b:
                continue
            s = text_style
            for ma, mb, mstyle in marks:
                if ma <= a and b <= mb:
                    s = s + mstyle
            segments.append(Segment(row.text[a:b], s))
        return segments

    def _chips(self, row: Row, base: Style) -> list[Segment]:
        chip = base + self._style("transcript--chip")
        out: list[Segment] = []
        for excerpt_id in row.excerpt_ids:
            for code in self.codes_of.get(excerpt_id, []):
                colour = Style(color=code.colour) if code.colour.startswith("#") else Style()
                out.append(Segment("● ", chip + colour))
                out.append(Segment(f"{code.name} ", chip))
                out.append(Segment(" ", base))
        return out

    # -- selection and clicks ---------------------------------------------------------------
    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        span = self.span_of(selection)
        if span is None or self.document is None:
            return None
        return self.document.text[span[0]:span[1]], "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    def offset_at(self, x: int, y: int, *, end: bool = False) -> int | None:
        """Document offset of a cell (row ``y`` of the virtual rows, column ``x``)."""
        if not self._rows:
            return None
        y = max(0, min(y, len(self._rows) - 1))
        row = self._rows[y]
        if row.kind != TEXT:
            # a non-text row maps to the nearest text boundary
            k = y
            step = -1 if end else 1
            while 0 <= k < len(self._rows) and self._rows[k].kind != TEXT:
                k += step
            if not 0 <= k < len(self._rows):
                return None
            row = self._rows[k]
            return row.end if end else row.start
        return row.start + max(0, min(x - GUTTER, row.end - row.start))

    def span_of(self, selection: Selection | None) -> tuple[int, int] | None:
        if selection is None or not self._rows:
            return None
        start = selection.start or Offset(0, 0)
        end = selection.end
        a = self.offset_at(start.x, start.y)
        b = self.offset_at(end.x, end.y, end=True) if end is not None else len(self.document.text)
        if a is None or b is None or b <= a:
            return None
        return a, b

    def selected_span(self) -> tuple[int, int] | None:
        """The selected text as document offsets, trimmed of surrounding blanks."""
        span = self.span_of(self.text_selection)
        if span is None or self.document is None:
            return None
        a, b = span
        text = self.document.text
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        return (a, b) if b > a else None

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        pos = self.offset_at(offset.x + self.scroll_offset.x, offset.y + self.scroll_offset.y)
        if pos is None:
            return
        inside = [e for e in self.excerpts if e.start <= pos < e.end]
        if inside:
            best = min(inside, key=lambda e: e.end - e.start)
            self.post_message(self.ExcerptSelected(best.id))

