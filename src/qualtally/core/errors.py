"""The one error type the CLI turns into a one-line message and exit code 2.

Importers and the façade raise :class:`InputError` for anything a user gave us that we
cannot accept; it always names the file (or object) and the problem.
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input from the user: ``str(err)`` is the whole one-line message."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")
