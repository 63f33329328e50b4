"""Tally, audit, drill-down, scale and report-export methods of the Project façade.

Kept in its own module so the analysis can grow without making project.py large;
:class:`qualtally.project.Project` inherits it. Every number the TUI, the CLI and the
exports show comes from :meth:`AnalysisMixin.tally`, which reads everything in one
connection (one consistent snapshot) and counts through ``storage.tally.support``.
"""

from __future__ import annotations

from pathlib import Path

from qualtally.core.audit import ClaimCheck, Drilldown, SupportExcerpt, audit
from qualtally.core.claims import Passage, passages
from qualtally.core.errors import InputError
from qualtally.core.models import QuantifierScale
from qualtally.core.quantifiers import DEFAULT_SCALE, label_for, scale_to_json, validate
from qualtally.core.tally import MISSING, Tally, build_tally, closure
from qualtally.storage import queries
from qualtally.storage import tally as stally


class AnalysisMixin:
    engine: object

    # -- the tally --------------------------------------------------------------------
    def tally(self, by: str | None = None, coder: str | None = None) -> Tally:
        """Distinct respondents and excerpts per code (rolled up) and per finding."""
        with self.engine.connect() as conn:  # type: ignore[attr-defined]
            codes = queries.codes(conn)
            findings = queries.findings(conn)
            respondents = queries.respondents(conn)
            scale = queries.scale(conn) or DEFAULT_SCALE
            if by is not None and not any(by in r.attributes for r in respondents):
                names = sorted({a for r in respondents for a in r.attributes})
                raise InputError(by, f"no respondent has this attribute (known: {', '.join(names) or 'none'})")
            rows = stally.support(conn, closure(codes, findings), coder)
            interviewed = stally.interviewed(conn)
            questions = stally.question_respondents(conn)
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
        ids = _subtree_ids(codes, roots)
        respondents = {r.key: r.attributes for r in self.respondents()}  # type: ignore[attr-defined]
        if group is not None and by:
            keep = {k for k, a in respondents.items() if (a.get(by) or MISSING) == group}
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
    def export_report(self, out: Path) -> Path:
        out = Path(out)
        tally = self.tally()
        checks = self.audit(tally=tally)
        if out.suffix.lower() == ".xlsx":
            from qualtally.exports.xlsx import write_xlsx

            write_xlsx(self, tally, checks, out)
        else:
            from qualtally.exports.html import write_html

            write_html(self, tally, checks, out)
        return out


def _subtree_ids(codes, roots: list[int]) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for c in codes:
        children.setdefault(c.parent_id, []).append(c.id)
    out, stack = [], list(roots)
    while stack:
        cid = stack.pop()
        out.append(cid)
        stack.extend(children.get(cid, ()))
    return out
