"""Inter-coder agreement: what a unit is and which codes a coder gave it. The one place.

Three kinds of unit, each a way of asking "did these coders give this the same codes?":

* ``excerpt``: a top-level excerpt (a speaker turn; a span a coder narrowed belongs to the
  turn it lies in). A coder has *coded* the unit when they applied a code anywhere in it or
  marked it "nothing applies"; a unit they never reached is a missing value, not an absent.
* ``respondent``: what the report's counts rest on. Within the documents that at least two
  of the coders compared coded (for two coders: the documents both coded), a respondent has
  a code for a coder when any of their excerpts there carries it. A coder who did not code
  every one of those documents of that respondent, or reached none of their turns there,
  has a missing value.
* ``character``: the characters of the turns a coder reached, each present or absent for a
  code (character overlap, as NVivo reports it, but over the turns each coder reached rather
  than every character of the source). Runs of characters with the same values are kept as
  one weighted unit.

A unit *has* a code for a coder when the coder applied that code or one of its sub-codes
(``core.tally.subtree``, the tally's roll-up), and only codings a person decided count
(``ORIGINS``, as in the tally). The ratings built here are counted by
``qualtally.reliability`` (kappa, alpha, AC1 need numpy, scikit-learn and krippendorff);
this module stays standard library only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from qualtally.core.models import Code
from qualtally.core.tally import code_children, subtree

CONSENSUS = "consensus"
"""The coder reconciliation writes to; never one of the coders compared by default."""
UNITS = ("excerpt", "respondent", "character")
NONE_OF_THEM = "(none)"
"""A group's category for a coder who coded the unit but applied nothing under the parent."""
PARENT_ONLY = "(the parent itself)"
"""A group's category for a coder who applied the parent code but none of its children."""

Value = frozenset[int] | None
"""What a coder gave a unit: the code ids it has (rolled up), or None when not coded."""
Ratings = dict[tuple[object, ...], int]
"""Value pattern (one entry per coder; None for missing) -> how many units (or characters)."""


@dataclass(frozen=True)
class Piece:
    """An excerpt as agreement sees it; ``top`` is the turn (top-level excerpt) it is in."""

    id: int
    document_id: int
    start: int
    end: int
    respondent: str | None
    top: int


@dataclass(frozen=True)
class Facts:
    """Everything agreement reads of a project (``storage/agreement_read.py`` fills it)."""

    pieces: Mapping[int, Piece]
    codes: Sequence[Code]
    codings: Mapping[str, Mapping[int, frozenset[int]]]
    """Coder -> excerpt id -> ids of the codes the coder applied there (counted origins)."""
    nothing: Mapping[str, frozenset[int]]
    """Coder -> ids of the excerpts the coder marked "nothing applies"."""

    @cached_property
    def up(self) -> dict[int, frozenset[int]]:
        """Code id -> the code and its ancestors (:func:`rollup`)."""
        return rollup(self.codes)

    @cached_property
    def _tops(self) -> dict[str, dict[int, frozenset[int]]]:
        return {}

    def tops(self, coder: str) -> dict[int, frozenset[int]]:
        """:func:`coded_tops`, computed once per coder."""
        if coder not in self._tops:
            self._tops[coder] = coded_tops(self, coder)
        return self._tops[coder]

    def coders(self) -> list[str]:
        """Everyone who coded something (codes or nothing-applies marks), consensus last."""
        names = {c for c, rows in self.codings.items() if rows} | {
            c for c, marks in self.nothing.items() if marks}
        return sorted(names, key=lambda c: (c == CONSENSUS, c))


@dataclass(frozen=True)
class Unit:
    kind: str
    key: object
    """The top excerpt id (excerpt), the respondent key (respondent), or (top, start)."""
    weight: int
    values: tuple[Value, ...]
    pieces: tuple[int, ...] = ()
    """The excerpt ids the unit is made of (what a decision on it changes)."""


def rollup(codes: Iterable[Code]) -> dict[int, frozenset[int]]:
    """Code id -> the code and its ancestors: a coding counts for each (``subtree`` inverted)."""
    codes = list(codes)
    children = code_children(codes)
    up: dict[int, set[int]] = defaultdict(set)
    for c in codes:
        if c.id is not None:
            for d in subtree(children, [c.id]):
                up[d].add(c.id)
    return {k: frozenset(v) for k, v in up.items()}


def coded_tops(facts: Facts, coder: str) -> dict[int, frozenset[int]]:
    """Top excerpt id -> rolled-up code ids, for every unit ``coder`` coded (empty: nothing)."""
    up = facts.up
    out: dict[int, set[int]] = defaultdict(set)
    for excerpt_id, code_ids in facts.codings.get(coder, {}).items():
        piece = facts.pieces.get(excerpt_id)
        if piece is None or piece.respondent is None:
            continue
        for c in code_ids:
            out[piece.top].update(up.get(c, {c}))
    for excerpt_id in facts.nothing.get(coder, ()):
        piece = facts.pieces.get(excerpt_id)
        if piece is not None and piece.respondent is not None:
            out.setdefault(piece.top, set())
    return {k: frozenset(v) for k, v in out.items()}


def _pieces_by_top(facts: Facts) -> dict[int, list[Piece]]:
    out: dict[int, list[Piece]] = defaultdict(list)
    for p in facts.pieces.values():
        out[p.top].append(p)
    return out


def excerpt_units(facts: Facts, coders: Sequence[str]) -> list[Unit]:
    coded = [facts.tops(c) for c in coders]
    by_top = _pieces_by_top(facts)
    tops = sorted({t for per in coded for t in per})
    return [Unit("excerpt", t, 1, tuple(per.get(t) for per in coded),
                 tuple(p.id for p in by_top.get(t, ()))) for t in tops]


def compared_documents(facts: Facts, coders: Sequence[str]) -> set[int]:
    """Documents coded by at least two of ``coders`` (all of them when only one is given)."""
    per_doc: dict[int, int] = defaultdict(int)
    for c in coders:
        for doc in {facts.pieces[t].document_id for t in facts.tops(c)}:
            per_doc[doc] += 1
    need = min(2, len(coders))
    return {d for d, n in per_doc.items() if n >= need}


def respondent_units(facts: Facts, coders: Sequence[str]) -> list[Unit]:
    coded = [facts.tops(c) for c in coders]
    docs = compared_documents(facts, coders)
    coded_docs = [{facts.pieces[t].document_id for t in per} for per in coded]
    by_top = _pieces_by_top(facts)
    tops_of: dict[str, set[int]] = defaultdict(set)
    for p in facts.pieces.values():
        if p.respondent is not None and p.document_id in docs:
            tops_of[p.respondent].add(p.top)
    units = []
    for key in sorted(tops_of):
        tops = tops_of[key]
        own_docs = {facts.pieces[t].document_id for t in tops}
        values: list[Value] = []
        for per, done in zip(coded, coded_docs):
            if own_docs <= done and any(t in per for t in tops):
                values.append(frozenset().union(*(per.get(t, frozenset()) for t in tops)))
            else:
                values.append(None)
        pieces = tuple(p.id for t in sorted(tops) for p in by_top[t])
        units.append(Unit("respondent", key, 1, tuple(values), pieces))
    return units


def character_units(facts: Facts, coders: Sequence[str]) -> list[Unit]:
    """Runs of characters of the coded turns with the same values, weighted by length."""
    up = facts.up
    coded = [facts.tops(c) for c in coders]
    spans: list[dict[int, list[tuple[int, int, frozenset[int]]]]] = []
    for c in coders:
        per: dict[int, list[tuple[int, int, frozenset[int]]]] = defaultdict(list)
        for excerpt_id, code_ids in facts.codings.get(c, {}).items():
            p = facts.pieces.get(excerpt_id)
            if p is not None and p.respondent is not None:
                rolled = frozenset().union(*(up.get(x, {x}) for x in code_ids))
                per[p.top].append((p.start, p.end, rolled))
        spans.append(per)
    units = []
    for t in sorted({t for per in coded for t in per}):
        top = facts.pieces[t]
        cuts = {top.start, top.end}
        for per in spans:
            for s, e, _ in per.get(t, ()):
                cuts.update((max(s, top.start), min(e, top.end)))
        edges = sorted(x for x in cuts if top.start <= x <= top.end)
        for a, b in pairwise(edges):
            values = tuple(
                frozenset().union(*(r for s, e, r in per.get(t, ()) if s <= a and b <= e))
                if t in done else None
                for per, done in zip(spans, coded))
            units.append(Unit("character", (t, a), b - a, values, (t,)))
    return units


def units(facts: Facts, coders: Sequence[str], kind: str) -> list[Unit]:
    if kind == "excerpt":
        return excerpt_units(facts, coders)
    if kind == "respondent":
        return respondent_units(facts, coders)
    if kind == "character":
        return character_units(facts, coders)
    raise ValueError(f"unit must be one of {', '.join(UNITS)}")


def presence(all_units: Iterable[Unit], code_id: int) -> Ratings:
    """Value patterns for one code: 1 present, 0 absent, None not coded."""
    out: Ratings = defaultdict(int)
    for u in all_units:
        out[tuple(None if v is None else int(code_id in v) for v in u.values)] += u.weight
    return dict(out)


def exclusive_groups(codes: Sequence[Code], all_units: Sequence[Unit]) -> list[Code]:
    """Parents whose children the coders used as mutually exclusive categories: at least
    two children, and no coder gave any unit two of them."""
    children = code_children(codes)
    out = []
    for c in codes:
        kids = set(children.get(c.id, ()))
        if len(kids) < 2:
            continue
        if all(sum(1 for k in kids if k in v) < 2 for u in all_units for v in u.values if v):
            out.append(c)
    return out


def categories(all_units: Iterable[Unit], parent: Code, codes: Sequence[Code]) -> Ratings:
    """Value patterns over a parent's children (paths), for the units where any coder
    applied something under the parent; a coder who did not code the unit is missing."""
    paths = {c.id: c.path for c in codes}
    kids = [k for k in code_children(codes).get(parent.id, ())]
    out: Ratings = defaultdict(int)
    for u in all_units:
        if not any(v and parent.id in v for v in u.values):
            continue

        def category(v: Value) -> str | None:
            if v is None:
                return None
            hit = [paths[k] for k in kids if k in v]
            if hit:
                return hit[0]
            return PARENT_ONLY if parent.id in v else NONE_OF_THEM

        out[tuple(category(v) for v in u.values)] += u.weight
    return dict(out)


def percent_agreement(ratings: Ratings) -> float | None:
    """Share of agreeing coder pairs per pairable unit, averaged over units (weighted); for
    two coders, the share of units both coded on which they agree."""
    total = agree = 0.0
    for pattern, w in ratings.items():
        vals = [v for v in pattern if v is not None]
        m = len(vals)
        if m < 2:
            continue
        pairs = m * (m - 1) / 2
        same = sum(1 for i in range(m) for j in range(i + 1, m) if vals[i] == vals[j])
        total += w
        agree += w * same / pairs
    return agree / total if total else None


def pairable(ratings: Ratings) -> int:
    """Units (or characters) at least two coders coded: what the statistics rest on."""
    return sum(w for p, w in ratings.items() if sum(v is not None for v in p) >= 2)


def table(ratings: Ratings, coders: Sequence[str]) -> dict[str, object]:
    """Two coders: the 2x2 contingency table (rows the first coder, columns the second).
    More: the coincidence matrix of pairable values (Krippendorff's o_ck)."""
    names = {1: "present", 0: "absent"}
    if len(coders) == 2:
        cells = {r: {c: 0 for c in names.values()} for r in names.values()}
        for (a, b), w in ratings.items():
            if a is not None and b is not None:
                cells[names[int(a)]][names[int(b)]] += w  # type: ignore[call-overload]
        return {"kind": "contingency", "rows": coders[0], "columns": coders[1], **cells}
    co = {r: {c: 0.0 for c in names.values()} for r in names.values()}
    for pattern, w in ratings.items():
        vals = [int(v) for v in pattern if v is not None]  # type: ignore[call-overload]
        m = len(vals)
        if m < 2:
            continue
        for i, x in enumerate(vals):
            for j, y in enumerate(vals):
                if i != j:
                    co[names[x]][names[y]] += w / (m - 1)
    return {"kind": "coincidence", **{r: {c: round(v, 6) for c, v in row.items()}
                                      for r, row in co.items()}}
