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


def feedback_count(reads: Reads, only: str | None = None) -> int:
    """Codings plus rejections: every human decision the model could learn from (``only``:
    one coder's, for a blind coder's own model)."""
    rejected = reads.all_rejections(only)
    if only is None:
        codings = reads.info()["codings"]
    else:
        ids = [e.id for e in reads.excerpts()]
        codings = sum(len(v) for v in reads.codings(ids, only).values())
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
    codings = reads.codings([e.id for e in excerpts], only)
    reviewed_ids = {eid for eid, _ in reads.reviewed(only)}
    all_rejected = reads.all_rejections(only)
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
