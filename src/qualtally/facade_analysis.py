"""Tally, audit, drill-down, scale and report-export methods of the Project façade.

Kept in its own module so the analysis can grow without making project.py large;
:class:`qualtally.project.Project` inherits it. Every number the TUI, the CLI and the
exports show comes from :meth:`AnalysisMixin.tally`, which reads everything in one
connection and counts through ``storage.tally.support`` -- via the tally cache, which holds
that query's answer per respondent (``storage/tally_cache.py``), or directly with ``exact=True``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import sqlalchemy as sa

from qualtally.core.audit import ClaimCheck, Drilldown, SupportExcerpt, audit
from qualtally.core.claims import Passage, passages
from qualtally.core.errors import InputError
from qualtally.core.models import QuantifierScale
from qualtally.core.quantifiers import DEFAULT_SCALE, label_for, scale_to_json, validate
from qualtally.core.tally import Tally, build_tally, closure, code_children, finding_node, respondent_group, subtree
from qualtally.storage import queries
from qualtally.storage import tables as t
from qualtally.storage import tally as stally
from qualtally.storage import tally_cache as tcache

if TYPE_CHECKING:  # numpy is imported when a tally is first counted, not with the façade
    from qualtally.storage.tally_support import ArraySupport


class AnalysisMixin:
    engine: object

    # -- the tally --------------------------------------------------------------------
    def tally(self, by: str | None = None, coder: str | None = None, *, exact: bool = False) -> Tally:
        """Distinct respondents and excerpts per code (rolled up) and per finding.

        Read from the tally cache (``storage/tally_cache.py``), which holds the exact support
        query's answer per respondent; ``exact=True`` runs that query over all codings instead
        (the reference: slow on large projects, same result).
        """
        if not exact:
            tcache.ensure(self.engine)  # type: ignore[arg-type]
        with self.engine.connect() as conn:  # type: ignore[attr-defined]
            codes = queries.codes(conn)
            findings = queries.findings(conn)
            respondents = _respondents(conn, by)
            scale = queries.scale(conn) or DEFAULT_SCALE
            if by is not None and not any(by in r.attributes for r in respondents):
                names = sorted({a for r in _respondents(conn, "") for a in r.attributes})
                raise InputError(by, f"no respondent has this attribute (known: {', '.join(names) or 'none'})")
            keys = {r.id: r.key for r in respondents}
            if exact:
                rows = stally.support(conn, closure(codes, findings), coder)
            else:
                rows = _cached_support(conn, coder, keys, len(findings))
            interviewed = stally.interviewed(conn)
            wants_questions = any(a.startswith("question:") for f in findings for a in f.asked)
            questions = stally.question_respondents(conn) if wants_questions else {}
        return build_tally(codes, findings, respondents, interviewed, rows, scale, by, coder, questions)

    def attribute_names(self) -> list[str]:
        """Respondent attributes a tally can be split by."""
        return sorted({a for r in self.respondents() for a in r.attributes})  # type: ignore[attr-defined]

    # -- the audit ----------------------------------------------------------------------
    def audit(self, report: str | Path | None = None, coder: str | None = None,
              tally: Tally | None = None) -> list[ClaimCheck]:
        """Check the quantifier claims of ``report`` (default: the stored findings) against the tally."""
        tally = tally or self.tally(coder=coder)
        if report is None:
            items = [Passage(f.statement, 0, f.key) for f in tally.findings]
        else:
            path = Path(report)
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as err:
                raise InputError(str(path), f"cannot read the report ({err.__class__.__name__})") from err
            items = passages(text)
        attributes = {r.key: r.attributes for r in self.respondents()}  # type: ignore[attr-defined]
        return audit(items, tally, attributes)

    # -- drill-down -----------------------------------------------------------------------
    def drilldown(self, key: str, coder: str | None = None, group: str | None = None,
                  by: str | None = None, tally: Tally | None = None) -> Drilldown:
        """Supporting excerpts per respondent and the non-supporters, for a finding key or a code path.

        With ``by`` and ``group`` the drill-down is limited to that group's respondents.
        """
        tally = tally or self.tally(by=by, coder=coder)
        codes = self.codes()  # type: ignore[attr-defined]
        f = tally.finding(key)
        if f is not None:
            roots = [c.id for c in codes if c.path in f.code_paths]
            supporters, base, title, outside = f.supporters, f.base, f"{f.key}. {f.statement}", f.outside
        else:
            row = next((c for c in tally.codes if c.path == key), None)
            if row is None:
                raise InputError(key, "no finding or code with this key")
            roots = [row.code_id]
            supporters, title, outside = row.supporters, row.path, frozenset()
            base = self._interviewed_keys()
        ids = subtree(code_children(codes), roots)
        respondents = {r.key: r.attributes for r in self.respondents()}  # type: ignore[attr-defined]
        if group is not None and by:
            keep = {k for k, a in respondents.items() if respondent_group(a, by) == group}
            supporters, base, outside = supporters & keep, base & keep, outside & keep
        with self.engine.connect() as conn:  # type: ignore[attr-defined]
            rows = stally.supporting_excerpts(conn, ids, coder)
        by_resp: dict[str, list[SupportExcerpt]] = {k: [] for k in sorted(supporters | outside)}
        for r in rows:
            if r["respondent"] in by_resp:
                by_resp[r["respondent"]].append(SupportExcerpt(
                    r["excerpt_id"], r["respondent"], r["document"], r["text"], tuple(r["codes"]),
                    tuple(r["coders"]), r["question"], r["start"], r["end"]))
        n, total = len(supporters), len(base)
        return Drilldown(key, title, n, total, label_for(n, total, tally.scale), by_resp,
                         sorted(base - supporters), sorted(outside), respondents, group)

    def _interviewed_keys(self) -> frozenset[str]:
        with self.engine.connect() as conn:  # type: ignore[attr-defined]
            ids = stally.interviewed(conn)
        return frozenset(r.key for r in self.respondents() if r.id in ids)  # type: ignore[attr-defined]

    # -- settings -------------------------------------------------------------------------
    def set_scale(self, scale: QuantifierScale, actor: str = "system") -> None:
        problems = validate(scale)
        if problems:
            raise InputError("scale", "; ".join(problems))
        self.store.set_setting("scale", scale_to_json(scale), actor)  # type: ignore[attr-defined]

    def set_asked(self, finding_key: str, asked: list[str], actor: str = "system") -> None:
        """Limit a finding's denominator: respondent keys, ``code:PATH`` or ``question:Q`` entries."""
        with self.engine.begin() as conn:  # type: ignore[attr-defined]
            if not stally.set_finding_asked(conn, finding_key, asked, actor):
                raise InputError(finding_key, "no such finding")

    # -- exports --------------------------------------------------------------------------
    def export_report(self, out: Path, coder: str | None = None) -> Path:
        out = Path(out)
        tally = self.tally(coder=coder)
        checks = self.audit(tally=tally, coder=coder)
        if out.suffix.lower() == ".xlsx":
            from qualtally.exports.xlsx import write_xlsx

            write_xlsx(self, tally, checks, out)
        else:
            from qualtally.exports.html import write_html

            write_html(self, tally, checks, out)
        return out


class _Respondent(NamedTuple):
    """What the tally needs of a respondent (a cheap stand-in for ``core.models.Respondent``)."""

    key: str
    attributes: dict
    id: int


def _respondents(conn, by: str | None) -> list[_Respondent]:
    """Respondents, with attributes parsed only when a split needs them (``by``).

    Parsing 10k JSON documents one by one is a noticeable part of a large tally, so the
    texts are parsed in one ``json.loads`` (drivers that return dicts are used as is).
    """
    cols = [t.respondents.c.id, t.respondents.c.key]
    if by is None:
        rows = conn.execute(sa.select(*cols).order_by(t.respondents.c.key)).all()
        return [_Respondent(key, {}, rid) for rid, key in rows]
    raw = sa.type_coerce(t.respondents.c.attributes, sa.Text)
    rows = conn.execute(sa.select(*cols, raw).order_by(t.respondents.c.key)).all()
    texts = [a if isinstance(a, str) else json.dumps(a) for _, _, a in rows]
    parsed = json.loads("[" + ",".join(x or "{}" for x in texts) + "]")
    return [_Respondent(key, a if isinstance(a, dict) else {}, rid) for (rid, key, _), a in zip(rows, parsed)]


def _cached_support(conn, coder: str | None, keys: dict[int, str], n_findings: int) -> ArraySupport:
    """The cached support arrays, with findings renumbered from -id to ``finding_node(i)``."""
    import numpy as np

    from qualtally.storage.tally_support import ArraySupport

    rids, nodes, counts = tcache.load(conn, coder)
    ids = tcache.finding_ids(conn)[:n_findings]
    if ids and len(nodes):
        lut_size = max(ids) + 1
        lut = np.zeros(lut_size, dtype=np.int64)
        lut[np.asarray(ids, dtype=np.int64)] = [finding_node(i) for i in range(len(ids))]
        neg = nodes < 0
        fid = -nodes[neg]
        mapped = np.where(fid < lut_size, lut[np.minimum(fid, lut_size - 1)], 0)
        nodes = nodes.copy()
        nodes[neg] = mapped  # 0: a finding no longer listed (never a code id)
    return ArraySupport(rids, nodes, counts, keys)
