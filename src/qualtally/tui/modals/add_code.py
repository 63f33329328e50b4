"""Add a code from the coding screen (``a``) without losing your place.

The modal returns a :class:`Code` ready for ``project.add_code``; the coding screen
adds it, applies it to the current excerpt if asked, and stays where it was.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from qualtally.core.models import Code, Finding, split_path
from qualtally.tui.widgets.code_form import CodeForm


def code_from_values(values: dict, codes: list[Code]) -> Code:
    parent = next((c for c in codes if c.id == values["parent_id"]), None)
    return Code(values["name"], parent.path if parent else None, values["definition"],
                values["include"], values["exclude"], values["keywords"], finding=values["finding"])


class AddCodeModal(ModalScreen[tuple[Code, bool] | None]):
    """Returns ``(code, apply_now)``, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save(True)", "Add and apply"),
        Binding("escape", "cancel", "Cancel"),
    ]
    DEFAULT_CSS = """
    AddCodeModal {
        align: center middle;
        & > Vertical {
            width: 84; height: 90%; border: round $primary; background: $surface; padding: 0 1;
        }
        & Horizontal { height: auto; }
        & Button { margin-right: 2; }
    }
    """

    def __init__(self, codes: list[Code], findings: list[Finding], parent_id: int | None) -> None:
        super().__init__()
        self.codes = codes
        self.findings = findings
        self.parent_id = parent_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("New code  (ctrl+s adds it and applies it to the current excerpt)"))
            yield CodeForm(self.codes, self.findings, parent_id=self.parent_id)
            with Horizontal():
                yield Button("Add and apply", variant="primary", id="add-apply")
                yield Button("Add only", id="add-only")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#code-name").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.action_save(event.button.id == "add-apply")

    def action_save(self, apply_now: bool = True) -> None:
        values = self.query_one(CodeForm).values()
        if not values["name"] or len(split_path(values["name"])) > 1 or ";" in values["name"]:
            self.notify("A code needs a name without ' > ' or ';'", severity="warning",
                        markup=False)
            return
        self.dismiss((code_from_values(values, self.codes), apply_now))

    def action_cancel(self) -> None:
        self.dismiss(None)
