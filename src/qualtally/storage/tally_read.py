"""Everything a tally reads, in one connection: the inputs of ``core.tally.build_tally``.

The façade's tally is ``build_tally(*read(...))``: this module does the SQL (codes,
findings, respondents with their attributes, scale, interviewed, per-question
respondents) and fetches the support, either from the tally cache
(``storage/tally_cache.py``, as numpy arrays: :func:`qualtally.storage.tally_support.cached`)
or by running ``storage.tally.support`` itself (``exact``), so one connection sees one
state of the project.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from qualtally.core.models import Code, Finding, QuantifierScale
from qualtally.core.quantifiers import DEFAULT_SCALE
from qualtally.core.tally import closure
from qualtally.storage import queries
from qualtally.storage import tables as t
from qualtally.storage import tally as stally


class TallyRespondent(NamedTuple):
    """What the tally needs of a respondent (a cheap stand-in for ``core.models.Respondent``)."""

    key: str
    attributes: dict
    id: int


class TallyInputs(NamedTuple):
    """The arguments of ``core.tally.build_tally`` before ``by`` and ``coder``."""

    codes: list[Code]
    findings: list[Finding]
    respondents: list[TallyRespondent]
    interviewed: set[int]
    support: Any
    """``(node, respondent id, excerpts)`` rows, or the cache's ``ArraySupport``."""
    scale: QuantifierScale
    questions: dict[str, set[str]]


def read(conn: Connection, by: str | None, coder: str | None, *, exact: bool) -> TallyInputs:
    """The tally's inputs; with ``exact``, the support query over all codings (the reference),
    else the tally cache's answer, which the caller has made valid (``tally_cache.ensure``)."""
    codes = queries.codes(conn)
    findings = queries.findings(conn)
    respondents = tally_respondents(conn, by)
    scale = queries.scale(conn) or DEFAULT_SCALE
    if exact:
        support: Any = stally.support(conn, closure(codes, findings), coder)
    else:
        from qualtally.storage.tally_support import cached  # numpy: imported when first counted

        support = cached(conn, coder, {r.id: r.key for r in respondents}, len(findings))
    wants_questions = any(a.startswith("question:") for f in findings for a in f.asked)
    questions = stally.question_respondents(conn) if wants_questions else {}
    return TallyInputs(
        codes, findings, respondents, stally.interviewed(conn), support, scale, questions
    )


def tally_respondents(conn: Connection, by: str | None) -> list[TallyRespondent]:
    """Respondents, with attributes parsed only when a split needs them (``by``).

    Parsing 10k JSON documents one by one is a noticeable part of a large tally, so the
    texts are parsed in one ``json.loads`` (drivers that return dicts are used as is).
    """
    cols = [t.respondents.c.id, t.respondents.c.key]
    if by is None:
        rows = conn.execute(sa.select(*cols).order_by(t.respondents.c.key)).all()
        return [TallyRespondent(key, {}, rid) for rid, key in rows]
    raw = sa.type_coerce(t.respondents.c.attributes, sa.Text)
    rows = conn.execute(sa.select(*cols, raw).order_by(t.respondents.c.key)).all()
    texts = [a if isinstance(a, str) else json.dumps(a) for _, _, a in rows]
    parsed = json.loads("[" + ",".join(x or "{}" for x in texts) + "]")
    return [
        TallyRespondent(key, a if isinstance(a, dict) else {}, rid)
        for (rid, key, _), a in zip(rows, parsed)
    ]


def attribute_names(conn: Connection) -> list[str]:
    """Every attribute any respondent has: what a tally can be split by."""
    return sorted({a for r in tally_respondents(conn, "") for a in r.attributes})
