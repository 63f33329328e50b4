"""SVG snapshots of the main screens at 160x48 (update with ``--snapshot-update``).

Stable by construction: no clock in the header, the model is "loaded" by the test (no
worker, no progress animation), workers are awaited and notifications cleared before
the picture is taken, and the project is always the same demo-like one.
"""

from __future__ import annotations

import pytest

from qualtally.project import Project
from qualtally.tui.app import make_app

from .conftest import CODER, SIZE


@pytest.fixture
def app(project_path):
    project = Project.open(project_path)
    project.load_suggester()  # synchronously, so the suggestions panel is the same every run
    yield make_app(project, CODER, load_model=False)
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
