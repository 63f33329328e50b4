"""No pickle-based load anywhere in src/: a model or cache file must never run code.

Reads every module's source (AST, not grep, so a docstring mentioning pickle is fine) and
fails on: importing ``pickle``/``cPickle``/``_pickle``, ``joblib``, ``dill``,
``cloudpickle``, ``shelve`` or ``marshal``; calling ``read_pickle`` or ``torch.load``;
``allow_pickle=True`` anywhere; a ``skops.io.load`` trusting everything (``trusted=True``)
or called without an explicit trusted list. The checker itself is tested on planted lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
BANNED_MODULES = {"pickle", "cPickle", "_pickle", "joblib", "dill", "cloudpickle", "shelve",
                  "marshal"}


def offences(source: str, name: str = "<src>") -> list[str]:
    out = []
    for node in ast.walk(ast.parse(source, name)):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            out += [f"{where}: import {a.name}" for a in node.names
                    if a.name.split(".")[0] in BANNED_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in BANNED_MODULES:
                out.append(f"{where}: from {node.module} import ...")
        elif isinstance(node, ast.Call):
            func = ast.unparse(node.func)
            if func.endswith("read_pickle") or func in ("torch.load",):
                out.append(f"{where}: {func}()")
            for kw in node.keywords:
                if kw.arg == "allow_pickle" and not (
                        isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    out.append(f"{where}: {func}(allow_pickle=...)")
            if func in ("sio.load", "skops.io.load", "load") and _is_skops(func, source):
                trusted = [kw for kw in node.keywords if kw.arg == "trusted"]
                if not trusted or (isinstance(trusted[0].value, ast.Constant)
                                   and trusted[0].value.value is True):
                    out.append(f"{where}: {func}() without an explicit trusted list")
    return out


def _is_skops(func: str, source: str) -> bool:
    return func != "load" or "from skops.io import load" in source


def test_no_module_in_src_loads_through_pickle():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        found += offences(path.read_text(encoding="utf-8"), str(path.relative_to(SRC)))
    assert not found, "pickle-based loading in src/:\n" + "\n".join(found)


@pytest.mark.parametrize("line", [
    "import pickle", "import joblib", "from joblib import load", "import cloudpickle as cp",
    "import pandas as pd\npd.read_pickle('x')",
    "import numpy as np\nnp.load('x', allow_pickle=True)",
    "import skops.io as sio\nsio.load('m', trusted=True)", "import skops.io as sio\nsio.load('m')",
    "import torch\ntorch.load('m')", "from _pickle import loads",
])
def test_the_checker_catches_each_kind(line):
    assert offences(line)


def test_the_checker_lets_the_safe_forms_pass():
    ok = ("import numpy as np\nnp.load('x', allow_pickle=False)\n"
          "import skops.io as sio\nsio.load('m', trusted=TRUSTED)\n"
          '"""Never loaded through pickle or joblib."""\n')
    assert offences(ok) == []
