"""The coding screen follows another coder's work without a restart: another process
codes, and the codebook tree's respondent count moves (the change signal,
``tui/following.py``), on a server project and on a SQLite file. Also: the coding screen
codes on a server project (Textual Pilot, the app ``qualtally code`` runs)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from qt_pg import fresh_database
from tui.conftest import CODER, SIZE
from tui.demo_project import build

from qualtally.cli.project_cmds import tui_app
from qualtally.project import Project

OTHER_CODES = textwrap.dedent("""
    import sys
    from qualtally.project import Project
    with Project.open(sys.argv[1]) as p:
        code = p.code_by_path(sys.argv[2])
        for e in p.excerpts():
            if e.respondent_key is not None:
                p.apply_code(e.id, code.id, "bo")
""")

CODE = "Performance > Value for money"


async def _follows(where) -> None:
    with Project.open(where) as p:
        code_id = p.code_by_path(CODE).id
    app, close = tui_app(where, CODER)
    try:
        async with app.run_test(size=SIZE) as pilot:
            while not app.project_ready or app.model_loading:
                await pilot.pause(0.05)
            tree = app.coding.tree
            deadline = time.monotonic() + 60
            while code_id not in tree.counts:  # the first count has landed
                assert time.monotonic() < deadline
                await pilot.pause(0.05)
            before = tree.counts[code_id]
            await pilot.press("j", "enter")  # the coder codes on this project meanwhile
            subprocess.run([sys.executable, "-c", OTHER_CODES, str(where), CODE], check=True,
                           timeout=120)
            deadline = time.monotonic() + 30  # a bound on waiting; the check runs every 0.5 s
            while tree.counts.get(code_id) == before:
                assert time.monotonic() < deadline, "the count never followed"
                await pilot.pause(0.1)
            assert tree.counts[code_id] == 3  # all three respondents, by "bo"
            await pilot.press("q")
    finally:
        close()
    with Project.open(where) as p:  # the screen's own coding is in the database
        assert p.info()["coder_names"] == [CODER, "bo"]


@pytest.mark.slow
async def test_coding_screen_follows_another_coder_on_postgresql():
    with fresh_database() as url:
        build(url)
        await _follows(url)


@pytest.mark.slow
async def test_coding_screen_follows_a_cli_on_a_sqlite_file(tmp_path):
    await _follows(build(tmp_path / "p.qtally"))
