"""Undoing an import from the TUI (command palette "Undo an import"), under Pilot."""

from __future__ import annotations

import html
import re

from corrections.speaker_files import write

from qualtally.core.speakers import SpeakerDecisions
from qualtally.tui.app import make_app
from qualtally.tui.modals.imports import ImportsModal

from .conftest import CODER, SIZE, settle


def _screen_text(app) -> str:
    svg = app.export_screenshot()
    svg = svg[svg.index("<g class"):]
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def test_undo_the_latest_import_from_the_app(project, tmp_path):
    docs_before = {d.name for d in project.documents()}
    extra = write(tmp_path / "R99 [late].txt", "Interviewer: Why?\nR99: Because [laughs].\n")
    project.import_paths([extra], actor=CODER, decisions=SpeakerDecisions(create=True))
    assert "R99 [late].txt" in {d.name for d in project.documents()}
    app = make_app(project, CODER, load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_imports()
        await pilot.pause()
        assert isinstance(app.screen, ImportsModal)
        assert "R99 [late].txt" in _screen_text(app)
        await pilot.press("y")  # not yet: the plan has not been shown
        await pilot.pause()
        assert isinstance(app.screen, ImportsModal)
        await pilot.press("enter")
        await pilot.pause()
        text = _screen_text(app)
        assert "removes 1 documents (R99 [late].txt)" in text and "Press y" in text
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, ImportsModal)
        assert {d.name for d in project.documents()} == docs_before
        assert "R99" not in {r.key for r in project.respondents()}
        assert any("Undid import" in str(n.message) for n in app._notifications)
