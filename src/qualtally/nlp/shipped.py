"""Where the models shipped with qualtally live, found once per process.

In an installed wheel they are ``qualtally/models/NAME``; in a checkout ``models/NAME`` at
the repository root. The sentence encoder, its static table and the demo's suggestion
model are all looked up here, so the two layouts are written down in one place.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


def roots() -> list[Path]:
    """The folders that may hold shipped models: the wheel's first, then a checkout's."""
    here = Path(__file__).resolve()  # .../qualtally/nlp/shipped.py
    out = [here.parents[1] / "models"]
    if len(here.parents) > 3:
        out.append(here.parents[3] / "models")
    return out


@cache
def find(name: str, *files: str) -> Path | None:
    """The first ``root/name`` holding every one of ``files``, or None."""
    for root in roots():
        if all((root / name / f).is_file() for f in files):
            return root / name
    return None


def model_dirs() -> list[Path]:
    """Suggestion models shipped with qualtally (the demo's): the folders holding a card.

    Usable for a project when their codebook hash matches (``nlp/card.py`` decides).
    """
    for root in roots():  # installed wheel, then a checkout
        if root.is_dir():
            return sorted(p for p in root.glob("*") if (p / "meta.json").is_file())
    return []
