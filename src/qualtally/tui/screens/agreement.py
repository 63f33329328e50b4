"""The agreement screen (``g``): how far the coders agree, code by code and finding by finding.

Top, each finding's n/N and quantifier label under each coder, flagged where the label
differs (the report's claim would depend on who coded). Below, per code: the units both
coded, percent agreement, Cohen's kappa, Gwet's AC1 and Krippendorff's alpha, with a bar
of alpha against Krippendorff's guidance (.667 tentative, .800 reliable), sortable (``s``
or a click on a column's header). ``u`` changes the unit (excerpt, respondent,
character), ``p`` the coders compared; Enter on a code lists its disagreements
(``screens/disagreements.py``), where each is resolved into the consensus coder. Counted
by ``Project.agreement`` in a worker. In blind mode the screen shows nothing: everything
here derives from other coders' work.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from qualtally.core.agreement_report import RELIABLE, TENTATIVE, verdict
from qualtally.tui.guard import mount_guarded
from qualtally.tui.screens.base import QualtallyScreen
from qualtally.tui.widgets.key_bar import KeyBar

UNITS = ("excerpt", "respondent", "character")
SORTS = ("codebook", "alpha", "kappa", "n")
BAR = 20
STYLE = {"reliable": "green", "tentative": "yellow", "unreliable": "red", "n/a": "dim"}
CODE_COLUMNS = ("code", "n", "% agree", "kappa", "AC1", "alpha", "alpha vs .667 | .800", "")


def alpha_bar(alpha: float | None, width: int = BAR) -> Text:
    """A bar of alpha on [0, 1] with ticks at Krippendorff's .667 and .800."""
    ticks = {min(width - 1, int(TENTATIVE * width)), min(width - 1, int(RELIABLE * width))}
    text = Text()
    if alpha is None:
        return Text("·" * width, style="dim")
    filled = round(max(0.0, alpha) * width)
    style = STYLE[verdict(alpha)]
    for i in range(width):
        if i < filled:
            text.append("█", style=style)
        else:
            text.append("│" if i in ticks else "·", style="bold" if i in ticks else "dim")
    return text


def num(x: float | None) -> Text:
    return Text("–", style="dim", justify="right") if x is None else Text(f"{x:.3f}",
                                                                         justify="right")


class AgreementScreen(QualtallyScreen):
    CSS_PATH = "agreement.tcss"
    BINDINGS = [
        Binding("enter", "disagreements", "Disagreements"),
        Binding("s", "sort", "Sort"),
        Binding("u", "unit", "Unit"),
        Binding("p", "coders", "Coders"),
        Binding("r", "recount", "Recount"),
    ]

    @dataclass
    class Counted(Message):
        report: object
        error: str | None = None

    def __init__(self, project, coder: str) -> None:
        super().__init__()
        self.project, self.coder = project, coder
        self.report = None
        self.unit_index = 0
        self.sort_index = 0
        self.choices: list[tuple[str, ...] | None] = [None]
        self.choice_index = 0
        self.rows: list = []
        self._resumed = False

    @property
    def unit(self) -> str:
        return UNITS[self.unit_index]

    @property
    def compared(self) -> tuple[str, ...] | None:
        return self.choices[self.choice_index % len(self.choices)]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Counting agreement…", id="agreement-status", markup=False)
        with Vertical(id="agreement-body"):
            yield DataTable(id="agreement-findings", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="agreement-codes", cursor_type="row", zebra_stripes=True)
        yield Static(id="agreement-legend", markup=False)
        yield KeyBar()

    @mount_guarded
    def on_mount(self) -> None:
        self.query_one("#agreement-codes", DataTable).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self._resumed:  # back from the disagreements or another mode: count again
            self.reload()
        self._resumed = True

    def reload(self, focus_excerpt: int | None = None) -> None:
        self.count(self.unit, self.compared)

    @work(thread=True, exclusive=True, group="agreement", exit_on_error=False)
    def count(self, unit: str, coders: tuple[str, ...] | None) -> None:
        if self.project.blind():
            self.post_message(self.Counted(None, "Blind mode is on: agreement derives from other "
                                                 "coders' work, so it is hidden until a "
                                                 "methodologist turns blind mode off "
                                                 "(qualtally blind PROJECT off)."))
            return
        everyone = self.project.agreement_coders()
        if len(everyone) < 2:
            self.post_message(self.Counted(None, "Agreement needs two coders: only "
                                                 f"{', '.join(everyone) or 'nobody'} coded here."))
            return
        pairs = list(combinations(everyone, 2)) if len(everyone) > 2 else []
        self.choices = [None, *pairs]
        self.post_message(self.Counted(self.project.agreement(list(coders) if coders else None,
                                                              unit)))

    @on(Counted)
    def show(self, message: Counted) -> None:
        status = self.query_one("#agreement-status", Static)
        if message.report is None:
            self.report = None
            status.update(message.error or "")
            for table in self.query(DataTable):
                table.clear(columns=True)
            return
        self.report = report = message.report
        status.update(f"{', '.join(report.coders)} · unit {report.unit} (u) · sorted by "
                      f"{SORTS[self.sort_index]} (s) · coders (p) · Enter: disagreements")
        self.show_findings(report)
        self.show_codes(report)
        self.query_one("#agreement-legend", Static).update(
            "alpha: Krippendorff's (nominal); kappa: Cohen's; AC1: Gwet's (two coders). "
            f"n = {'characters' if report.unit == 'character' else 'units'} both coded. "
            "Guidance: alpha >= 0.800 reliable, >= 0.667 tentative conclusions only. "
            "Findings: respondents every coder coded; ⚠ the label depends on who coded.")

    def show_findings(self, report) -> None:
        table = self.query_one("#agreement-findings", DataTable)
        table.clear(columns=True)
        cells = [str(f.by_coder[c]) for f in report.findings for c in report.coders]
        wide = max([len(x) for x in cells + list(report.coders)] or [8])
        # explicit widths: Textual measures auto widths when idle, which a quick second
        # count could leave undone (seen in a real terminal: columns cut to their header)
        table.add_column("finding", width=7)
        table.add_column("claimed", width=9)
        for c in report.coders:
            table.add_column(c, width=wide)
        table.add_column("", width=24)
        for f in report.findings:
            style = "" if f.stable else "bold"
            cells = [Text(str(f.by_coder[c]), style=style) for c in report.coders]
            flag = Text("same label", style="green") if f.stable else Text(
                "⚠ depends on who coded", style="bold red")
            table.add_row(Text(f.key, style="bold"), Text(f.claimed or "–"), *cells, flag)

    def sorted_codes(self, report) -> list:
        rows = list(report.codes)
        key = SORTS[self.sort_index]
        low = 9.0  # undefined statistics sort last
        if key == "alpha":
            rows.sort(key=lambda c: (c.alpha is None, c.alpha if c.alpha is not None else low))
        elif key == "kappa":
            rows.sort(key=lambda c: (c.kappa is None, c.kappa if c.kappa is not None else low))
        elif key == "n":
            rows.sort(key=lambda c: -c.n_units)
        return rows

    def show_codes(self, report) -> None:
        table = self.query_one("#agreement-codes", DataTable)
        keep = self.rows[table.cursor_row].path if self.rows and table.row_count else None
        table.clear(columns=True)
        self.rows = self.sorted_codes(report)
        code_width = min(80, max([len(c.path) for c in self.rows] or [4]))
        for label, width in zip(CODE_COLUMNS, (code_width, 7, 7, 6, 6, 6, BAR, 17)):
            table.add_column(label, width=width)
        for c in self.rows:
            word = verdict(c.alpha) if c.applied else "nobody applied it"
            table.add_row(Text(c.path, no_wrap=True, overflow="ellipsis"), Text(str(c.n_units)),
                          num(c.percent_agreement), num(c.kappa), num(c.ac1), num(c.alpha),
                          alpha_bar(c.alpha), Text(word, style=STYLE.get(word, "dim")))
        at = next((i for i, c in enumerate(self.rows) if c.path == keep), 0)
        if self.rows:
            table.move_cursor(row=at)

    # -- keys ------------------------------------------------------------------------------
    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        if self.report is not None:
            self.rows = []  # a new order starts at its top: the least reliable code first
            self.show(self.Counted(self.report))

    @on(DataTable.HeaderSelected, "#agreement-codes")
    def header_sort(self, event: DataTable.HeaderSelected) -> None:
        wanted = {0: "codebook", 1: "n", 3: "kappa", 5: "alpha", 6: "alpha"}.get(event.column_index)
        if wanted is not None and self.report is not None:
            self.sort_index = SORTS.index(wanted)
            self.rows = []
            self.show(self.Counted(self.report))

    def action_unit(self) -> None:
        self.unit_index = (self.unit_index + 1) % len(UNITS)
        self.reload()

    def action_coders(self) -> None:
        self.choice_index = (self.choice_index + 1) % len(self.choices)
        self.reload()

    def action_recount(self) -> None:
        self.reload()

    @on(DataTable.RowSelected, "#agreement-codes")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_disagreements()

    def action_disagreements(self) -> None:
        report = self.report
        table = self.query_one("#agreement-codes", DataTable)
        if report is None or not self.rows or not table.has_focus:
            return
        if len(report.coders) != 2:
            self.notify("Reconciling takes two coders: press p to pick a pair.", markup=False)
            return
        from qualtally.tui.screens.disagreements import DisagreementsScreen

        code = self.rows[table.cursor_row]
        self.app.push_screen(DisagreementsScreen(self.project, self.coder, report.coders,
                                                 report.unit, code.path))
