"""The ``?`` screen: every key of the screen the user came from, and the global ones.

Built from the live bindings rather than a hand-written list, so it cannot go stale.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static


def key_table(screen: Screen, app) -> list[tuple[str, str, str]]:
    """(where, keys, what) for the screen's bindings then the app's, merged by action."""
    rows: list[tuple[str, str, str]] = []
    for where, bindings in (("screen", screen.BINDINGS), ("global", app.BINDINGS)):
        seen: dict[str, list[str]] = {}
        descr: dict[str, str] = {}
        for b in bindings:
            if not isinstance(b, Binding):
                b = Binding(*b)
            keys = [k.strip() for k in b.key.split(",")]
            seen.setdefault(b.action, []).extend(keys)
            descr.setdefault(b.action, b.description or b.action)
        for action, keys in seen.items():
            rows.append(
                (
                    where,
                    " / ".join(app.get_key_display(Binding(k, action)) for k in keys),
                    descr[action],
                )
            )
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help")]
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 72; height: 80%; border: round $primary; background: $surface; padding: 0 1;
        }
        #help-title { text-style: bold; color: $accent; }
    }
    """

    def __init__(self, origin: Screen) -> None:
        super().__init__()
        self.origin = origin

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label(Text("Keys  (escape closes)"), id="help-title")
            last = None
            for where, keys, what in key_table(self.origin, self.app):
                if where != last:
                    yield Label(
                        Text(
                            "\nOn this screen" if where == "screen" else "\nEverywhere",
                            style="bold",
                        )
                    )
                    last = where
                line = Text()
                line.append(f"{keys:<22}", style="bold")
                line.append(what)
                yield Static(line)
            yield Static(Text("\nctrl+p opens the command palette: every action above, by name."))
