"""The agreement report as plain data: per code, per exclusive group, per finding.

What ``Project.agreement`` returns and ``qualtally icr --json`` prints (the shape is fixed
by issue 13: ``coders``, ``unit``, ``codes``, ``groups``, ``findings``). Statistics a
project's data cannot give (a code nobody applied has no alpha) are None, ``null`` in JSON.
Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualtally.core.coder_findings import CoderFinding

RELIABLE, TENTATIVE = 0.800, 0.667
"""Krippendorff's guidance: alpha >= .800 reliable; >= .667 for tentative conclusions only."""


def _num(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def verdict(alpha: float | None) -> str:
    if alpha is None:
        return "n/a"
    return "reliable" if alpha >= RELIABLE else "tentative" if alpha >= TENTATIVE else "unreliable"


@dataclass(frozen=True)
class CodeAgreement:
    path: str
    code_id: int
    n_units: int
    """Units (characters, for character units) at least two of the coders coded."""
    percent_agreement: float | None
    kappa: float | None
    """Cohen's kappa: only when exactly two coders are compared."""
    alpha: float | None
    """Krippendorff's alpha (nominal), over every coder compared, missing values allowed."""
    ac1: float | None
    """Gwet's AC1 (two coders), steadier than kappa for codes that are rare."""
    table: dict[str, object]
    applied: int = 0
    """Of the ``n_units``, those any coder gave the code (0: nobody applied it there)."""

    def to_json(self, with_ac1: bool = False) -> dict[str, object]:
        out: dict[str, object] = {
            "path": self.path, "n_units": self.n_units,
            "percent_agreement": _num(self.percent_agreement), "kappa": _num(self.kappa),
            "alpha": _num(self.alpha), "table": self.table}
        if with_ac1:
            out["ac1"] = _num(self.ac1)
        return out


@dataclass(frozen=True)
class GroupAgreement:
    """A parent whose children were used as mutually exclusive categories."""

    path: str
    code_id: int
    n_units: int
    alpha_nominal: float | None
    categories: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "n_units": self.n_units,
                "alpha_nominal": _num(self.alpha_nominal)}


@dataclass(frozen=True)
class AgreementReport:
    coders: tuple[str, ...]
    unit: str
    codes: tuple[CodeAgreement, ...]
    groups: tuple[GroupAgreement, ...]
    findings: tuple[CoderFinding, ...]

    def code(self, path: str) -> CodeAgreement | None:
        return next((c for c in self.codes if c.path == path), None)

    def to_json(self, with_ac1: bool = False) -> dict[str, object]:
        return {"coders": list(self.coders), "unit": self.unit,
                "codes": [c.to_json(with_ac1) for c in self.codes],
                "groups": [g.to_json() for g in self.groups],
                "findings": [f.to_json() for f in self.findings]}
