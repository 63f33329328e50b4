"""The bottom line of every screen: the keys that work here, drawn as one line of text.

Textual's ``Footer`` builds one widget per key and rebuilds them all whenever the
bindings change (on every focus change); on the coding screen, with its many keys, that
was a quarter of the time to the first frame. This bar draws the same information with
one ``render`` and no child widgets: the active bindings marked ``show=True`` as far as
they fit, and the help and command-palette keys at the right end. A click on a key
runs its action, as in the Footer.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.events import Click
from textual.widget import Widget

RIGHT_ACTIONS = {"help"}
"""Drawn at the right end, so they stay visible however many keys the screen has."""


class KeyBar(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        & > .keybar--key {
            color: $footer-key-foreground; background: $footer-key-background; text-style: bold;
        }
        & > .keybar--description {
            color: $footer-description-foreground; background: $footer-description-background;
        }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._spans: list[tuple[int, int, str]] = []
        """(first column, end column, key) of each key drawn, for clicks."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda screen: self.refresh())

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        text_style = self.get_component_rich_style("keybar--description", partial=True)
        left: list[tuple[str, str, str]] = []
        right: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if key == self.app.COMMAND_PALETTE_BINDING:
                if self.app.ENABLE_COMMAND_PALETTE:
                    right.append(
                        (key, self.app.get_key_display(binding), binding.description or "palette")
                    )
                continue
            if not binding.show or binding.action in seen or not enabled:
                continue
            seen.add(binding.action)
            item = (key, self.app.get_key_display(binding), binding.description)
            (right if binding.action in RIGHT_ACTIONS else left).append(item)
        width = self.size.width or 200
        tail = sum(len(k) + len(d) + 3 for _, k, d in right)
        line = Text(no_wrap=True, end="")
        spans: list[tuple[int, int, str]] = []
        for key, shown, description in left:
            if len(line) + len(shown) + len(description) + 3 > width - tail:
                break
            start = len(line)
            line.append(f" {shown} ", key_style)
            line.append(f"{description} ", text_style)
            spans.append((start, len(line), key))
        if right and len(line) + tail <= width:
            line.append(" " * (width - len(line) - tail))
            for key, shown, description in right:
                start = len(line)
                line.append(f" {shown} ", key_style)
                line.append(f"{description} ", text_style)
                spans.append((start, len(line), key))
        self._spans = spans
        return line

    def on_click(self, event: Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
