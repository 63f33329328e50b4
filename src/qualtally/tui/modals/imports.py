"""The project's imports, and undoing one as a whole (command palette: "Undo an import").

One row per import (number, when, who, what it brought). Enter on an import shows what
undoing it would remove, the codings made since on its excerpts included; ``y`` then
confirms and the modal returns the import's number (the app undoes it through
``Project.undo_import``, which takes a backup copy first). Escape closes without a change.
Sources and document names are shown as rich ``Text``, never as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static


class ImportsModal(ModalScreen[int | None]):
    BINDINGS = [
        Binding("enter", "plan", "What would go", priority=True),
        Binding("y", "confirm", "Undo it"),
        Binding("escape", "cancel", "Close"),
    ]
    DEFAULT_CSS = """
    ImportsModal {
        align: center middle;
        & > Vertical {
            width: 110; height: 24; border: round $primary; background: $surface; padding: 0 1;
        }
        & DataTable { height: 1fr; }
        & #imports-plan { height: auto; max-height: 8; }
        & .hint { color: $text-muted; }
    }
    """

    def __init__(self, project) -> None:
        super().__init__()
        self.project = project
        self.rows = [i for i in project.imports() if not i["undone"]]
        self.planned: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Imports (newest last): Enter shows what undoing one removes"))
            yield DataTable(id="imports-table", cursor_type="row")
            yield Static(Text(""), id="imports-plan")
            yield Label(Text("enter: what would go · y: undo it · escape: close"),
                        classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "When", "Who", "Source", "Brought")
        for imp in self.rows:
            brought = ", ".join(f"{v} {k}" for k, v in imp["counts"].items() if v)
            table.add_row(Text(str(imp["number"])), Text(imp["at"][:16]), Text(imp["actor"]),
                          Text(imp["source"]), Text(brought or "nothing new"))
        if self.rows:
            table.move_cursor(row=len(self.rows) - 1)
        else:
            self.query_one("#imports-plan", Static).update(Text("No import to undo."))
        table.focus()

    def _chosen(self) -> dict | None:
        if not self.rows:
            return None
        return self.rows[self.query_one(DataTable).cursor_row]

    def action_plan(self) -> None:
        imp = self._chosen()
        if imp is None:
            return
        shown = self.query_one("#imports-plan", Static)
        if not imp["undoable"]:
            shown.update(Text("This import was recorded before imports could be undone."))
            return
        plan = self.project.undo_import_plan(imp["number"])
        later = ", ".join(f"{n} by {c}" for c, n in sorted(plan["later_codings"].items()))
        text = Text(f"Undoing import {plan['number']} removes {len(plan['documents'])} "
                    f"documents ({', '.join(plan['documents']) or 'none'}), "
                    f"{plan['excerpts']} excerpts, {plan['codings']} imported codings")
        text.append(f"; codings made since, also removed: {later}" if later else "")
        text.append(".\nPress y to undo it (a backup copy is taken first).", style="bold")
        shown.update(text)
        self.planned = imp["number"]

    def action_confirm(self) -> None:
        imp = self._chosen()
        if imp is not None and self.planned == imp["number"]:
            self.dismiss(imp["number"])
        else:
            self.notify("Press Enter first to see what would go", markup=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
