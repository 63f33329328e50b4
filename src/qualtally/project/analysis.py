"""The tally, the audit, the drill-down and the counting settings: the façade's analysis service.

Every number the TUI, the CLI and the exports show comes from :meth:`Analysis.tally`,
which reads everything in one connection (``storage/tally_read.py``) and counts through
``storage.tally.support`` -- via the tally cache, which holds that query's answer per
respondent (``storage/tally_cache.py``), or directly with ``exact=True`` -- and builds
the result with ``core.tally.build_tally``. The drill-down lists the excerpts of the same
roll-up (``core.tally.subtree``) for the same groups (``core.tally.respondent_group``).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from qualtally.core.audit import ClaimCheck, Drilldown, SupportExcerpt, audit
from qualtally.core.claims import Passage, passages
from qualtally.core.errors import InputError
from qualtally.core.models import QuantifierScale
from qualtally.core.quantifiers import label_for, scale_to_json, validate
from qualtally.core.tally import Tally, build_tally, code_children, respondent_group, subtree
from qualtally.project.reads import Reads
from qualtally.storage import tally as stally
from qualtally.storage import tally_cache, tally_read
from qualtally.storage.engine import begin_write
from qualtally.storage.store import Store


class Analysis:
    def __init__(self, engine: sa.Engine, store: Store, reads: Reads) -> None:
        self.engine, self.store, self.reads = engine, store, reads

    # -- the tally ----------------------------------------------------------------------
    def tally(
        self, by: str | None = None, coder: str | None = None, *, exact: bool = False
    ) -> Tally:
        """Distinct respondents and excerpts per code (rolled up) and per finding.

        Read from the tally cache (``storage/tally_cache.py``), which holds the exact support
        query's answer per respondent; ``exact=True`` runs that query over all codings instead
        (the reference: slow on large projects, same result).
        """
        if not exact:
            tally_cache.ensure(self.engine)
        inputs = self.reads.read(tally_read.read, by, coder, exact=exact)
        if by is not None and not any(by in r.attributes for r in inputs.respondents):
            names = self.reads.attribute_names()
            raise InputError(
                by, f"no respondent has this attribute (known: {', '.join(names) or 'none'})"
            )
        return build_tally(
            inputs.codes,
            inputs.findings,
            inputs.respondents,
            inputs.interviewed,
            inputs.support,
            inputs.scale,
            by,
            coder,
            inputs.questions,
        )

    # -- the audit ----------------------------------------------------------------------
    def audit(
        self, report: str | Path | None = None, coder: str | None = None, tally: Tally | None = None
    ) -> list[ClaimCheck]:
        """Check the quantifier claims of ``report`` (default: the stored findings)
        against the tally."""
        tally = tally or self.tally(coder=coder)
        if report is None:
            items = [Passage(f.statement, 0, f.key) for f in tally.findings]
        else:
            path = Path(report)
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as err:
                raise InputError(
                    str(path), f"cannot read the report ({err.__class__.__name__})"
                ) from err
            items = passages(text)
        attributes = {r.key: r.attributes for r in self.reads.respondents()}
        return audit(items, tally, attributes)

    # -- drill-down -----------------------------------------------------------------------
    def drilldown(
        self,
        key: str,
        coder: str | None = None,
        group: str | None = None,
        by: str | None = None,
        tally: Tally | None = None,
    ) -> Drilldown:
        """Supporting excerpts per respondent and the non-supporters, for a finding key or
        a code path.

        With ``by`` and ``group`` the drill-down is limited to that group's respondents.
        """
        tally = tally or self.tally(by=by, coder=coder)
        codes = self.reads.codes()
        f = tally.finding(key)
        if f is not None:
            roots = [c.id for c in codes if c.path in f.code_paths and c.id is not None]
            supporters, base, title, outside = (
                f.supporters,
                f.base,
                f"{f.key}. {f.statement}",
                f.outside,
            )
        else:
            row = next((c for c in tally.codes if c.path == key), None) or _by_name(tally, key)
            key = row.path
            roots = [row.code_id]
            supporters, title, outside = row.supporters, row.path, frozenset()
            base = self._interviewed_keys()
        ids = subtree(code_children(codes), roots)
        respondents = {r.key: r.attributes for r in self.reads.respondents()}
        if group is not None and by:
            keep = {k for k, a in respondents.items() if respondent_group(a, by) == group}
            supporters, base, outside = supporters & keep, base & keep, outside & keep
        rows = self.reads.read(stally.supporting_excerpts, ids, coder)
        by_resp: dict[str, list[SupportExcerpt]] = {k: [] for k in sorted(supporters | outside)}
        for r in rows:
            if r["respondent"] in by_resp:
                by_resp[r["respondent"]].append(
                    SupportExcerpt(
                        r["excerpt_id"],
                        r["respondent"],
                        r["document"],
                        r["text"],
                        tuple(r["codes"]),
                        tuple(r["coders"]),
                        r["question"],
                        r["start"],
                        r["end"],
                    )
                )
        n, total = len(supporters), len(base)
        return Drilldown(
            key,
            title,
            n,
            total,
            label_for(n, total, tally.scale),
            by_resp,
            sorted(base - supporters),
            sorted(outside),
            respondents,
            group,
        )

    def _interviewed_keys(self) -> frozenset[str]:
        ids = self.reads.read(stally.interviewed)
        return frozenset(r.key for r in self.reads.respondents() if r.id in ids)

    # -- settings -------------------------------------------------------------------------
    def set_scale(self, scale: QuantifierScale, actor: str = "system") -> None:
        problems = validate(scale)
        if problems:
            raise InputError("scale", "; ".join(problems))
        self.store.set_setting("scale", scale_to_json(scale), actor)

    def set_asked(self, finding_key: str, asked: list[str], actor: str = "system") -> None:
        """Limit a finding's denominator: respondent keys, ``code:PATH`` or ``question:Q``
        entries."""
        with begin_write(self.engine) as conn:
            if not stally.set_finding_asked(conn, finding_key, asked, actor):
                raise InputError(finding_key, "no such finding")


def _by_name(tally: Tally, name: str):
    """The code row whose own name (last level) is ``name``, when exactly one code has it."""
    rows = [c for c in tally.codes if c.path.split(" > ")[-1] == name]
    if not rows:
        rows = [c for c in tally.codes if c.path.split(" > ")[-1].lower() == name.lower()]
    if len(rows) == 1:
        return rows[0]
    if rows:
        raise InputError(name, "several codes have this name; give the path: "
                         + "; ".join(c.path for c in rows))
    raise InputError(name, "no finding or code with this key, path or name")
