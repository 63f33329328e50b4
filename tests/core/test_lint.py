"""The code is ruff-clean: ``ruff check`` with the rules of ``[tool.ruff.lint]`` in pyproject.toml.

Running it here puts it under the README's test command, which CI runs. A second test feeds
ruff lines of 100 and 101 characters under the project's settings, so a ruff that reads no
settings (or checks nothing) fails too.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None,
    reason="ruff is not installed (it is in the test extra: pip install -e '.[test]')",
)


def ruff(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ruff_finds_nothing():
    out = ruff("check", "src", "tests", "benchmarks", "corpus")
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_reads_the_project_settings():
    """E501 is not among ruff's default rules, and its default line length is 88."""
    fits, too_long = "x = " + "1 + " * 23 + "1234", "x = " + "1 + " * 24 + "1"
    assert (len(fits), len(too_long)) == (100, 101)
    check = ("check", "--stdin-filename", "src/qualtally/probe.py", "-")
    out = ruff(*check, stdin=fits + "\n")
    assert out.returncode == 0, out.stdout + out.stderr
    out = ruff(*check, stdin=too_long + "\n")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "E501" in out.stdout
