"""Pieces of the HTML report: its inline CSS, the inline-SVG bar chart and the heat colours."""

from __future__ import annotations

from html import escape

from qualtally.core.quantifiers import find_step
from qualtally.core.tally import Tally

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#222;background:#fff;margin:0}
main{max-width:1100px;margin:0 auto;padding:1.5em}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd}
.meta,.note{color:#555}small{color:#555}
table{border-collapse:collapse;margin:.5em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
td.bad,tr.bad td{background:#f8d7da}td.text{max-width:36em}
.matrix td{text-align:center;white-space:nowrap}
details{margin:.4em 0;padding:.3em .6em;border:1px solid #ddd;border-radius:4px}
summary{cursor:pointer}
blockquote{margin:.3em 0 .6em 1em;padding-left:.6em;border-left:3px solid #9bb;white-space:pre-wrap}
blockquote footer{color:#666;font-size:.85em}
svg text{font:12px system-ui,sans-serif;fill:#222}
@media print{details{break-inside:avoid}details>*{display:block}}
"""


def heat(s: float | None) -> str:
    """A light-to-dark blue for a share (white when there is no denominator)."""
    if s is None:
        return "#fff"
    return (
        f"hsl(210, 70%, {95 - 45 * s:.0f}%)"
        if s < 0.6
        else f"hsl(210, 70%, {95 - 45 * s:.0f}%);color:#fff"
    )


def bar_chart(tally: Tally, width: int = 760) -> str:
    """Horizontal bars of n/N per finding, with the claimed quantifier's band shaded."""
    if not tally.findings:
        return "<p>No findings.</p>"
    left, bar_w, row_h = 60, width - 60 - 260, 26
    height = row_h * len(tally.findings) + 24
    out = [f"<svg width='{width}' height='{height}' role='img' "
           f"aria-label='Support per finding'>"]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = left + tick * bar_w
        out.append(
            f"<line x1='{x:.1f}' y1='0' x2='{x:.1f}' y2='{height - 18}' stroke='#ddd'/>"
            f"<text x='{x:.1f}' y='{height - 4}' text-anchor='middle'>{int(tick * 100)}%</text>"
        )
    for i, f in enumerate(tally.findings):
        y = i * row_h + 4
        s = f.respondents / f.denominator if f.denominator else 0
        step = find_step(tally.scale, f.claimed)
        bad = f.verdict in ("overstated", "understated")
        if step is not None:
            out.append(
                f"<rect x='{left + step.low * bar_w:.1f}' y='{y - 2}' "
                f"width='{max(2.0, (step.high - step.low) * bar_w):.1f}' height='{row_h - 4}' "
                f"fill='#f0c36d' opacity='0.45'>"
                f"<title>claims {escape(f.claimed or '')}</title></rect>"
            )
        colour = "#c0392b" if bad else "#2e6da4"
        out.append(
            f"<text x='{left - 6}' y='{y + 14}' text-anchor='end'>{escape(f.key)}</text>"
            f"<rect x='{left}' y='{y + 3}' width='{s * bar_w:.1f}' height='{row_h - 12}' "
            f"fill='{colour}'>"
            f"<title>{escape(f.statement)}</title></rect>"
        )
        verdict = {"overstated": " ▲ overstated", "understated": " ▼ understated"}.get(
            f.verdict, ""
        )
        claim = f" · claims {f.claimed}" if f.claimed else ""
        out.append(f"<text x='{left + bar_w + 8}' y='{y + 14}'>{f.respondents}/{f.denominator} "
                   f"{escape(f.label)}{escape(claim)}{verdict}</text>")
    out.append("</svg>")
    return "".join(out)
