"""Fixtures for the TUI tests: a fresh demo-like project per test and a way to drive it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.worker import WorkerCancelled

from qualtally.project import Project

from .demo_project import build

CODER = "ana"
SIZE = (160, 48)


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return build(tmp_path / "demo.qtally")


@pytest.fixture
def project(project_path: Path):
    p = Project.open(project_path)
    yield p
    p.close()


async def settle(pilot) -> None:
    """Let the model load (a thread of its own), workers finish and their messages land."""
    await pilot.pause()
    while getattr(pilot.app, "model_loading", False):
        await pilot.pause(0.05)
    for worker in list(pilot.app.workers):
        try:
            await worker.wait()
        except WorkerCancelled:  # replaced by a newer worker of its exclusive group
            pass
    await pilot.pause()


def codings_of(project, coder: str = CODER) -> list[tuple[int, str, str]]:
    """(excerpt id, code path, origin) for every coding of ``coder``."""
    paths = {c.id: c.path for c in project.codes()}
    ids = [e.id for e in project.excerpts()]
    got = project.codings(ids, coder)
    return sorted((e, paths[c], origin) for e, rows in got.items() for c, _, origin in rows)
