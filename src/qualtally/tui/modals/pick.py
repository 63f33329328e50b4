"""Pick one item from a list by typing part of its name: a code, a document, an excerpt.

One small modal for the codebook screen's merge (``m``) and move (``v``) and the coding
screen's go-to (``G``), so they behave alike: the cursor is in the filter box, every typed
word must appear in the label, ``down``/``up`` move through the matches and Enter picks the
highlighted one. Labels are shown as ``Text`` (a code may be called "[CIC] liaison").
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from qualtally.core.models import Code

TOP_LEVEL = -1
"""What the picker returns for "(top level)" when it is offered (moving a code)."""


SHOWN = 300
"""At most this many matches are listed (a big project has thousands of excerpts)."""


class PickModal(ModalScreen[object | None]):
    """Returns the picked item's key, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "step(1)", "Next code", show=False),
        Binding("up", "step(-1)", "Previous code", show=False),
    ]
    DEFAULT_CSS = """
    PickModal {
        align: center middle;
        & > Vertical { width: 80; height: auto; max-height: 80%; border: round $primary;
                       background: $surface; padding: 0 1; }
        & OptionList { height: auto; max-height: 20; }
    }
    """

    def __init__(self, title: str, choices: list[tuple[object, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.shown: list[tuple[object, str]] = choices[:SHOWN]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"{self.title_text} — type part of its name, Enter picks"))
            yield Input(placeholder="type to filter", id="pick-filter")
            yield OptionList(*(Option(Text(p)) for _, p in self.shown), id="pick-list")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.shown:
            self.query_one(OptionList).highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        words = event.value.lower().split()
        self.shown = [(i, p) for i, p in self.choices
                      if all(w in p.lower() for w in words)][:SHOWN]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(Text(p)) for _, p in self.shown])
        if self.shown:
            options.highlighted = 0

    def action_step(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if self.shown:
            now = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, now + delta))

    def on_input_submitted(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or not self.shown:
            self.notify("Nothing matches", severity="warning", markup=False)
            return
        self.dismiss(self.shown[index][0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


def code_choices(codes: list[Code], *, top_level: bool = False) -> list[tuple[object, str]]:
    """Codes by path, "(top level)" first when offered (a move)."""
    out: list[tuple[object, str]] = [(TOP_LEVEL, "(top level)")] if top_level else []
    return out + [(c.id, c.path) for c in codes if c.id is not None]
