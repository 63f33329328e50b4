"""Reconciling two coders into the ``consensus`` coder: the disagreements, and what each
decision makes the consensus hold. Standard library only; ``storage/consensus.py`` writes.

A disagreement is a unit (``core.agreement``) on which one coder has a code (or a sub-code
of it) and the other, who coded the unit too, has not; in character units, a turn whose
characters the two coded differently for the code. Before the first decision the consensus
is *seeded*: on a unit both coded it takes every coding whose code the other coder also has
there (rolled up), so agreement is carried over as it is; on a unit only one coded, that
coder's codings; a unit left without codes is marked "nothing applies". A decision on a unit
and a code then replaces the consensus's codings under that code on the unit's excerpts by
coder A's (``a``), coder B's (``b``), both (``both``) or none (``neither``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qualtally.core.agreement import Facts, character_units, units
from qualtally.core.tally import code_children, subtree

CHOICES = ("a", "b", "both", "neither")
Codings = set[tuple[int, int]]
"""(excerpt id, code id) pairs of one coder."""


@dataclass(frozen=True)
class Disagreement:
    kind: str
    """``excerpt`` or ``respondent`` (character units are listed, and decided, per turn)."""
    key: object
    """The top excerpt id, or the respondent key."""
    code_id: int
    present: tuple[bool, bool]
    """Whether coder A, coder B has the code on the unit."""
    pieces: tuple[int, ...]
    """The excerpts a decision on this unit changes."""
    codes: tuple[tuple[int, ...], tuple[int, ...]]
    """Each coder's codes (exact, not rolled up) on those excerpts, for showing side by side."""
    shown: tuple[int, ...]
    """The excerpts to show: those where either coder applied the code or a sub-code."""


def _differ(values: tuple, code_id: int) -> bool:
    """Both coders coded the unit and exactly one of them has the code."""
    a, b = values
    return a is not None and b is not None and (code_id in a) != (code_id in b)


def pairs_of(facts: Facts, coder: str) -> Codings:
    return {(e, c) for e, cs in facts.codings.get(coder, {}).items() for c in cs}


def disagreements(facts: Facts, a: str, b: str, kind: str, code_id: int) -> list[Disagreement]:
    sub = set(subtree(code_children(facts.codes), [code_id]))
    listed = "excerpt" if kind == "character" else kind
    found = units(facts, [a, b], listed)
    if kind == "character":
        differ = {u.key[0] for u in character_units(facts, [a, b])  # type: ignore[index]
                  if _differ(u.values, code_id)}
        found = [u for u in found if u.key in differ]
    else:
        found = [u for u in found if _differ(u.values, code_id)]
    mine = [facts.codings.get(a, {}), facts.codings.get(b, {})]
    out = []
    for u in found:
        va, vb = u.values
        codes = tuple(tuple(sorted({c for p in u.pieces for c in m.get(p, ())})) for m in mine)
        shown = tuple(p for p in u.pieces if any(set(m.get(p, ())) & sub for m in mine))
        present = (code_id in (va or ()), code_id in (vb or ()))
        out.append(Disagreement(listed, u.key, code_id, present, u.pieces, codes,  # type: ignore[arg-type]
                                shown or u.pieces[:1]))
    return out


def seed(facts: Facts, a: str, b: str) -> tuple[Codings, set[int]]:
    """The consensus before any decision: (codings, excerpts marked nothing applies)."""
    tops = {a: facts.tops(a), b: facts.tops(b)}
    out: Codings = set()
    for me, other in ((a, b), (b, a)):
        for e, c in pairs_of(facts, me):
            piece = facts.pieces.get(e)
            if piece is None or piece.respondent is None:
                continue
            theirs = tops[other].get(piece.top)
            if theirs is None or c in theirs:
                out.add((e, c))
    coded = {facts.pieces[e].top for e, _ in out}
    marks = (set(tops[a]) | set(tops[b])) - coded
    return out, marks


def decide(facts: Facts, a: str, b: str, pieces: Sequence[int], code_id: int, choice: str,
           base: tuple[Codings, set[int]]) -> tuple[set[int], Codings, set[int]]:
    """The consensus after one decision, on the turns the unit's excerpts lie in:
    (those turns' excerpt ids, the consensus codings there, the turns marked nothing applies).

    ``base``: the consensus now (codings, marks), or the :func:`seed` before any decision.
    """
    if choice not in CHOICES:
        raise ValueError(f"choice must be one of {', '.join(CHOICES)}")
    scope = set(pieces)
    tops = {facts.pieces[p].top for p in scope}
    region = {p.id for p in facts.pieces.values() if p.top in tops}
    sub = set(subtree(code_children(facts.codes), [code_id]))
    codings, marks = base
    new = {(e, c) for e, c in codings if e in region and not (e in scope and c in sub)}
    for who, wanted in ((a, ("a", "both")), (b, ("b", "both"))):
        if choice in wanted:
            new |= {(e, c) for e, c in pairs_of(facts, who) if e in scope and c in sub}
    coded = {facts.pieces[e].top for e, _ in new}
    reached = set(facts.tops(a)) | set(facts.tops(b)) | {facts.pieces[e].top for e in marks
                                                         if e in facts.pieces}
    return region, new, {t for t in tops if t not in coded and t in reached}


@dataclass(frozen=True)
class Shown:
    """A disagreement as the agreement screen lists it: where, what was said, who coded what."""

    disagreement: Disagreement
    label: str
    """``document · respondent`` (a respondent unit: the respondent and their documents)."""
    texts: tuple[str, ...]
    """The excerpts' text, literal (brackets such as ``[inaudible]`` are text, not markup)."""
    codes: tuple[tuple[str, ...], tuple[str, ...]]
    """Coder A's and coder B's code paths on the unit."""
    decision: str | None
    """The choice already made (``a``, ``b``, ``both``, ``neither``), or None."""
