"""Reading a findings report (Markdown): findings, their sections, and the quantifier scale."""

from __future__ import annotations

from pathlib import Path

from qualtally.core.models import Finding, QuantifierScale


def read_findings(path: Path) -> tuple[list[Finding], QuantifierScale | None]:
    raise NotImplementedError("being built")
