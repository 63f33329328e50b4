"""Layering and start-up promises: core stays light, ``--help`` loads no heavy library."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("textual", "spacy", "sklearn", "pandas", "sqlalchemy")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_core_imports_standard_library_only():
    assert _loaded_after("import qualtally.core, qualtally.core.placement") == set()


def test_help_loads_no_heavy_library():
    code = "from qualtally.cli import build_parser\nbuild_parser().format_help()"
    assert _loaded_after(code) == set()


def test_help_runs_as_a_command():
    out = subprocess.run(
        [sys.executable, "-m", "qualtally", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0 and "import" in out.stdout and "demo" in out.stdout
