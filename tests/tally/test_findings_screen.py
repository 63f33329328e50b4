"""Pilot tests of the Findings screen on a real project: matrix, marks, split, drill-down."""

from __future__ import annotations

from textual.app import App
from textual.widgets import DataTable, Static

from qualtally.tui.screens.findings import FindingsScreen, support_bar


class Host(App):
    def __init__(self, project) -> None:
        super().__init__()
        self.project = project

    def on_mount(self) -> None:
        self.push_screen(FindingsScreen(self.project))


def cell(table: DataTable, row: int, col: int) -> str:
    return str(table.get_cell_at((row, col)))


async def settle(pilot, screen):
    for _ in range(50):
        await pilot.pause(0.05)
        if screen.tally is not None and not [w for w in screen.workers if w.is_running]:
            return


async def test_matrix_marks_mismatches_and_drills_down(small):
    app = Host(small)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        await settle(pilot, screen)
        table = screen.query_one(DataTable)
        assert table.row_count == 3
        assert [cell(table, i, 1) for i in range(3)] == ["2/4 many", "2/4 many", "0/4 none"]
        assert (
            cell(table, 0, 3) == "▲ over"
            and cell(table, 1, 3) == "▼ under"
            and cell(table, 2, 3) == "–"
        )
        assert str(screen.query_one("#findings-status", Static).render()).startswith(
            "4 respondents"
        )
        await pilot.press("enter")
        await settle(pilot, screen)
        drill = str(screen.query_one("#findings-drill-text", Static).render())
        assert "And the refugees [inaudible] too." in drill  # brackets survive: no markup
        assert "Did not support (2): R2, R4" in drill
        await pilot.press("b")  # split by group
        await settle(pilot, screen)
        assert screen.by == "group" and len(table.columns) == 5 + 3
        assert cell(table, 0, 5) == "1/2 many"  # F1 in HQ
        table.cursor_coordinate = (0, 5)
        await pilot.press("enter")
        await settle(pilot, screen)
        drill = str(screen.query_one("#findings-drill-text", Static).render())
        assert "group HQ" in drill and "Did not support (1): R2" in drill


async def test_empty_project_screen(tmp_path):
    from .conftest import build

    project = build(tmp_path / "e.qtally")
    app = Host(project)
    async with app.run_test() as pilot:
        await settle(pilot, app.screen)
        assert app.screen.query_one(DataTable).row_count == 0
        assert "No findings yet" in str(app.screen.query_one("#findings-status", Static).render())
        await pilot.press("enter")
    project.close()


def test_support_bar():
    assert str(support_bar(4, 4, None, None, 8)) == "█" * 8
    assert str(support_bar(0, 0, None, None, 4)) == "    "
    bar = support_bar(2, 4, 1.0, 1.0, 8)
    assert str(bar) == "████    " and bar.spans  # the "all" band is shaded at the end
