"""The pseudonymised view of what each export writes, so the writers need not know.

Every export is fed core objects: the REFI-QDA writer an :class:`ExchangeSnapshot`, the
CSV the coded-excerpts rows, the XLSX and HTML reports a :class:`Tally`, its
:class:`ClaimCheck` list and :class:`Drilldown` s. Each function here returns a copy with
respondent keys turned into pseudonyms, names replaced in every text (transcripts,
document names, memos, code names and examples, findings, metadata), the identifying
attributes dropped, and every offset recomputed against the replaced text
(``core/offset_map.py``), so a selection still points at the same passage. Standard
library only.
"""

from __future__ import annotations

from dataclasses import replace

from qualtally.core.audit import ClaimCheck, Drilldown, SupportExcerpt
from qualtally.core.exchange import ExchangeSnapshot
from qualtally.core.models import Code, Document, Finding, Respondent, Turn
from qualtally.core.offset_map import OffsetMap
from qualtally.core.pseudonym import Pseudonymiser
from qualtally.core.tally import Cell, Tally


def documents(docs: list[Document], p: Pseudonymiser) -> tuple[list[Document],
                                                              dict[str, tuple[str, OffsetMap]]]:
    """The documents pseudonymised, and old name -> (new name, offset map) for their spans."""
    out, moved = [], {}
    for d in docs:
        text, where = p.text_with_map(d.text)
        name = p.text(d.name)
        turns = tuple(
            Turn(where.start(t.start), where.end(t.end),
                 p.key(t.respondent_key) if t.respondent_key else p.text(t.speaker),
                 p.key(t.respondent_key), p.deep(dict(t.meta)))
            for t in d.turns
        )
        out.append(replace(d, name=name, text=text, turns=turns, meta=p.deep(dict(d.meta))))
        moved[d.name] = (name, where)
    return out, moved


def respondents(people: list[Respondent], p: Pseudonymiser) -> list[Respondent]:
    out = [replace(r, key=p.key(r.key), attributes=p.attributes(r.attributes)) for r in people]
    return sorted(out, key=lambda r: r.key)


def code(c: Code, p: Pseudonymiser) -> Code:
    return replace(
        c, name=p.text(c.name), parent_path=p.text(c.parent_path) if c.parent_path else None,
        definition=p.text(c.definition), include=p.text(c.include), exclude=p.text(c.exclude),
        keywords=tuple(p.text(k) for k in c.keywords),
        examples=tuple(p.text(e) for e in c.examples),
    )


def finding(f: Finding, p: Pseudonymiser) -> Finding:
    return replace(f, statement=p.text(f.statement), section=p.text(f.section),
                   code_paths=tuple(p.text(c) for c in f.code_paths),
                   asked=tuple(p.key(k) for k in f.asked))


def snapshot(snap: ExchangeSnapshot, p: Pseudonymiser) -> ExchangeSnapshot:
    docs, moved = documents(snap.documents, p)

    def span(item):
        name, where = moved[item.document]
        start, end = where.span(item.start, item.end)
        return dict(document=name, start=start, end=end)

    questions = {}
    for doc, spans in snap.questions.items():
        name, where = moved[doc]
        questions[name] = [(*where.span(s, e), p.text(q)) for s, e, q in spans]
    return ExchangeSnapshot(
        name=p.text(snap.name),
        documents=docs,
        respondents=respondents(snap.respondents, p),
        attribute_types={k: v for k, v in snap.attribute_types.items() if k not in p.removed},
        codes=[code(c, p) for c in snap.codes],
        findings=[finding(f, p) for f in snap.findings],
        codings=[replace(c, **span(c), code_path=p.text(c.code_path)) for c in snap.codings],
        memos=[replace(m, **span(m), text=p.text(m.text)) for m in snap.memos],
        marks=[replace(m, **span(m)) for m in snap.marks],
        scale=snap.scale,
        questions=questions,
    )


def rows(items: list[dict[str, object]], docs: list[Document],
         p: Pseudonymiser) -> list[dict[str, object]]:
    """The coded-excerpts rows, with ``start``/``end`` into the pseudonymised documents."""
    moved = documents(docs, p)[1]
    out = []
    for row in items:
        name, where = moved.get(str(row["document"]), (p.text(str(row["document"])), OffsetMap(())))
        new = {k: p.text(v) if isinstance(v, str) else v for k, v in row.items()}  # memo, ...
        new.update(respondent=p.key(str(row["respondent"])) if row["respondent"] else "",
                   document=name,
                   codes=";".join(p.text(c) for c in str(row["codes"]).split(";") if c))
        if isinstance(row.get("start"), int) and isinstance(row.get("end"), int):
            new["start"], new["end"] = where.span(row["start"], row["end"])
        out.append(new)
    return out


def _keys(keys, p: Pseudonymiser) -> frozenset[str]:
    return frozenset(p.key(k) for k in keys)


def tally(t: Tally, p: Pseudonymiser) -> Tally:
    def cells(by: dict) -> dict:
        return {p.text(g): v for g, v in by.items()}

    return replace(
        t,
        groups=cells(t.groups),
        respondent_groups={p.key(k): p.text(g) for k, g in t.respondent_groups.items()},
        codes=[replace(c, path=p.text(c.path), by=cells(c.by), excerpts_by=cells(c.excerpts_by),
                       supporters=_keys(c.supporters, p)) for c in t.codes],
        findings=[replace(f, statement=p.text(f.statement), section=p.text(f.section),
                          code_paths=tuple(p.text(c) for c in f.code_paths),
                          claim_phrase=p.text(f.claim_phrase) if f.claim_phrase else None,
                          by={p.text(g): Cell(c.n, c.total, c.label, c.excerpts)
                              for g, c in f.by.items()},
                          supporters=_keys(f.supporters, p), base=_keys(f.base, p),
                          outside=_keys(f.outside, p)) for f in t.findings],
    )


def checks(items: list[ClaimCheck], p: Pseudonymiser) -> list[ClaimCheck]:
    return [replace(c, passage=p.text(c.passage), sentence=p.text(c.sentence),
                    phrase=p.text(c.phrase) if c.phrase else c.phrase,
                    group=p.text(c.group) if c.group else c.group,
                    code=p.text(c.code) if c.code else c.code) for c in items]


def drilldown(d: Drilldown, p: Pseudonymiser) -> Drilldown:
    def excerpt(e: SupportExcerpt) -> SupportExcerpt:
        return replace(e, respondent=p.key(e.respondent), document=p.text(e.document),
                       text=p.text(e.text), codes=tuple(p.text(c) for c in e.codes),
                       question=p.text(e.question))

    return replace(
        d, title=p.text(d.title),
        supporters={p.key(k): [excerpt(e) for e in v] for k, v in d.supporters.items()},
        non_supporters=[p.key(k) for k in d.non_supporters],
        outside=[p.key(k) for k in d.outside],
        attributes={p.key(k): p.attributes(a) for k, a in d.attributes.items()},
        group=p.text(d.group) if d.group else d.group,
    )
