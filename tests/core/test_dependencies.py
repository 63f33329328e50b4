"""Every third-party package qualtally's code imports is declared in pyproject.toml."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imported_top_levels() -> dict[str, str]:
    """top-level module -> the first file importing it (absolute imports only)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "src" / "qualtally").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_norm(re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0])
                for req in project["dependencies"] + project["optional-dependencies"]["postgres"]}
    dists = packages_distributions()
    missing = []
    for module, where in sorted(_imported_top_levels().items()):
        if module == "qualtally" or module in sys.stdlib_module_names:
            continue
        names = {_norm(d) for d in dists.get(module, [])}
        assert names, f"{module} (imported in {where}) belongs to no installed distribution"
        if not names & declared:
            missing.append(f"{module} ({sorted(names)}, imported in {where})")
    assert missing == [], f"imported but not declared in pyproject.toml: {missing}"
