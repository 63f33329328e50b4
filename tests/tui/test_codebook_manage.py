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
        # the restored screen showed, so it is saved again as the place to reopen on
        assert project.coder_state("zed").get("screen") == "codebook"


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


def _state(project):
    from tests.tally.test_code_edits import codings

    return codings(project), sorted(c.path for c in project.codes())


async def test_delete_merge_and_move_from_the_codebook_screen_with_undo(project):
    ex = [e.id for e in project.excerpts()]
    res = project.code_by_path("Relevance > Reservations").id
    project.apply_code(ex[0], res, "ana")
    project.apply_code(ex[1], res, "bo")
    project.apply_code(ex[1], project.code_by_path("Relevance").id, "bo")  # bo has both on ex[1]
    project.apply_code(ex[2], project.code_by_path("Performance").id, "ana")
    app = make_app(project, "ana", load_model=False)
    start = _state(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        tree = app.screen.query_one(CodebookTree)
        reservations = project.code_by_path("Relevance > Reservations")
        tree.select_code(reservations.id)
        tree.focus()
        await settle(pilot)
        on_it = {(e, c) for e, p, c in start[0] if p == "Relevance > Reservations"}
        assert len(on_it) == 2
        await pilot.press("d")
        await settle(pilot)
        shown = " ".join(str(w.render()) for w in app.screen.query("Label"))
        assert "Delete the code Relevance > Reservations?" in shown
        assert "p  move its codings to Relevance" in shown
        await pilot.press("p")
        await settle(pilot)
        assert project.code_by_path("Relevance > Reservations") is None
        now = _state(project)
        assert on_it <= {(e, c) for e, p, c in now[0] if p == "Relevance"}
        assert project.tally().to_json() == project.tally(exact=True).to_json()
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert _state(project) == start

        # merge Reservations into Performance: type part of the name, Enter
        tree.select_code(project.code_by_path("Relevance > Reservations").id)
        tree.focus()
        await pilot.press("m", *"perform", "enter")
        await settle(pilot)
        assert project.code_by_path("Relevance > Reservations") is None
        merged = {(e, c) for e, p, c in _state(project)[0] if p == "Performance"}
        assert on_it <= merged
        assert project.tally().to_json() == project.tally(exact=True).to_json()
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert _state(project) == start

        # move it to the top level, then undo
        tree.select_code(project.code_by_path("Relevance > Reservations").id)
        tree.focus()
        await pilot.press("v", *"top level", "enter")
        await settle(pilot)
        assert project.code_by_path("Reservations") is not None
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert _state(project) == start
        assert isinstance(app.screen, CodebookScreen)


async def test_help_and_key_bar_list_the_codebook_keys(project):
    from qualtally.tui.modals.help import HelpScreen

    app = make_app(project, "ana", load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one(CodebookTree).focus()
        await pilot.pause()
        bar = str(app.screen.query_one("KeyBar").render())
        for what in ("d Delete", "m Merge", "v Move"):
            assert what in bar, what
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(" ".join(str(w.render()).split()) for w in app.screen.query("Static"))
        for what in ("d Delete", "m Merge", "v Move"):
            assert what in text, what
