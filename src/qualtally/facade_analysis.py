"""Tally, audit and report-export methods of the Project façade (being built).

Kept in its own module so the analysis can grow without making project.py large;
:class:`qualtally.project.Project` inherits it.
"""

from __future__ import annotations

from pathlib import Path

from qualtally.core.errors import InputError


class AnalysisMixin:
    def export_report(self, out: Path) -> Path:
        raise InputError(str(out), "XLSX and HTML export are not built yet")
