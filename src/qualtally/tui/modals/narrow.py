"""Narrow an excerpt to a span without a mouse: type the exact words, or pick a sentence.

``s`` uses the text selected in the transcript when there is one; otherwise this modal
opens with the cursor in the box for the exact words, as its first line says (Enter narrows
to those words); ``down`` moves into the list of sentences, where Enter picks one. The
sentences are cut with a plain rule (end punctuation followed by a space) so the modal
needs no model; typing text finds it inside the excerpt, case-insensitively.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from qualtally.core.models import Excerpt

_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"'”’)\]]*|$)")


def sentences(excerpt: Excerpt) -> list[tuple[int, int]]:
    """Document offsets of the sentences inside an excerpt, blanks trimmed."""
    out = []
    for m in _SENTENCE.finditer(excerpt.text):
        a, b = m.span()
        chunk = m.group()
        a += len(chunk) - len(chunk.lstrip())
        b -= len(chunk) - len(chunk.rstrip())
        if b > a:
            out.append((excerpt.start + a, excerpt.start + b))
    return out


def find_span(excerpt: Excerpt, typed: str) -> tuple[int, int] | None:
    typed = " ".join(typed.split())
    if not typed:
        return None
    pattern = r"\s+".join(re.escape(w) for w in typed.split(" "))
    m = re.search(pattern, excerpt.text, flags=re.IGNORECASE)
    return (excerpt.start + m.start(), excerpt.start + m.end()) if m else None


class NarrowModal(ModalScreen[tuple[int, int] | None]):
    """Returns ``(start, end)`` document offsets inside the excerpt, or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "sentences", "Pick a sentence", show=False),
    ]
    DEFAULT_CSS = """
    NarrowModal {
        align: center middle;
        & > Vertical { width: 90; height: auto; max-height: 80%; border: round $primary;
                       background: $surface; padding: 0 1; }
        & OptionList { height: auto; max-height: 20; }
        & .hint { color: $text-muted; }
    }
    """

    def __init__(self, excerpt: Excerpt) -> None:
        super().__init__()
        self.excerpt = excerpt
        self.spans = sentences(excerpt)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Type the exact words and press Enter, "
                             "or press ↓ to pick a sentence (Enter picks it)"))
            yield Input(placeholder="exact words from the excerpt", id="narrow-text")
            yield OptionList(
                *(Option(Text(self._text(a, b))) for a, b in self.spans), id="narrow-sentences"
            )
            yield Label(Text("tip: select text with the mouse, then press s"), classes="hint")

    def _text(self, a: int, b: int) -> str:
        return self.excerpt.text[a - self.excerpt.start:b - self.excerpt.start]

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_sentences(self) -> None:
        """From the box to the sentence list (the list handles ``down`` itself once focused)."""
        if self.spans:
            options = self.query_one(OptionList)
            options.highlighted = 0
            options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.spans[event.option_index])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.notify("Type words from the excerpt, or press ↓ to pick a sentence",
                        markup=False)
            return
        span = find_span(self.excerpt, event.value)
        if span is None:
            self.notify("Those words are not in this excerpt", severity="warning", markup=False)
            return
        self.dismiss(span)

    def action_cancel(self) -> None:
        self.dismiss(None)
