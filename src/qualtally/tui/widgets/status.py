"""One line above the transcript: document, respondent, excerpt n/N, question, memo mark.

A plain ``render`` with a fixed height, so updating it on every move repaints one line
and never asks for a layout pass (a ``Label.update`` would).
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class StatusLine(Widget):
    DEFAULT_CSS = """
    StatusLine { height: 1; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.text = Text()

    def set(self, text: Text) -> None:
        self.text = text
        self.refresh()

    def render(self) -> Text:
        return self.text
