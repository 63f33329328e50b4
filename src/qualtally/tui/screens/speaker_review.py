"""The speaker review of an import: each label that matches no listed respondent, decided.

``qualtally import PROJECT FILES --review`` opens it when the import's labels include
some that no listed respondent has (``Project.speaker_review``). One row per label, with
the documents and turns it has and the listed respondents it most resembles. On the
highlighted row: ``1``-``3`` map (merge) the label onto that closest respondent, ``m``
types any listed respondent's key, ``i`` marks it as an interviewer (its turns count for
nobody), ``n`` accepts it as a new respondent, ``u`` undoes the row's decision. Enter
imports once every label is decided; Escape leaves without importing. The result is a
:class:`~qualtally.core.speakers.SpeakerDecisions` handed back to the caller.

Labels and names are transcript text: they are shown as rich ``Text``, never as markup
(a label such as ``[inaudible]`` stays literal).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from qualtally.core.speakers import SpeakerDecisions, SpeakerLabel

NEW, INTERVIEWER = "new", "interviewer"


class SpeakerReviewScreen(Screen[SpeakerDecisions | None]):
    CSS_PATH = "speaker_review.tcss"
    BINDINGS = [
        Binding("1", "candidate(0)", "Map to 1st"),
        Binding("2", "candidate(1)", "2nd"),
        Binding("3", "candidate(2)", "3rd"),
        Binding("m", "type_key", "Map to key"),
        Binding("i", "interviewer", "Interviewer"),
        Binding("n", "new", "New respondent"),
        Binding("u", "undecide", "Undecide"),
        Binding("enter", "done", "Import", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, labels: list[SpeakerLabel], names: dict[str, str]) -> None:
        super().__init__()
        self.labels = labels
        self.names = names
        """Listed respondents: key -> name ("" if none)."""
        self.decided: dict[int, str] = {}
        """Row -> a respondent key, ``NEW`` or ``INTERVIEWER`` (keys never equal those two
        words: a key ``new`` would be mapped with ``m``, and is shown as ``→ new``)."""
        self.mapped: set[int] = set()

    def compose(self) -> ComposeResult:
        with Vertical(id="review"):
            yield Static(self._intro(), id="review-intro")
            yield DataTable(id="review-table", cursor_type="row", zebra_stripes=True)
            yield Input(placeholder="respondent key, then Enter (Escape: back)",
                        id="review-key", classes="hidden")
            yield Static(Text(""), id="review-status")
        yield Footer()

    def _intro(self) -> Text:
        n = len(self.labels)
        return Text(f"{n} speaker label{'s match' if n != 1 else ' matches'} no listed respondent. "
                    "Each new respondent raises N, so decide each one: 1-3 map it to the "
                    "closest listed respondent, m type a key, i interviewer, n new "
                    "respondent. Enter imports, Escape leaves without importing.")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Label", "Documents", "Turns", "Decision", "Closest listed")
        for row, label in enumerate(self.labels):
            table.add_row(*self._cells(row, label), key=str(row))
        table.focus()

    def _who(self, key: str) -> str:
        name = self.names.get(key, "")
        return f"{key} ({name})" if name else key

    def _cells(self, row: int, label: SpeakerLabel) -> list[Text]:
        decision = self.decided.get(row)
        if decision is None:
            shown = Text("undecided", style="bold red")
        elif row not in self.mapped:
            shown = Text("new respondent" if decision == NEW else "interviewer",
                         style="yellow")
        else:
            shown = Text(f"→ {self._who(decision)}", style="green")
        close = "  ".join(f"{i}. {self._who(k)}" for i, k in enumerate(label.candidates, 1))
        return [Text(label.label or "(no label)"), Text(", ".join(label.documents)),
                Text(str(label.turns)), shown, Text(close or "none")]

    def _refresh_row(self, row: int) -> None:
        table = self.query_one(DataTable)
        cells = self._cells(row, self.labels[row])
        for column, cell in zip(table.ordered_columns, cells, strict=True):
            table.update_cell(str(row), column.key, cell, update_width=True)
        left = len(self.labels) - len(self.decided)
        self.query_one("#review-status", Static).update(Text(
            f"{left} undecided" if left else "all decided: Enter imports"))

    def _row(self) -> int:
        return self.query_one(DataTable).cursor_row

    def _decide(self, value: str, mapped: bool) -> None:
        row = self._row()
        if not self.labels[row].label and value == INTERVIEWER:
            self.notify("Text with no label can only be a respondent's", markup=False)
            return
        self.decided[row] = value
        (self.mapped.add if mapped else self.mapped.discard)(row)
        self._refresh_row(row)
        table = self.query_one(DataTable)
        if row + 1 < table.row_count:
            table.move_cursor(row=row + 1)

    def action_candidate(self, index: int) -> None:
        candidates = self.labels[self._row()].candidates
        if index >= len(candidates):
            self.notify("No such close respondent: type a key with m", markup=False)
            return
        self._decide(candidates[index], True)

    def action_interviewer(self) -> None:
        self._decide(INTERVIEWER, False)

    def action_new(self) -> None:
        self._decide(NEW, False)

    def action_undecide(self) -> None:
        row = self._row()
        self.decided.pop(row, None)
        self.mapped.discard(row)
        self._refresh_row(row)

    def action_type_key(self) -> None:
        box = self.query_one("#review-key", Input)
        box.remove_class("hidden")
        box.value = ""
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._take_key(event.input)

    def _take_key(self, box: Input) -> None:
        key = box.value.strip()
        if key not in self.names:
            self.notify(f"No listed respondent {key!r}", severity="error", markup=False)
            return
        box.add_class("hidden")
        self.query_one(DataTable).focus()
        self._decide(key, True)

    def action_done(self) -> None:
        box = self.query_one("#review-key", Input)
        if box.has_focus:  # Enter in the key box (this binding comes first)
            self._take_key(box)
            return
        left = [self.labels[r].label or "(no label)" for r in range(len(self.labels))
                if r not in self.decided]
        if left:
            self.notify(f"Still undecided: {', '.join(left)}", severity="warning",
                        markup=False)
            return
        self.dismiss(self.decisions())

    def action_cancel(self) -> None:
        box = self.query_one("#review-key", Input)
        if box.has_focus:
            box.add_class("hidden")
            self.query_one(DataTable).focus()
            return
        self.dismiss(None)

    def decisions(self) -> SpeakerDecisions:
        """The rows' decisions, each scoped to the documents the label was found in."""
        mapping: dict[str, str] = {}
        interviewers: set[str] = set()
        for row, value in self.decided.items():
            label = self.labels[row]
            for doc in label.documents:
                scoped = f"{doc}:{label.label}"
                if row in self.mapped:
                    mapping[scoped] = value
                elif value == INTERVIEWER:
                    interviewers.add(scoped)
        create = any(r not in self.mapped and v == NEW for r, v in self.decided.items())
        return SpeakerDecisions(mapping, frozenset(interviewers), create)
