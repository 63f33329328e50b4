"""The codebook screen on any project (issue 19): a code linked to a finding the project does
not have shows (no InvalidSelectValueError), a screen that fails while the app reopens it
never locks the coder out, and codes are deleted, merged and moved from the screen."""

from __future__ import annotations

from qualtally.project import Project
from qualtally.tui.app import make_app
from qualtally.tui.screens.codebook import CodebookScreen
from qualtally.tui.screens.coding import CodingScreen
from qualtally.tui.widgets.codebook_tree import CodebookTree

from .conftest import SIZE, settle


def _link_missing_finding(project) -> int:
    code = project.code_by_path("Relevance > Reservations")
    project.update_code(code.id, "setup", finding_key="F99")
    return code.id


async def test_a_code_whose_finding_is_missing_shows_and_reopens(project_path):
    with Project.open(project_path) as project:
        code_id = _link_missing_finding(project)
        project.save_coder_state("zed", screen="codebook")
        app = make_app(project, "zed", load_model=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, CodebookScreen)
            app.screen.query_one(CodebookTree).select_code(code_id)
            await settle(pilot)
            finding = app.screen.query_one("#code-finding")
            assert finding.value == "F99"
            shown = str(finding.query_one("SelectCurrent Static#label").render())
            assert "F99 (not in this project's findings)" in shown
            # saving another field keeps the link as it was
            app.screen.query_one("#code-keywords").value = "depends"
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert project.code_by_path("Relevance > Reservations").finding == "F99"


async def test_a_screen_failing_on_reopen_falls_back_to_coding_and_never_locks_out(
        project_path, monkeypatch):
    with Project.open(project_path) as project:
        project.save_coder_state("zed", screen="codebook")

    def broken(self, focus_excerpt=None):
        raise RuntimeError("a screen that cannot draw this project")

    monkeypatch.setattr(CodebookScreen, "reload", broken)
    for _ in range(2):  # the second start must open on the coding screen, not crash again
        with Project.open(project_path) as project:
            app = make_app(project, "zed", load_model=False)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                assert app.current_mode == "coding"
                assert isinstance(app.screen, CodingScreen)
            assert project.coder_state("zed").get("screen") == "coding"
