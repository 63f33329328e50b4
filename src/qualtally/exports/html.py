"""The HTML report: one self-contained file a methodologist can e-mail around.

No scripts, stylesheets or fonts are fetched: the CSS is inline, the charts are inline
SVG, and every piece of transcript or report text is HTML-escaped. It shows support per
finding as bars (n/N with the claimed band marked), the finding x group matrix as a
heat-coloured table, the quantifier audit, the scale with its source, and, per finding,
the supporting excerpts and the respondents who did not support it.
"""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from qualtally.core.audit import ClaimCheck
from qualtally.core.location import stem
from qualtally.core.quantifiers import find_step, share
from qualtally.core.tally import Tally
from qualtally.exports.html_parts import CSS, bar_chart, heat
from qualtally.exports.report_common import (
    COUNT_RULE,
    coder_note,
    report_attribute,
    write_atomically,
)

MARK = {"overstated": "▲ overstated", "understated": "▼ understated", "consistent": "✓ consistent"}


def render_html(project, tally: Tally, checks: list[ClaimCheck]) -> str:
    attributes = {r.key: r.attributes for r in project.respondents()}
    by = report_attribute(attributes)
    split = project.tally(by=by, coder=tally.coder) if by else tally
    title = f"qualtally report – {stem(project.path)}"
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{CSS}</style></head><body><main>",
        f"<h1>{escape(title)}</h1>",
        f"<p class='meta'>{tally.respondents_total} respondents interviewed · "
        f"{len(tally.findings)} findings · "
        f"{sum(c.mismatch for c in checks)} quantifier mismatches · "
        f"{escape(coder_note(project, tally.coder))} · generated {date.today().isoformat()}</p>",
        "<h2>Support per finding</h2>",
        "<p class='note'>Bars show n/N respondents; the shaded band is the share the claimed "
        "quantifier stands for. A bar outside its band is a mismatch.</p>",
        bar_chart(tally),
    ]
    if by:
        parts.append(f"<h2>Findings by {escape(by)}</h2>")
        parts.append(_matrix(split))
    parts.append("<h2>Quantifier audit</h2>")
    parts.append(_audit(checks))
    parts.append("<h2>Who supports each finding</h2>")
    for f in tally.findings:
        parts.append(_drill(project, f.key, tally))
    parts.append("<h2>Codes</h2>")
    parts.append(_codes(tally))
    parts.append(_memos(project, tally.coder))
    parts.append("<h2>Method</h2>")
    parts.append(f"<p>{escape(COUNT_RULE)}</p>")
    parts.append(
        "<table class='scale'><tr><th>label</th><th>from</th><th>to</th></tr>"
        + "".join(
            f"<tr><td>{escape(s.label)}</td><td>{s.low:.2f}</td><td>{s.high:.2f}</td></tr>"
            for s in tally.scale.steps
        )
        + "</table>"
    )
    parts.append(f"<p class='note'>Scale source: {escape(tally.scale.source or '(not cited)')}</p>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


def write_html(project, tally: Tally, checks: list[ClaimCheck], out: Path) -> None:
    text = render_html(project, tally, checks)
    write_atomically(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _matrix(split: Tally) -> str:
    groups = list(split.groups)
    head = "".join(f"<th>{escape(g)}<br><small>N={split.groups[g]}</small></th>" for g in groups)
    rows = []
    for f in split.findings:
        cells = "".join(
            f"<td style='background:{heat(share(c.n, c.total))}'>"
            f"{c.n}/{c.total} {escape(c.label)}</td>"
            for c in (f.by[g] for g in groups)
        )
        mark = " class='bad'" if f.verdict in ("overstated", "understated") else ""
        rows.append(
            f"<tr><th title='{escape(f.statement)}'>{escape(f.key)}</th>"
            f"<td{mark}>{f.respondents}/{f.denominator} {escape(f.label)}"
            f"{'<br><small>claims ' + escape(f.claimed) + '</small>' if f.claimed else ''}"
            f"</td>{cells}</tr>"
        )
    return (
        f"<table class='matrix'><tr><th>finding</th><th>all</th>{head}</tr>{''.join(rows)}</table>"
    )


def _audit(checks: list[ClaimCheck]) -> str:
    if not checks:
        return "<p>No findings or claims to check.</p>"
    rows = []
    for c in checks:
        cls = " class='bad'" if c.mismatch else ""
        rows.append(
            f"<tr{cls}><td>{escape(c.finding_key or '–')}</td><td>{escape(c.phrase or '–')}</td>"
            f"<td>{escape(c.claimed or '–')}{' [' + escape(c.group) + ']' if c.group else ''}</td>"
            f"<td>{c.n}/{c.total} {escape(c.actual)}</td>"
            f"<td>{escape(MARK.get(c.verdict, c.verdict))}</td>"
            f"<td class='text'>{escape(c.sentence)}</td></tr>"
        )
    return (
        "<table class='audit'><tr><th>finding</th><th>claim as written</th><th>claimed</th>"
        "<th>actual</th>"
        f"<th>verdict</th><th>sentence</th></tr>{''.join(rows)}</table>"
    )


def _drill(project, key: str, tally: Tally) -> str:
    d = project.drilldown(key, coder=tally.coder, tally=tally)
    f = tally.finding(key)
    step = find_step(tally.scale, f.claimed) if f else None
    items = []
    for resp, excerpts in d.supporters.items():
        quotes = "".join(f"<blockquote>{escape(e.text)}<footer>{escape(e.document)} · "
                         f"{escape(', '.join(e.codes))}</footer></blockquote>" for e in excerpts)
        labels = escape(_attrs(d.attribute_labels(resp)))
        items.append(f"<li><b>{escape(resp)}</b> {labels}{quotes}</li>")
    band = (
        f" (claims “{escape(f.claimed)}”: {step.low:.2f}–{step.high:.2f})"
        if f and f.claimed and step
        else ""
    )
    return (
        f"<details><summary><b>{escape(key)}</b> {d.n}/{d.total} {escape(d.label)}{band} – "
        f"{escape(f.statement if f else d.title)}</summary><ul>{''.join(items)}</ul>"
        f"<p>Did not support ({len(d.non_supporters)}): "
        f"{escape(', '.join(d.non_supporters) or '–')}</p>"
        + (f"<p>Supported but not asked: {escape(', '.join(d.outside))}</p>" if d.outside else "")
        + "</details>"
    )


def _attrs(labels: list[str]) -> str:
    return f"({', '.join(labels[:3])})" if labels else ""


def _codes(tally: Tally) -> str:
    rows = "".join(
        f"<tr><td style='padding-left:{0.4 + 1.2 * c.depth:.1f}em'>"
        f"{escape(c.path.split(' > ')[-1])}"
        f"</td><td>{c.respondents}/{tally.respondents_total}</td><td>{c.excerpts}</td></tr>"
        for c in tally.codes
    )
    return (
        "<table class='codes'><tr><th>code</th><th>respondents</th><th>excerpts</th></tr>"
        f"{rows}</table>"
    )


def _memos(project, coder: str | None) -> str:
    """Every memo (the report's coder's only, when it counts one coder), beside its excerpt."""
    rows = [r for r in project.export_rows() if r.get("memo")
            and (coder is None or r["coder"] == coder)]
    if not rows:
        return "<h2>Memos</h2><p class='note'>No memos.</p>"
    body = "".join(
        f"<tr><td>{escape(str(r['document']))}</td><td>{escape(str(r['respondent']) or '–')}</td>"
        f"<td>{escape(str(r['coder']))}</td><td>{escape(' '.join(str(r['text']).split()))}</td>"
        f"<td>{escape(str(r['memo']))}</td></tr>" for r in rows)
    return ("<h2>Memos</h2><table class='memos'><tr><th>document</th><th>respondent</th>"
            f"<th>coder</th><th>excerpt</th><th>memo</th></tr>{body}</table>")
