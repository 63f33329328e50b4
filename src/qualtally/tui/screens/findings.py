"""The Findings screen: each finding of the report against its tally of respondents.

A finding x group matrix of n/N with the scale's label (never a label alone), the
claimed quantifier and the audit's verdict (▲ overstated, ▼ understated), and a bar of
support per finding with the claimed band shaded. Enter on a row drills down to the
supporting respondents and their excerpts, and to who did not support it; Enter on a
group cell limits that to the group. Data comes from ``project.tally`` and
``project.drilldown`` in a worker; transcript text is shown as ``rich.text.Text`` so
``[inaudible]`` is never read as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from qualtally.core.quantifiers import find_step
from qualtally.tui.guard import mount_guarded
from qualtally.tui.screens.base import QualtallyScreen
from qualtally.tui.widgets.key_bar import KeyBar

BAR = 16
EIGHTHS = " ▏▎▍▌▋▊▉"
VERDICT = {"overstated": ("▲ over", "bold red"), "understated": ("▼ under", "bold yellow"),
           "consistent": ("✓", "green"), "no quantifier claim": ("–", "dim")}
FIXED = ("finding", "n/N", "claimed", "audit", "support")


def support_bar(
    n: int, total: int, low: float | None, high: float | None, width: int = BAR
) -> Text:
    """Unicode-block bar of n/total; the claimed band [low, high] has a shaded background."""
    share = n / total if total else 0.0
    eighths = round(share * width * 8)
    text = Text()
    for i in range(width):
        filled = min(8, max(0, eighths - 8 * i))
        char = "█" if filled == 8 else EIGHTHS[filled]
        in_band = (
            low is not None and high is not None and (i + 1) / width >= low and i / width <= high
        )
        text.append(char, style="on grey30" if in_band else "")
    return text


class FindingsScreen(QualtallyScreen):
    CSS_PATH = "findings.tcss"
    BINDINGS = [
        Binding("enter", "drill", "Who supports it"),
        Binding("b", "cycle_split", "Split by"),
        Binding("k", "cycle_coder", "Coder"),
        Binding("r", "refresh_tally", "Recount"),
        Binding("x", "close_drill", "Close drill-down"),
    ]

    @dataclass
    class Loaded(Message):
        tally: object
        checks: list

    @dataclass
    class Drilled(Message):
        drill: object

    def __init__(self, project, viewer: str | None = None) -> None:
        """``viewer``: the coder using the app; in blind mode only their codings are counted."""
        super().__init__()
        self.project = project
        self.viewer = viewer
        self.tally = None
        self.splits: list[str | None] = [None]
        self.coders: list[str | None] = [None]
        self.split_index = 0
        self.coder_index = 0

    @property
    def by(self) -> str | None:
        return self.splits[self.split_index % len(self.splits)]

    @property
    def coder(self) -> str | None:
        return self.coders[self.coder_index % len(self.coders)]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Counting respondents…", id="findings-status", markup=False)
        with Vertical(id="findings-body"):
            yield DataTable(id="findings-table", cursor_type="cell", zebra_stripes=True)
            with VerticalScroll(id="findings-drill"):
                yield Static(id="findings-drill-text", markup=False)
        yield Static(id="findings-legend", markup=False)
        yield KeyBar()

    @mount_guarded
    def on_mount(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    @mount_guarded
    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self, focus_excerpt: int | None = None) -> None:
        self.load(self.by, self.coder)

    @work(thread=True, exclusive=True, group="findings", exit_on_error=False)
    def load(self, by: str | None, coder: str | None) -> None:
        if len(self.splits) == 1:
            self.splits = [None, *self.project.attribute_names()]
            own = self.project.counted_coder(self.viewer) if self.viewer else None
            # every coder, the consensus included once reconciled; blind: the viewer alone
            self.coders = [own] if own else [None, *self.project.coders()]
            by, coder = self.by, self.coder
        tally = self.project.tally(by=by, coder=coder)
        self.post_message(self.Loaded(tally, self.project.audit(tally=tally)))

    @on(Loaded)
    def show(self, message: Loaded) -> None:
        self.tally = tally = message.tally
        table = self.query_one(DataTable)
        row, col = table.cursor_coordinate
        table.clear(columns=True)
        groups = list(tally.groups)
        table.add_columns(*FIXED, *[f"{g} ({n})" for g, n in tally.groups.items()])
        for f in tally.findings:
            step = find_step(tally.scale, f.claimed)
            word, style = VERDICT.get(f.verdict, (f.verdict, ""))
            cells = [Text(f.key, style="bold"), Text(f"{f.respondents}/{f.denominator} {f.label}"),
                     Text(f.claimed or "–"), Text(word, style=style),
                     support_bar(f.respondents, f.denominator, step.low if step else None,
                                 step.high if step else None)]
            cells += [Text(str(f.by[g]), style="dim" if f.by[g].n == 0 else "") for g in groups]
            table.add_row(*cells, key=f.key)
        if tally.findings:
            table.cursor_coordinate = (
                min(row, len(tally.findings) - 1),
                min(col, len(FIXED) + len(groups) - 1),
            )
        mismatches = sum(c.mismatch for c in message.checks)
        self.query_one("#findings-status", Static).update(
            f"{tally.respondents_total} respondents interviewed · "
            f"split by {self.by or 'nothing'} (b) · coder {self.coder or 'any'} (k) · "
            f"{mismatches} quantifier mismatch{'es' if mismatches != 1 else ''}"
            if tally.findings
            else "No findings yet: import a findings.md to see the tally per finding."
        )
        self.query_one("#findings-legend", Static).update(
            "Support = distinct respondents with a coded excerpt under the finding's codes, "
            "of N interviewed. "
            f"Shaded band = the claimed quantifier. Scale: {tally.scale.source or 'not cited'}"
        )

    # -- drill-down --------------------------------------------------------------------------
    def action_drill(self) -> None:
        table = self.query_one(DataTable)
        if self.tally is None or not self.tally.findings:
            return
        row, col = table.cursor_coordinate
        key = self.tally.findings[row].key
        groups = list(self.tally.groups)
        group = groups[col - len(FIXED)] if col >= len(FIXED) and groups else None
        self.drill(key, group)

    @on(DataTable.CellSelected)
    def cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_drill()

    @work(thread=True, exclusive=True, group="findings-drill", exit_on_error=False)
    def drill(self, key: str, group: str | None) -> None:
        d = self.project.drilldown(
            key, coder=self.coder, group=group, by=self.by if group else None
        )
        self.post_message(self.Drilled(d))

    @on(Drilled)
    def show_drill(self, message: Drilled) -> None:
        d = message.drill
        text = Text()
        text.append(d.title, style="bold")
        text.append(
            f"\n{d.n}/{d.total} {d.label}" + (f" · group {d.group}" if d.group else "") + "\n\n"
        )
        for resp, excerpts in d.supporters.items():
            attrs = ", ".join(d.attribute_labels(resp))
            text.append(resp, style="bold cyan")
            text.append(f"  {attrs}" if attrs else "", style="dim")
            text.append(
                f"  ({len(excerpts)} excerpt{'s' if len(excerpts) != 1 else ''})\n", style="dim"
            )
            for e in excerpts:
                text.append(f"  {e.document} · {', '.join(e.codes)}\n", style="dim italic")
                text.append(f"    {' '.join(e.text.split())}\n")
        text.append(f"\nDid not support ({len(d.non_supporters)}): ", style="bold")
        text.append(", ".join(d.non_supporters) or "–")
        if d.outside:
            text.append("\nSupported but not asked: ", style="bold")
            text.append(", ".join(d.outside))
        self.query_one("#findings-drill-text", Static).update(text)
        panel = self.query_one("#findings-drill")
        panel.add_class("open")
        panel.scroll_home(animate=False)

    def action_close_drill(self) -> None:
        self.query_one("#findings-drill").remove_class("open")

    # -- options -------------------------------------------------------------------------------
    def action_cycle_split(self) -> None:
        self.split_index = (self.split_index + 1) % len(self.splits)
        self.reload()

    def action_cycle_coder(self) -> None:
        self.coder_index = (self.coder_index + 1) % len(self.coders)
        self.reload()

    def action_refresh_tally(self) -> None:
        self.reload()

