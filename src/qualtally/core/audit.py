"""The quantifier audit: every claim of a report checked against the tally.

Why this exists: "most respondents said X" is only as good as the count behind it. For
each claim read from the report (``core.claims``) this module finds its finding, takes
n/N from the tally (or from a named respondent group), and says whether the words
overstate, understate or match the count. It also shapes the drill-down: who supports a
finding with which excerpts, and who in the denominator did not. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qualtally.core.claims import Passage, link, parse_claims
from qualtally.core.quantifiers import compare, label_for, share
from qualtally.core.tally import MISSING, Tally, attribute_text, respondent_group

VERDICTS = ("overstated", "understated", "consistent", "no quantifier claim", "unlinked claim",
            "unknown label", "no denominator")


@dataclass(frozen=True)
class ClaimCheck:
    finding_key: str | None
    passage: str
    sentence: str
    phrase: str | None
    claimed: str | None
    n: int
    total: int
    actual: str
    verdict: str
    group: str | None = None
    attribute: str | None = None
    line: int = 0

    @property
    def share(self) -> float | None:
        return share(self.n, self.total)

    @property
    def mismatch(self) -> bool:
        return self.verdict in ("overstated", "understated")

    def to_json(self) -> dict:
        return {
            "finding": self.finding_key,
            "line": self.line,
            "phrase": self.phrase,
            "claimed": self.claimed,
            "group": self.group,
            "attribute": self.attribute,
            "respondents": self.n,
            "denominator": self.total,
            "share": self.share,
            "actual": self.actual,
            "n_of_N": f"{self.n}/{self.total} {self.actual}",
            "verdict": self.verdict,
            "sentence": self.sentence,
        }


def audit(
    passages: list[Passage], tally: Tally, attributes: dict[str, dict[str, object]]
) -> list[ClaimCheck]:
    """Check every claim in ``passages``; ``attributes`` maps respondent key -> attributes."""
    scale = tally.scale
    labels = tuple(s.label for s in scale.steps)
    owner: dict[str, str] = {}
    for attrs in attributes.values():
        for name, value in attrs.items():
            if (
                isinstance(value, str)
                and value
                and name.lower() not in ("name", "respondent", "key")
            ):
                owner.setdefault(value, name)
    statements = {f.key: f.statement for f in tally.findings}
    if any(p.finding_key for p in passages):
        passages = [p for p in passages if p.finding_key]  # a findings list: skip its prose
    out: list[ClaimCheck] = []
    for p in passages:
        key = p.finding_key if p.finding_key in statements else None
        if key is None and p.finding_key is None:
            key = link(p.text, statements)
        row = tally.finding(key) if key else None
        claims = parse_claims(p.text, labels, tuple(owner))
        if not claims:
            if row is not None:
                out.append(
                    ClaimCheck(
                        key,
                        p.text,
                        p.text,
                        None,
                        None,
                        row.respondents,
                        row.denominator,
                        row.label,
                        "no quantifier claim",
                        line=p.line,
                    )
                )
            continue
        for c in claims:
            if row is None:
                out.append(
                    ClaimCheck(
                        None,
                        p.text,
                        c.sentence,
                        c.phrase,
                        c.label,
                        0,
                        0,
                        label_for(0, 0, scale),
                        "unlinked claim",
                        c.group,
                        line=p.line,
                    )
                )
                continue
            n, total, attr = row.respondents, row.denominator, None
            if c.group:
                attr = owner.get(c.group)
                base = {k for k in row.base
                        if respondent_group(attributes.get(k, {}), attr or "") == c.group}
                n, total = len(row.supporters & base), len(base)
            verdict = compare(c.label, n, total, scale)
            out.append(
                ClaimCheck(
                    key,
                    p.text,
                    c.sentence,
                    c.phrase,
                    c.label,
                    n,
                    total,
                    verdict.actual,
                    verdict.verdict,
                    c.group,
                    attr,
                    p.line,
                )
            )
    return out


@dataclass(frozen=True)
class SupportExcerpt:
    excerpt_id: int
    respondent: str
    document: str
    text: str
    codes: tuple[str, ...]
    coders: tuple[str, ...]
    question: str = ""
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Drilldown:
    """Who stands behind a finding (or a code), with what words, and who in the base does not."""

    key: str
    title: str
    n: int
    total: int
    label: str
    supporters: dict[str, list[SupportExcerpt]]
    non_supporters: list[str]
    outside: list[str] = field(default_factory=list)
    """Supporters who are not in the denominator (not asked about the topic)."""
    attributes: dict[str, dict[str, object]] = field(default_factory=dict)
    group: str | None = None

    def attribute_labels(self, respondent: str) -> list[str]:
        """The respondent's attribute values as group labels (``False`` -> ``no``), the
        name and missing values left out: what a drill-down shows beside each supporter."""
        labels = (attribute_text(v) for k, v in self.attributes.get(respondent, {}).items()
                  if k.lower() != "name")
        return [v for v in labels if v != MISSING]
