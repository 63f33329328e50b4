"""The one error type the CLI turns into a one-line message and exit code 2.

Importers and the façade raise :class:`InputError` for anything a user gave us that we
cannot accept; it always names the file (or object) and the problem. A damaged project
file is said the same way (:func:`damaged`), pointing to its backup copies.
"""

from __future__ import annotations

import re
from pathlib import Path


class InputError(Exception):
    """Bad input from the user: ``str(err)`` is the whole one-line message."""

    def __init__(self, source: str, problem: str) -> None:
        # one line, also when it quotes a parser's message or a file name with a line break
        self.source = _one_line(str(source))
        self.problem = _one_line(problem)
        super().__init__(f"{self.source}: {self.problem}")


def _one_line(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip() if "\n" in text or "\r" in text else text


DAMAGED = ("malformed", "not a database")
"""SQLite's words for a damaged file ("database disk image is malformed", "file is not a
database"), as its error messages carry them."""


def is_damage(err: BaseException) -> bool:
    """Whether a database error (SQLAlchemy's or sqlite3's) says the file itself is damaged."""
    text = str(getattr(err, "orig", None) or err)
    return any(word in text for word in DAMAGED)


def backup_hint(path: Path) -> str:
    """Where this project's backup copies are (``storage/backups.py`` takes them)."""
    copies = sorted([*path.with_name(f"{path.name}.backups").glob("*.qtally"),
                     *path.parent.glob(f"{path.name}.*.bak")], key=lambda p: p.stat().st_mtime)
    if copies:
        return (f"restore a backup copy with `qualtally restore {path}` "
                f"(newest: {copies[-1].name})")
    return "no backup copy is beside it; restore it from your own backups"


def damaged(path: Path | str, detail: str) -> InputError:
    """``PATH: damaged database (DETAIL); restore a backup copy (newest: ...)``."""
    path = Path(path)
    return InputError(str(path), f"damaged database ({detail}); {backup_hint(path)}")
