"""The quantifier audit: every claim of a report checked against the tally.

Why this exists: "most respondents said X" is only as good as the count behind it. For
each claim read from the report (``core.claims``) this module finds its finding, takes
n/N from the tally (or from a named respondent group), and says whether the words
overstate, understate or match the count. It also shapes the drill-down: who supports a
finding with which excerpts, and who in the denominator did not. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qualtally.core.claims import Passage, content_words, link, parse_claims
from qualtally.core.quantifiers import compare, label_for, share
from qualtally.core.tally import MISSING, CodeRow, Tally, attribute_text, respondent_group

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
    code: str | None = None
    """The code path a claim was linked to when it names a code rather than a finding."""

    @property
    def share(self) -> float | None:
        return share(self.n, self.total)

    @property
    def mismatch(self) -> bool:
        return self.verdict in ("overstated", "understated")

    @property
    def unlinked(self) -> bool:
        """A claim the audit could tie to no finding or code: listed, but not checked."""
        return self.verdict == "unlinked claim"

    def to_json(self) -> dict:
        return {
            "finding": self.finding_key,
            "code": self.code,
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
    """Check every claim in ``passages``; ``attributes`` maps respondent key -> attributes.

    A finding item's claims are checked against its finding. Every other passage (a free-text
    report, or the executive summary of a report with finding items) is read claim by claim:
    each claim's own sentence is linked to a finding, else to a code it names; a passage
    with one claim may be linked by its whole text. A claim linked to nothing is listed as an
    ``unlinked claim`` at its own line, never dropped.
    """
    scale = tally.scale
    labels = tuple(s.label for s in scale.steps)
    owner = _group_owners(attributes)
    statements = {f.key: f.statement for f in tally.findings}
    keyed_report = any(p.finding_key for p in passages)
    out: list[ClaimCheck] = []
    for p in passages:
        claims = parse_claims(p.text, labels, tuple(owner))
        whole = p.finding_key if p.finding_key in statements else None
        if whole is None and p.finding_key is None:
            whole = link(p.text, statements)
        if not claims:
            row = tally.finding(whole) if whole else None
            if row is not None and (p.finding_key or not keyed_report):
                out.append(ClaimCheck(whole, p.text, p.text, None, None, row.respondents,
                                      row.denominator, row.label, "no quantifier claim",
                                      line=p.line))
            continue
        for c in claims:
            line = p.line_at(c.offset)
            key, code = whole, None
            if p.finding_key is None and len(claims) > 1:
                key = link(c.sentence, statements)
            if key is None and p.finding_key is None:
                code = link_code(c.sentence, tally)
            if key is not None:
                row = tally.finding(key)
                n, total, base, supporters = (row.respondents, row.denominator, row.base,
                                              row.supporters)
            elif code is not None:
                n, total = code.respondents, tally.respondents_total
                base, supporters = tally.interviewed, code.supporters
            else:
                out.append(ClaimCheck(None, p.text, c.sentence, c.phrase, c.label, 0, 0,
                                      label_for(0, 0, scale), "unlinked claim", c.group,
                                      line=line))
                continue
            attr = None
            if c.group:
                attr = owner.get(c.group)
                in_group = {k for k in base
                            if respondent_group(attributes.get(k, {}), attr or "") == c.group}
                n, total = len(supporters & in_group), len(in_group)
            verdict = compare(c.label, n, total, scale)
            out.append(ClaimCheck(key, p.text, c.sentence, c.phrase, c.label, n, total,
                                  verdict.actual, verdict.verdict, c.group, attr, line,
                                  code.path if code is not None else None))
    return out


def _group_owners(attributes: dict[str, dict[str, object]]) -> dict[str, str]:
    """Each attribute value a claim may name as a group ("HQ") -> the attribute holding it."""
    owner: dict[str, str] = {}
    for attrs in attributes.values():
        for name, value in attrs.items():
            if (
                isinstance(value, str)
                and value
                and name.lower() not in ("name", "respondent", "key")
            ):
                owner.setdefault(value, name)
    return owner


def link_code(sentence: str, tally: Tally) -> CodeRow | None:
    """The code whose own name's content words all appear in ``sentence`` (the longest such
    name; None when none, or when two different codes tie)."""
    said = content_words(sentence)
    best: list[CodeRow] = []
    size = 0
    for row in tally.codes:
        words = content_words(row.path.split(" > ")[-1])
        if not words or not words <= said:
            continue
        if len(words) > size:
            best, size = [row], len(words)
        elif len(words) == size:
            best.append(row)
    return best[0] if len(best) == 1 else None


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
