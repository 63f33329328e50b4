"""A type a tampered model file smuggles in: building it runs code (it writes a marker file).

Importable by the test's child processes (their ``PYTHONPATH`` holds this folder), so the
only thing between a tampered file and this code running is qualtally's refusal."""

from __future__ import annotations

from pathlib import Path


class Payload:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __setstate__(self, state: dict) -> None:  # skops calls it while loading
        Path(state["marker"]).write_text("the tampered model's code ran")
        self.__dict__.update(state)
