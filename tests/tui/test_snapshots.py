"""SVG snapshots of the main screens at 160x48 (update with ``--snapshot-update``).

Stable by construction: no clock in the header, no trained model (the suggestions come
from ``fixed_suggester.py``'s keyword rule, so no model's floats are pictured), the model
is "loaded" by the test (no worker, no progress animation), workers are awaited and
notifications cleared before the picture is taken, and the project is always the same
demo-like one.
"""

from __future__ import annotations

import pytest

from qualtally.project import Project
from qualtally.tui.app import make_app

from .conftest import CODER, SIZE
from .fixed_suggester import FixedSuggestions


@pytest.fixture
def app(project_path):
    project = Project.open(project_path)
    yield make_app(FixedSuggestions(project), CODER, load_model=False)
    project.close()


def ready(*keys: str):
    async def run_before(pilot) -> None:
        app = pilot.app
        await pilot.pause()
        app.coding.set_model_ready(None)
        await app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
        app.clear_notifications()
        await pilot.pause()

    return run_before


def test_coding_screen(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=ready())


def test_coding_screen_after_coding(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=ready("1", "j", "enter", "j"))


def test_help_screen(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=ready("question_mark"))


def test_codebook_screen(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=ready("c"))


async def test_the_pictured_suggestions_are_the_fixed_ones_and_no_model_is_made(project_path):
    from .fixed_suggester import fixed_suggestions

    project = Project.open(project_path)
    try:
        app = make_app(FixedSuggestions(project), CODER, load_model=False)
        async with app.run_test(size=SIZE) as pilot:
            await ready("j")(pilot)
            current = app.coding.session.current
            want = fixed_suggestions(current.text, project.codes())[:9]
            assert any(s.suggested and s.keywords for s in want)  # the rule finds keywords here
            assert app.coding.panel.suggestions == want
        assert not project.model_dir().exists()
    finally:
        project.close()
