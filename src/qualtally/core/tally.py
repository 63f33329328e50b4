"""The respondent tally as plain data, and the pure rules that build it.

Storage answers one question ("for each node of the code tree, which respondents have
how many counted excerpts under it?"); everything else -- roll-up nodes, finding
nodes, denominators, attribute splits, labels -- is decided here, once, so the TUI,
the CLI and every export print the same numbers. Standard library only.

A *node* is a code (its id; the code and all its descendants) or a finding (a negative
id; the subtrees of every code linked to it). Counting per node in one SQL query is
what makes roll-up exact: an excerpt coded with two children counts once for the parent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Protocol

from qualtally.core.claims import primary_claim
from qualtally.core.models import Code, Finding, QuantifierScale
from qualtally.core.quantifiers import compare, label_for, share
from qualtally.core.support import LazyKeys, NodeKeys, RowSupport, Support

MISSING = "(none)"
"""The group of respondents who lack the attribute a tally is split by."""


def attribute_text(value: object) -> str:
    """The group label of a typed attribute value: ``3`` -> ``"3"``, ``False`` -> ``"no"``."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def respondent_group(attributes: Mapping[str, object], by: str) -> str:
    """The group a respondent with ``attributes`` is in when respondents are split by ``by``.

    The one rule for group membership: the tally's cells, the audit's group claims, the
    drill-down of a cell and the reports' choice of split all ask it, so a typed value
    (``3``, ``False``, a date) or a missing one lands in the same group everywhere.
    """
    return attribute_text(attributes.get(by))


@dataclass(frozen=True)
class Cell:
    """n of N respondents, with the label the scale gives that share."""

    n: int
    total: int
    label: str
    excerpts: int = 0

    def __str__(self) -> str:
        return f"{self.n}/{self.total} {self.label}"


@dataclass(frozen=True)
class CodeRow:
    code_id: int
    path: str
    depth: int
    finding_key: str | None
    respondents: int
    excerpts: int
    by: dict[str, int]
    excerpts_by: dict[str, int]
    supporters: AbstractSet[str]
    """Supporting respondents' keys (a :class:`LazyKeys` from a tally: computed on first use)."""


@dataclass(frozen=True)
class FindingRow:
    key: str
    statement: str
    section: str
    code_paths: tuple[str, ...]
    respondents: int
    excerpts: int
    denominator: int
    share: float | None
    label: str
    claimed: str | None
    claim_phrase: str | None
    verdict: str
    by: dict[str, Cell]
    supporters: AbstractSet[str]
    """Supporting respondents inside the denominator (may be a :class:`LazyKeys`)."""
    base: frozenset[str]
    """The denominator's respondents."""
    outside: frozenset[str] = frozenset()
    """Supporters who are not in the denominator (not asked about the topic)."""

    @property
    def cell(self) -> Cell:
        return Cell(self.respondents, self.denominator, self.label, self.excerpts)


@dataclass(frozen=True)
class Tally:
    respondents_total: int
    by: str | None
    groups: dict[str, int]
    codes: list[CodeRow]
    findings: list[FindingRow]
    scale: QuantifierScale
    coder: str | None = None
    respondent_groups: dict[str, str] = field(default_factory=dict)
    """Respondent key -> group value under ``by`` (empty without ``by``)."""
    interviewed: frozenset[str] = frozenset()
    """The respondents with a turn in a document: a code's denominator."""

    def finding(self, key: str) -> FindingRow | None:
        return next((f for f in self.findings if f.key == key), None)

    def to_json(self) -> dict:
        """The documented shape of ``qualtally tally --json``."""
        return {
            "respondents_total": self.respondents_total,
            "by": self.by,
            "coder": self.coder,
            "groups": self.groups,
            "scale": {"steps": [[s.label, s.low, s.high] for s in self.scale.steps],
                      "source": self.scale.source},
            "codes": [{"path": c.path, "respondents": c.respondents, "excerpts": c.excerpts,
                       "by": c.by, "excerpts_by": c.excerpts_by} for c in self.codes],
            "findings": [{"id": f.key, "statement": f.statement, "section": f.section,
                          "codes": list(f.code_paths), "respondents": f.respondents,
                          "excerpts": f.excerpts,
                          "denominator": f.denominator, "share": f.share, "label": f.label,
                          "n_of_N": f"{f.respondents}/{f.denominator} {f.label}",
                          "claimed": f.claimed, "verdict": f.verdict,
                          "by": {g: {"respondents": c.n, "denominator": c.total, "label": c.label}
                                 for g, c in f.by.items()}} for f in self.findings],
        }


def finding_node(index: int) -> int:
    return -(index + 1)


def code_children(codes: Iterable[Code]) -> dict[int | None, list[int]]:
    """Parent code id (None: top level) -> the ids of its child codes."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for c in codes:
        children[c.parent_id].append(c.id)  # type: ignore[arg-type]
    return children


def subtree(children: Mapping[int | None, list[int]], roots: Iterable[int]) -> list[int]:
    """The roots and every code under them, each once: what a code counts under roll-up.

    The one definition of roll-up: the tally's nodes (:func:`closure`) and the drill-down's
    excerpts both use it, so a drill-down lists exactly the excerpts its cell counts.
    """
    out: dict[int, None] = {}
    stack = list(roots)
    while stack:
        cid = stack.pop()
        if cid not in out:
            out[cid] = None
            stack.extend(children.get(cid, ()))
    return list(out)


def closure(codes: list[Code], findings: list[Finding]) -> list[tuple[int, int]]:
    """(node, code id) pairs: every code under each code node and each finding node."""
    children = code_children(codes)
    by_path = {c.path: c.id for c in codes if c.id is not None}
    pairs = {(cid, d) for cid in by_path.values() for d in subtree(children, [cid])}
    for i, f in enumerate(findings):
        roots = [by_path[p] for p in f.code_paths if p in by_path]
        pairs.update((finding_node(i), d) for d in subtree(children, roots))
    return sorted(pairs)


def denominator(finding: Finding, interviewed: set[str], node_keys: Mapping[str, AbstractSet[str]],
                questions: dict[str, set[str]], known: set[str]) -> frozenset[str]:
    """Who was asked: everyone interviewed, or the finding's ``asked`` list.

    ``asked`` entries are respondent keys, ``code:PATH`` (everyone with an excerpt under
    that question code) or ``question:Q`` (everyone with an excerpt under guide question Q).
    """
    if not finding.asked:
        return frozenset(interviewed)
    base: set[str] = set()
    for entry in finding.asked:
        if entry.startswith("code:"):
            base |= node_keys.get(entry[5:].strip(), set())
        elif entry.startswith("question:"):
            base |= questions.get(entry[9:].strip(), set())
        elif entry in known:
            base.add(entry)
    return frozenset(base)


class Member(Protocol):
    """What the tally reads of a respondent (``core.models.Respondent``, or storage's
    lighter row)."""

    @property
    def id(self) -> int | None: ...
    @property
    def key(self) -> str: ...
    @property
    def attributes(self) -> Mapping[str, object]: ...


def build_tally(codes: list[Code], findings: list[Finding], respondents: Sequence[Member],
                interviewed_ids: Iterable[int], support: Support | Iterable[tuple[int, int, int]],
                scale: QuantifierScale, by: str | None = None, coder: str | None = None,
                questions: dict[str, set[str]] | None = None) -> Tally:
    """Assemble the tally from ``support``: rows ``(node, respondent id, counted excerpts)``
    or a :class:`Support` (storage's cached arrays); both give the same tally."""
    keys = {r.id: r.key for r in respondents}
    interviewed = frozenset(keys[i] for i in interviewed_ids if i in keys)
    group_of = {r.key: respondent_group(r.attributes, by) for r in respondents} if by else {}
    if not isinstance(support, Support):
        support = RowSupport(support, keys)  # type: ignore[arg-type]
    sup: Support = support

    groups: dict[str, int] = {}
    if by:
        for k in sorted(interviewed):
            groups[group_of[k]] = groups.get(group_of[k], 0) + 1
        groups = dict(sorted(groups.items(), key=lambda kv: (kv[0] == MISSING, kv[0])))

    code_rows = []
    for c in codes:
        node = c.id
        n, n_excerpts = sup.totals(node)  # type: ignore[arg-type]
        split = sup.split(node, group_of, groups) if by else ({}, {})  # type: ignore[arg-type]
        code_rows.append(CodeRow(
            c.id, c.path, c.depth, c.finding, n, n_excerpts, split[0], split[1],  # type: ignore[arg-type]
            LazyKeys(lambda node=node: sup.keys(node))))
    node_keys = NodeKeys(sup, {c.path: c.id for c in codes})  # type: ignore[misc]

    labels = tuple(s.label for s in scale.steps)
    finding_rows = []
    for i, f in enumerate(findings):
        node = finding_node(i)
        base = denominator(f, interviewed, node_keys, questions or {}, set(keys.values()))
        if f.asked:
            hits = sup.counts(node)
            inside = {k: v for k, v in hits.items() if k in base}
            n, n_excerpts = len(inside), sum(inside.values())
            split = {
                g: _cell(
                    sum(1 for k in inside if group_of[k] == g),
                    sum(1 for k in base if group_of.get(k) == g),
                    scale,
                    sum(v for k, v in inside.items() if group_of[k] == g),
                )
                for g in groups
            }
            supporters: AbstractSet[str] = frozenset(inside)
            outside = frozenset(set(hits) - base)
        else:
            # Everyone counted has an excerpt, so is interviewed: all supporters are inside.
            n, n_excerpts = sup.totals(node)
            by_n, by_excerpts = sup.split(node, group_of, groups) if by else ({}, {})
            split = {
                g: _cell(by_n.get(g, 0), groups[g], scale, by_excerpts.get(g, 0)) for g in groups
            }
            supporters = LazyKeys(lambda node=node: sup.keys(node))
            outside = frozenset()
        total = len(base)
        claim = primary_claim(f.statement, labels)
        claimed = f.quantifier or (claim.label if claim else None)
        verdict = compare(claimed, n, total, scale).verdict if claimed else "no quantifier claim"
        finding_rows.append(FindingRow(
            f.key, f.statement, f.section, f.code_paths, n, n_excerpts, total,
            share(n, total), label_for(n, total, scale), claimed, claim.phrase if claim else None,
            verdict, split, supporters, base, outside))
    return Tally(len(interviewed), by, groups, code_rows, finding_rows, scale, coder, group_of,
                 interviewed)


def _cell(n: int, total: int, scale: QuantifierScale, excerpts: int = 0) -> Cell:
    return Cell(n, total, label_for(n, total, scale), excerpts)
