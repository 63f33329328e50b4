"""A second coding screen of the same coder on the same project is refused, in one line.

Real processes: a child opens the coding app exactly as ``qualtally code`` does
(``tui_app``, which takes the coder's lock) and holds it; ``qualtally code`` for the same
coder, run as another process, exits 2 with a message saying why before it takes the
terminal; another coder may open the project meanwhile; once the child is SIGKILLed the
operating system (a file project's ``flock``) or the server (a PostgreSQL project's session
advisory lock) has dropped the lock, and the coder may open it again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from qt_pg import fresh_database

from qualtally.cli.project_cmds import tui_app
from qualtally.core.errors import InputError

from .demo_project import build

HOLD = textwrap.dedent("""
    import sys, time
    from qualtally.cli.project_cmds import tui_app
    app, close = tui_app(sys.argv[1], "ana")
    print("holding", flush=True)
    time.sleep(600)
""")


def _env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}


def _second_screen(where: str, coder: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qualtally", "code", where, "--coder", coder],
                          capture_output=True, text=True, env=_env(), timeout=120,
                          stdin=subprocess.DEVNULL)


def _opens(where: str, coder: str) -> bool:
    try:
        _, close = tui_app(where, coder)
    except InputError:
        return False
    close()
    return True


def _check(where: str) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, where], stdout=subprocess.PIPE,
                              text=True, env=_env())
    try:
        assert holder.stdout.readline().strip() == "holding"
        done = _second_screen(where, "ana")
        assert done.returncode == 2, done.stderr
        err = done.stderr.strip()
        assert "\n" not in err and "ana already has this project open in a coding screen" in err
        assert "--coder" in err and "Traceback" not in err
        with pytest.raises(InputError, match="already has this project open"):
            tui_app(where, "ana")  # in this process too
        assert _opens(where, "bo")  # another coder is welcome
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        deadline = time.monotonic() + 30  # a server notices the closed socket promptly
        while not _opens(where, "ana"):
            assert time.monotonic() < deadline, "the killed screen's lock was never released"
            time.sleep(0.1)
        assert _opens(where, "ana")  # released by close() as well
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait()


def test_a_second_screen_on_a_project_file_is_refused(tmp_path):
    path = build(tmp_path / "shared.qtally")
    _check(str(path))
    locks = sorted(p.name.split("-")[0] for p in tmp_path.glob(".shared.qtally.*.coding.lock"))
    assert locks == [".shared.qtally.ana", ".shared.qtally.bo"]  # beside it, one per coder


def test_a_second_screen_on_a_postgresql_project_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with fresh_database() as url:
        build(url)
        _check(url)
