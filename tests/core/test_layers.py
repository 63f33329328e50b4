"""The layers of ARCHITECTURE.md, enforced: ``lint-imports`` runs the contracts in pyproject.toml.

The contracts (``[tool.importlinter]``) say which layer may import which: core nothing of
ours, storage/importers/exports only core, nlp no storage, the TUI no storage or nlp, the
CLI no storage but the first-frame peek, no import circle between layers or among the
façade's services. Running them here puts them under the README's test command, which CI
runs. A second test breaks a contract in a copy of the package, so a linter that checks
nothing (a wrong root package, contracts not read) fails too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = (
    "import sys; from importlinter.cli import lint_imports_command; "
    "sys.argv = ['lint-imports', '--no-cache', *sys.argv[1:]]; lint_imports_command()"
)


def lint(cwd: Path, src: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", LINT, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src), "PATH": ""},
        timeout=300,
    )


def test_every_layer_contract_is_kept():
    out = lint(ROOT, ROOT / "src")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout and "KEPT" in out.stdout


def test_a_breach_is_caught(tmp_path):
    """The TUI importing storage, or the CLI importing it beside the peek, breaks a contract."""
    shutil.copytree(
        ROOT / "src" / "qualtally",
        tmp_path / "src" / "qualtally",
        ignore=shutil.ignore_patterns("__pycache__", "*.tcss", "migrations"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with open(tmp_path / "src" / "qualtally" / "tui" / "guard.py", "a", encoding="utf-8") as f:
        f.write("\nfrom qualtally.storage import queries  # noqa: E402,F401\n")
    with open(tmp_path / "src" / "qualtally" / "cli" / "tally_text.py", "a", encoding="utf-8") as f:
        f.write("\nfrom qualtally.storage import tally  # noqa: E402,F401\n")
    out = lint(tmp_path, tmp_path / "src")
    assert out.returncode == 1
    assert "the TUI reaches data only through the Project it is handed BROKEN" in out.stdout
    assert "the CLI reaches project data only through Project BROKEN" in out.stdout
    assert "qualtally.tui.guard -> qualtally.storage.queries" in out.stdout
