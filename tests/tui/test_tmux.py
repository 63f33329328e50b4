"""The real program in a real terminal: ``qualtally code`` under tmux, keys sent, screen read.

Skipped where tmux is not installed. It codes an excerpt with one key, undoes and redoes
it, moves on, quits, and checks the store; then reopens and checks the chip is on screen
and the excerpt it left is the current one again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from qualtally.project import Project

from .conftest import codings_of

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
SRC = Path(__file__).resolve().parents[2] / "src"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def wait_for(session: str, text: str, limit: float = 20.0) -> str:
    deadline = time.monotonic() + limit
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; screen was:\n{screen}")


def start(session: str, project_path: Path) -> None:
    env = f"PYTHONPATH={SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
    # a short sleep lets tmux give the pane its 160x48 size before the program asks for it
    cmd = f"sleep 0.5; exec env {env} {sys.executable} -m qualtally code {project_path} --coder tm"
    tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "48", cmd)


def test_code_undo_redo_quit_reopen_in_tmux(project_path):
    session = f"qt-{uuid.uuid4().hex[:8]}"
    try:
        start(session, project_path)
        wait_for(session, "Documents by respondent")
        screen = wait_for(session, "[CIC]")
        assert "[inaudible]" in screen
        wait_for(session, "keywords: resettlement")  # suggestions ready
        tmux("send-keys", "-t", session, "1")
        wait_for(session, "● Resettlement services")
        tmux("send-keys", "-t", session, "C-z")
        wait_for(session, "Undid coding")
        tmux("send-keys", "-t", session, "C-y")
        wait_for(session, "Redid coding")
        tmux("send-keys", "-t", session, "j")
        wait_for(session, "excerpt 2/3")
        tmux("send-keys", "-t", session, "q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and session in tmux("list-sessions", "-F", "#S"):
            time.sleep(0.1)
    except subprocess.CalledProcessError:
        pass  # the session ended with the program
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    with Project.open(project_path) as project:
        assert [path for _, path, _ in codings_of(project, "tm")] == [
            "Performance > Resettlement services"
        ]

    session2 = session + "b"
    try:
        start(session2, project_path)
        wait_for(session2, "● Resettlement services")
        wait_for(session2, "excerpt 2/3")  # reopened where it was left
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session2], capture_output=True)
