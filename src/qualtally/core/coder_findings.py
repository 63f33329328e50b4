"""Each finding counted under each coder's codes: does the report's claim depend on who coded?

What no per-code statistic shows: two coders can agree well code by code and still put a
finding on different steps of the quantifier scale ("most" for one, "some" for the other).
Counted on the respondent units (``core.agreement``) that every compared coder coded, so
each coder's n/N rests on the same people and the same documents; a respondent supports a
finding under a coder when any of their excerpts there carries one of the finding's codes
or a sub-code (the tally's roll-up). The denominator is the finding's own (``asked``), as
each coder's tally gives it, within that sample. Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qualtally.core.agreement import Unit
from qualtally.core.claims import primary_claim
from qualtally.core.models import Code, Finding, QuantifierScale
from qualtally.core.quantifiers import compare, label_for
from qualtally.core.tally import Cell


@dataclass(frozen=True)
class CoderFinding:
    key: str
    statement: str
    claimed: str | None
    by_coder: dict[str, Cell]
    verdicts: dict[str, str]
    """Coder -> the audit's verdict of the claim against that coder's count."""

    @property
    def stable(self) -> bool:
        """The same label under every coder: the claim does not depend on who coded."""
        return len({c.label for c in self.by_coder.values()}) <= 1

    def to_json(self) -> dict[str, object]:
        return {"key": self.key,
                "by_coder": {c: {"n": x.n, "N": x.total, "label": x.label}
                             for c, x in self.by_coder.items()},
                "stable": self.stable}


def sample(units: Sequence[Unit]) -> dict[str, Sequence[frozenset[int]]]:
    """Respondent key -> each coder's value, for the respondents every coder coded."""
    return {str(u.key): u.values for u in units  # type: ignore[misc]
            if u.kind == "respondent" and all(v is not None for v in u.values)}


def findings_by_coder(units: Sequence[Unit], coders: Sequence[str], codes: Sequence[Code],
                      findings: Sequence[Finding], scale: QuantifierScale,
                      bases: Mapping[str, Mapping[str, frozenset[str]]]) -> list[CoderFinding]:
    """``units``: respondent units of ``coders``; ``bases``: coder -> finding key -> the
    respondents in that finding's denominator (from the coder's tally)."""
    people = sample(units)
    ids = {c.path: c.id for c in codes}
    labels = tuple(s.label for s in scale.steps)
    out = []
    for f in findings:
        roots = {ids[p] for p in f.code_paths if p in ids}
        claim = primary_claim(f.statement, labels)
        claimed = f.quantifier or (claim.label if claim else None)
        cells: dict[str, Cell] = {}
        verdicts: dict[str, str] = {}
        for i, coder in enumerate(coders):
            base = set(people) & set(bases.get(coder, {}).get(f.key, people.keys()))
            n = sum(1 for k in base if people[k][i] & roots)
            cells[coder] = Cell(n, len(base), label_for(n, len(base), scale))
            verdicts[coder] = (compare(claimed, n, len(base), scale).verdict if claimed
                               else "no quantifier claim")
        out.append(CoderFinding(f.key, f.statement, claimed, cells, verdicts))
    return out
