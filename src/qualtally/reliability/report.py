"""Assemble the agreement report: ``core.agreement``'s units and ratings, counted here.

Per code: the units at least two coders coded, percent agreement, Cohen's kappa and
Gwet's AC1 (exactly two coders), Krippendorff's alpha (any number, missing values
allowed) and the agreement table. Per parent whose children the coders used as mutually
exclusive categories: nominal alpha over the children. Per finding: n/N and the label
under each coder (``core.coder_findings``), always on respondent units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qualtally.core import agreement as ag
from qualtally.core.agreement_report import AgreementReport, CodeAgreement, GroupAgreement
from qualtally.core.coder_findings import findings_by_coder
from qualtally.core.models import Finding, QuantifierScale
from qualtally.reliability.stats import ac1, alpha_nominal, kappa

PRESENCE = (0, 1)


def code_rows(all_units: Sequence[ag.Unit], facts: ag.Facts,
              coders: Sequence[str]) -> list[CodeAgreement]:
    two = len(coders) == 2
    out = []
    for c in facts.codes:
        assert c.id is not None
        r = ag.presence(all_units, c.id)
        out.append(CodeAgreement(
            c.path, c.id, ag.pairable(r), ag.percent_agreement(r),
            kappa(r, PRESENCE) if two else None, alpha_nominal(r, PRESENCE),
            ac1(r, PRESENCE) if two else None, ag.table(r, coders),
            ag.pairable({p: w for p, w in r.items() if 1 in p})))
    return out


def group_rows(all_units: Sequence[ag.Unit], facts: ag.Facts) -> list[GroupAgreement]:
    out = []
    for parent in ag.exclusive_groups(facts.codes, all_units):
        assert parent.id is not None
        r = ag.categories(all_units, parent, facts.codes)
        names = tuple(sorted({str(v) for p in r for v in p if v is not None}))
        out.append(GroupAgreement(parent.path, parent.id, ag.pairable(r), alpha_nominal(r),
                                  names))
    return out


def build_report(facts: ag.Facts, coders: Sequence[str], unit: str,
                 findings: Sequence[Finding], scale: QuantifierScale,
                 bases: Mapping[str, Mapping[str, frozenset[str]]]) -> AgreementReport:
    """``bases``: coder -> finding key -> that finding's denominator under the coder's tally."""
    all_units = ag.units(facts, coders, unit)
    people = all_units if unit == "respondent" else ag.respondent_units(facts, coders)
    return AgreementReport(
        tuple(coders), unit, tuple(code_rows(all_units, facts, coders)),
        tuple(group_rows(all_units, facts)),
        tuple(findings_by_coder(people, coders, facts.codes, findings, scale, bases)))
