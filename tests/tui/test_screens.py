"""The other screens: codebook editing, help, command palette, big projects."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from qualtally.core.models import Code, Document, ImportBundle, Turn
from qualtally.project import Project
from qualtally.tui.app import make_app
from qualtally.tui.modals.help import HelpScreen, key_table
from qualtally.tui.screens.codebook import CodebookScreen
from qualtally.tui.screens.coding import CodingScreen
from qualtally.tui.widgets.codebook_tree import CodebookTree
from qualtally.tui.widgets.transcript import TranscriptView

from .conftest import CODER, SIZE, codings_of, settle


async def test_codebook_edit_and_undo(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CodebookScreen)
        tree = app.screen.query_one(CodebookTree)
        tree.select_code(project.code_by_path("Relevance > Reservations").id)
        await settle(pilot)
        app.screen.query_one("#code-keywords").value = "depends, cost, conditional"
        app.screen.query_one("#code-definition").text = "Hesitant or conditional support [CIC]."
        await pilot.press("ctrl+s")
        await settle(pilot)
        code = project.code_by_path("Relevance > Reservations")
        assert code.keywords == ("depends", "cost", "conditional")
        assert code.definition == "Hesitant or conditional support [CIC]."
        await pilot.press("ctrl+z")
        assert project.code_by_path("Relevance > Reservations").keywords == ("depends", "cost")
        # rename, then back to coding: the coding screen's tree shows the new name
        tree.select_code(code.id)
        await settle(pilot)
        app.screen.query_one("#code-name").value = "Conditional support"
        await pilot.press("ctrl+s")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)
        assert any(
            c.name == "Conditional support" for c in app.screen.query_one(CodebookTree).codes
        )


async def test_codebook_new_child_code(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one(CodebookTree).select_code(project.code_by_path("Performance").id)
        await pilot.press("n", *"Timeliness", "ctrl+s")
        await settle(pilot)
        assert project.code_by_path("Performance > Timeliness") is not None
        assert codings_of(project) == []


async def test_help_lists_every_key(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        coding = app.screen
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        for b in coding.BINDINGS + app.BINDINGS:
            assert b.description in text, b.description
        shown = {k for _, keys, _ in key_table(coding, app) for k in keys.split(" / ")}
        for key in ("j", "down", "k", "up", "J", "K", "1", "9", "x", "enter", "space", "slash", "n",
                    "m", "s", "a", "ctrl+z", "ctrl+y", "q", "question_mark"):
            assert app.get_key_display(Binding(key, "")) in shown, key
        await pilot.press("escape")
        assert app.screen is coding


async def test_every_action_is_in_the_command_palette(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for b in app.screen.BINDINGS + app.BINDINGS:
            if b.action != "quit":
                assert b.description in titles, b.description
        assert "Quit" in titles
        # run one from the palette: "Next excerpt"
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Next excerpt")
        await command.callback()
        assert app.coding.session.index == 1


async def test_findings_and_agreement_have_their_place(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        assert app.current_mode == "findings"
        await pilot.press("escape")
        await pilot.press("g")
        assert app.current_mode == "agreement"
        await settle(pilot)  # the real screen (no longer a placeholder) says why it is empty
        status = str(app.screen.query_one("#agreement-status").render())
        assert "Agreement needs two coders" in status
        await pilot.press("escape")
        assert app.current_mode == "coding"


def big_project(path, documents: int, turns: int, words: int) -> Project:
    project = Project.new(path)
    docs = []
    sentence = "we talked about the membership fees [inaudible] and resettlement "
    for d in range(documents):
        text, out = "", []
        for t in range(turns):
            key = f"S{d:04d}" if documents > 1 else f"R{t % 40:02d}"
            start = len(text)
            text += (sentence * words).strip() + f" ({d}.{t})"
            out.append(Turn(start, len(text), key, key))
            text += "\n\n"
        docs.append(Document(f"doc-{d:04d}.txt", text, tuple(out)))
    project.store.import_bundle(
        ImportBundle(
            "big",
            codes=[
                Code("Fees", keywords=("fees",)),
                Code("Resettlement", keywords=("resettlement",)),
            ],
            documents=docs,
        ),
        "tests",
    )
    return project


@pytest.mark.slow
async def test_a_300k_character_transcript(tmp_path):
    project = big_project(tmp_path / "long.qtally", documents=1, turns=500, words=10)
    assert len(project.document(project.documents()[0].id).text) > 300_000
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end")
        for _ in range(20):
            await pilot.press("j")
        await pilot.press("enter")
        await settle(pilot)
        s = app.coding.session
        assert s.index == 20
        view = app.screen.query_one(TranscriptView)
        first, last = view.rows_of(s.current)
        assert view.scroll_offset.y <= first < view.scroll_offset.y + view.size.height
        assert codings_of(project) == [(s.current.id, "Fees", "human")]
    project.close()


@pytest.mark.slow
async def test_6400_short_survey_answers(tmp_path):
    project = big_project(tmp_path / "survey.qtally", documents=6400, turns=1, words=1)
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "j", "1", "J", "n")
        await settle(pilot)
        assert len(codings_of(project)) == 2
        assert app.coding.session.doc_pos == 3
        assert app.coding.session.rows[0].coded == 1
    project.close()


async def test_codebook_move_code_to_another_parent(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        code = project.code_by_path("Relevance > Reservations")
        app.screen.query_one(CodebookTree).select_code(code.id)
        await settle(pilot)
        app.screen.query_one("#code-parent").value = project.code_by_path("Performance").id
        app.screen.query_one(CodebookTree).focus()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert project.code_by_path("Performance > Reservations") is not None
        await pilot.press("ctrl+z")
        assert project.code_by_path("Relevance > Reservations") is not None
