"""The disagreements on one code between two coders, resolved one by one into the consensus.

Pushed by the agreement screen (Enter on a code). A list of the units where one coder has
the code and the other, who coded the unit too, has not; below it, for the highlighted
one, both coders' codes side by side and the excerpt text, literal (``[inaudible]`` is
text, never markup). ``a`` takes coder A's codings under this code, ``b`` coder B's,
``+`` both, ``-`` neither: each is one undoable event (``ctrl+z``), written through
``Project.resolve`` into the ``consensus`` coder, which ``tally``, ``audit``, the exports
and the Findings screen can count. Escape goes back to the agreement figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from qualtally.tui.guard import guarded
from qualtally.tui.screens.base import QualtallyScreen
from qualtally.tui.widgets.key_bar import KeyBar

CHOICE_LABEL = {"a": "A", "b": "B", "both": "both", "neither": "neither"}


def side(coder: str, letter: str, paths: tuple[str, ...], has: bool) -> Text:
    text = Text()
    text.append(f"{letter}: {coder} ", style="bold")
    text.append("has it\n" if has else "does not\n", style="green" if has else "red")
    for p in paths:
        text.append(f"• {p}\n")
    if not paths:
        text.append("(nothing applies)\n", style="dim italic")
    return text


class DisagreementsScreen(QualtallyScreen):
    CSS_PATH = "disagreements.tcss"
    BINDINGS = [
        Binding("a", "resolve('a')", "Take A"),
        Binding("b", "resolve('b')", "Take B"),
        Binding("plus", "resolve('both')", "Both"),
        Binding("minus", "resolve('neither')", "Neither"),
        Binding("escape", "back", "Back"),
    ]

    @dataclass
    class Listed(Message):
        items: list

    def __init__(self, project, actor: str, coders: tuple[str, ...], unit: str, path: str) -> None:
        super().__init__()
        self.project, self.actor = project, actor
        self.a, self.b = coders
        self.unit, self.path = unit, path
        self.items: list = []

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(id="disagree-title", markup=False)
        with Vertical(id="disagree-body"):
            yield DataTable(id="disagree-list", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="disagree-detail"):
                with Horizontal(id="disagree-sides"):
                    yield Static(id="disagree-a", classes="disagree-side", markup=False)
                    yield Static(id="disagree-b", classes="disagree-side", markup=False)
                yield Static(id="disagree-text", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.reload()

    def reload(self, focus_excerpt: int | None = None) -> None:
        self.list_them()

    @work(thread=True, exclusive=True, group="disagreements", exit_on_error=False)
    def list_them(self) -> None:
        self.post_message(self.Listed(self.project.disagreements(self.path, self.a, self.b,
                                                                 self.unit)))

    @on(Listed)
    def show(self, message: Listed) -> None:
        self.items = items = message.items
        open_ = sum(1 for s in items if s.decision is None)
        title = Text()
        title.append(self.path, style="bold")
        title.append(f"\n{len(items)} disagreement{'s' if len(items) != 1 else ''} between "
                     f"A = {self.a} and B = {self.b} ({self.unit} units), {open_} unresolved. "
                     "a: take A · b: take B · +: both · -: neither (into coder consensus)")
        self.query_one("#disagree-title", Static).update(title)
        table = self.query_one(DataTable)
        row = table.cursor_row if table.row_count else 0
        table.clear(columns=True)
        units = [self.unit_text(s) for s in items]
        table.add_column("unit", width=min(110, max([len(u) for u in units] or [4])))
        for label, width in (("A", 7), ("B", 7), ("decision", 10)):
            table.add_column(label, width=width)  # explicit: see AgreementScreen.show_findings
        for s, unit in zip(items, units):
            has_a, has_b = s.disagreement.present
            table.add_row(unit,
                          Text("has it" if has_a else "–", style="green" if has_a else "dim"),
                          Text("has it" if has_b else "–", style="green" if has_b else "dim"),
                          Text(CHOICE_LABEL.get(s.decision, "unresolved") if s.decision else
                               "unresolved", style="bold" if s.decision else "yellow"))
        if items:
            table.move_cursor(row=min(row, len(items) - 1))
        self.show_detail()

    @staticmethod
    def unit_text(s) -> Text:
        """The unit's label and the start of its words."""
        said = " ".join(s.texts[0].split()) if s.texts else ""
        unit = Text(s.label, no_wrap=True, overflow="ellipsis")
        unit.append(f"  {said[:70]}{'…' if len(said) > 70 else ''}", style="dim")
        return unit

    @on(DataTable.RowHighlighted)
    def highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def current(self):
        table = self.query_one(DataTable)
        if not self.items or not table.row_count:
            return None
        return self.items[min(table.cursor_row, len(self.items) - 1)]

    def show_detail(self) -> None:
        s = self.current()
        a, b, body = (self.query_one(f"#disagree-{x}", Static) for x in ("a", "b", "text"))
        if s is None:
            a.update(Text("No disagreements on this code.", style="dim"))
            b.update("")
            body.update("")
            return
        has_a, has_b = s.disagreement.present
        a.update(side(self.a, "A", s.codes[0], has_a))
        b.update(side(self.b, "B", s.codes[1], has_b))
        text = Text()
        text.append(f"{s.label}\n", style="bold")
        for piece in s.texts:  # literal: a Text, never parsed as markup
            text.append(" ".join(piece.split()) + "\n\n")
        body.update(text)

    # -- decisions ---------------------------------------------------------------------------
    @guarded
    def action_resolve(self, choice: str) -> None:
        s = self.current()
        if s is None:
            return
        d = s.disagreement
        self.project.resolve(self.a, self.b, d.kind, d.key, d.code_id, choice, self.actor)
        self.notify(f"Consensus: {CHOICE_LABEL[choice]} for {s.label}", timeout=1.5, markup=False)
        table = self.query_one(DataTable)
        nxt = next((i for i in range(table.cursor_row + 1, len(self.items))
                    if self.items[i].decision is None), table.cursor_row)
        table.move_cursor(row=nxt)
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
