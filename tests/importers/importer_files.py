"""Helpers for the importer tests: files written in tmp_path, and the real CLI.

A plain module (not conftest.py) so that ``from importer_files import ...`` cannot pick up
another directory's conftest when the whole suite runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode(encoding)
    path.write_bytes(content)
    return path


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def make_xlsx(path: Path, rows: list[list[object]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC), "QUALTALLY_CODER": "tester"}
    return subprocess.run([sys.executable, "-m", "qualtally", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def info(project: Path) -> dict:
    res = cli("info", str(project), "--json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)
