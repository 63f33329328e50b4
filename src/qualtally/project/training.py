"""What a suggester learns from: the project's codebook and its people's decisions.

Codings (one coder's view per excerpt), excerpts reviewed and left uncoded, and rejected
suggestions become ``nlp.dataset.Item`` rows; the codebook's profiles and hash decide
which saved models still fit. Functions over the read service, no state of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualtally.core.models import Code
from qualtally.project.reads import Reads

if TYPE_CHECKING:
    from qualtally.nlp.coldstart import CodeProfile
    from qualtally.nlp.dataset import Item


def codebook(reads: Reads) -> tuple[list[Code], list[CodeProfile], str]:
    """(codes, their cold-start profiles, the codebook hash a model card must match)."""
    from qualtally.nlp.card import codebook_hash
    from qualtally.nlp.coldstart import profiles_from_codes

    codes = reads.codes()
    profiles = profiles_from_codes(codes)
    return codes, profiles, codebook_hash([c.path for c in codes], profiles)


EXCLUDED = "suggestions.exclude_coders"
"""Setting: coders whose decisions the project's model never learns from. The demo lists
its own coders, so the suggestions a newcomer sees are never learnt from the coding they
are scored against (it ships out-of-fold suggestions for the same reason)."""


def excluded(reads: Reads) -> set[str]:
    return set(reads.setting(EXCLUDED) or ())


def _rejections(reads: Reads, only: str | None, skip: set[str]) -> dict[int, set[int]]:
    """Rejected codes per excerpt, by ``only`` (or everyone), leaving out ``skip``."""
    if not skip:
        return reads.all_rejections(only)
    out: dict[int, set[int]] = {}
    for c in [only] if only is not None else reads.coders():
        if c not in skip:
            for eid, codes in reads.all_rejections(c).items():
                out.setdefault(eid, set()).update(codes)
    return out


def feedback_count(reads: Reads, only: str | None = None) -> int:
    """Codings plus rejections: every human decision the model could learn from (``only``:
    one coder's, for a blind coder's own model; never an excluded coder's)."""
    skip = excluded(reads)
    rejected = _rejections(reads, only, skip)
    if only is None and not skip:
        codings = reads.info()["codings"]
    else:
        ids = [e.id for e in reads.excerpts()]
        codings = sum(1 for rows in reads.codings(ids, only).values()
                      for _, who, _ in rows if who not in skip)
    return codings + sum(len(v) for v in rejected.values())


def training_data(
    reads: Reads, coder: str | None, only: str | None = None
) -> tuple[list[Item], list[set[str] | None], int]:
    """Items from codings (one coder's view per excerpt), reviewed-empty excerpts, rejections.

    Also returns, per item, the codes it was rejected for (or None), and the number of
    codings plus rejections seen (what ``maybe_retrain`` compares with). ``only``: learn
    from that coder's codings, marks and rejections alone (blind mode: nothing another
    coder decided reaches their suggestions).
    """
    from qualtally.nlp.dataset import Item

    paths = {c.id: c.path for c in reads.codes()}
    excerpts = reads.excerpts()
    skip = excluded(reads)
    codings = {
        eid: kept
        for eid, rows in reads.codings([e.id for e in excerpts], only).items()
        if (kept := [r for r in rows if r[1] not in skip])
    }
    reviewed_ids = {eid for eid, who in reads.reviewed(only) if who not in skip}
    all_rejected = _rejections(reads, only, skip)
    items: list[Item] = []
    negatives: list[set[str] | None] = []
    n_codings = sum(len(v) for v in all_rejected.values())
    for e in excerpts:
        rows = codings.get(e.id, [])
        n_codings += len(rows)
        coders = sorted({who for _, who, _ in rows})
        rejected = {paths[c] for c in all_rejected.get(e.id, ()) if c in paths}
        if rows:
            view = coder if coder in coders else coders[0]
            codes = tuple(
                dict.fromkeys(paths[c] for c, who, _ in rows if who == view and c in paths)
            )
            items.append(Item(e.text, codes, e.question or "", str(e.document_id)))
            negatives.append(None)
        elif e.id in reviewed_ids:
            items.append(Item(e.text, (), e.question or ""))
            negatives.append(None)
        elif rejected:
            items.append(Item(e.text, (), e.question or ""))
            negatives.append(rejected)
    return items, negatives, n_codings


def per_question_codebooks(items: list[Item]) -> bool:
    """True when questions use (mostly) their own codes, so one model per question fits."""
    by_code: dict[str, set[str]] = {}
    for it in items:
        for c in it.codes:
            by_code.setdefault(c, set()).add(it.question or "")
    questions = {it.question or "" for it in items if it.codes}
    if len(questions) < 2 or not by_code:
        return False
    shared = sum(1 for qs in by_code.values() if len(qs) > 1)
    return shared / len(by_code) <= 0.2
