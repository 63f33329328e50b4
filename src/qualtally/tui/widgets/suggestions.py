"""The suggestions panel: up to nine codes proposed for the current excerpt, numbered 1-9.

Each line shows the number to press, the code, the score and why (matched keywords, the
model's top terms, a similar excerpt). Until the model is ready the panel shows a
progress bar and "loading model…". It posts ``SuggestionAccepted`` when a line is chosen
with the mouse or Enter; the screen handles the digit keys and ``x`` itself, reading
``highlighted_suggestion``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList, ProgressBar
from textual.widgets.option_list import Option

from qualtally.core.models import Suggestion


def suggestion_prompt(n: int, s: Suggestion) -> Text:
    text = Text(no_wrap=False)
    text.append(f"{n} ", style="bold")
    text.append(s.code_path)
    text.append(f"  {s.score:.2f}", style="dim")
    reasons = []
    if s.keywords:
        reasons.append("keywords: " + ", ".join(s.keywords))
    if s.top_terms:
        reasons.append("terms: " + ", ".join(s.top_terms[:5]))
    if s.similar_excerpt:
        snippet = s.similar_excerpt if len(s.similar_excerpt) <= 60 else s.similar_excerpt[:59] + "…"
        reasons.append(f"like: “{snippet}”")
    if reasons:
        text.append("\n  " + "; ".join(reasons), style="italic dim")
    return text


class SuggestionPanel(Vertical):
    DEFAULT_CSS = """
    SuggestionPanel {
        height: auto;
        & > #suggest-status { color: $text-muted; padding: 0 1; }
        & > ProgressBar { padding: 0 1; }
        & > OptionList { height: auto; max-height: 20; border: none; padding: 0; }
    }
    """

    @dataclass
    class SuggestionAccepted(Message):
        index: int
        """Zero-based position in the panel (the key pressed minus one)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.suggestions: list[Suggestion] = []
        self.ready = False

    def compose(self) -> ComposeResult:
        yield Label(Text("loading model…"), id="suggest-status")
        yield ProgressBar(total=None, show_eta=False, id="suggest-progress")
        yield OptionList(id="suggest-list")

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#suggest-list", OptionList)

    # -- attributes down ------------------------------------------------------------
    def set_progress(self, label: str, done: int, total: int) -> None:
        self.query_one("#suggest-status", Label).update(Text(f"loading model… {label}"))
        bar = self.query_one(ProgressBar)
        bar.update(total=total or None, progress=done)

    def set_ready(self, error: str | None = None) -> None:
        self.ready = True
        self.query_one(ProgressBar).display = False
        status = "suggestions unavailable: " + error if error else ""
        self.query_one("#suggest-status", Label).update(Text(status))
        self.query_one("#suggest-status", Label).display = bool(error)

    def set_suggestions(self, suggestions: list[Suggestion]) -> None:
        self.suggestions = suggestions
        options = self.option_list
        options.clear_options()
        if suggestions:
            options.add_options(Option(suggestion_prompt(i + 1, s)) for i, s in enumerate(suggestions))
            options.highlighted = 0
        elif self.ready:
            options.add_option(Option(Text("no suggestion for this excerpt", style="dim"), disabled=True))

    @property
    def highlighted_suggestion(self) -> int | None:
        index = self.option_list.highlighted
        return index if index is not None and index < len(self.suggestions) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.suggestions):
            self.post_message(self.SuggestionAccepted(event.option_index))
