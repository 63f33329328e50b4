"""Plain-text tables for ``qualtally tally`` and ``qualtally audit`` (no colour, pipe-friendly)."""

from __future__ import annotations

from qualtally.core.audit import ClaimCheck
from qualtally.core.tally import Tally

MARK = {"overstated": "▲ OVERSTATED", "understated": "▼ UNDERSTATED", "consistent": "ok"}


def tally_text(tally: Tally) -> str:
    lines = [f"Respondents interviewed: {tally.respondents_total}"
             + (f" (coder {tally.coder})" if tally.coder else "")]
    groups = list(tally.groups)
    if tally.by:
        lines.append(
            f"Split by {tally.by}: " + ", ".join(f"{g} {n}" for g, n in tally.groups.items())
        )
    lines += ["", "Findings"]
    for f in tally.findings:
        claim = f"claims {f.claimed!r}" if f.claimed else "no quantifier claim"
        lines.append(
            f"  {f.key:<5} {f.respondents:>4}/{f.denominator:<4} {f.label:<11} {claim:<22} "
            f"{MARK.get(f.verdict, f.verdict)}"
        )
        for g in groups:
            lines.append(f"  {'':5} {g:>30}: {f.by[g]}")
    lines += ["", "Codes (respondents / excerpts; child codes roll up)"]
    for c in tally.codes:
        name = "  " * c.depth + c.path.split(" > ")[-1]
        split = "  " + " ".join(f"{g}={c.by[g]}" for g in groups) if groups else ""
        lines.append(f"  {name:<50} {c.respondents:>5} {c.excerpts:>6}{split}")
    return "\n".join(lines)


def audit_text(checks: list[ClaimCheck], tally: Tally) -> str:
    lines = [f"Quantifier audit against {tally.respondents_total} respondents interviewed",
             f"Scale source: {tally.scale.source or '(not cited)'}", ""]
    for c in checks:
        where = f"{c.finding_key or c.code or '?'}" + (f" (line {c.line})" if c.line else "")
        who = f" [{c.group}]" if c.group else ""
        claimed = f"{c.phrase!r} = {c.claimed}" if c.claimed else "-"
        lines.append(f"{where:<14} {claimed:<40} actual {c.n}/{c.total} {c.actual}{who:<10} "
                     f"{MARK.get(c.verdict, c.verdict)}")
    lines += ["", audit_summary(checks)]
    return "\n".join(lines)


def audit_summary(checks: list[ClaimCheck]) -> str:
    """One line: mismatches among the statements checked, and the claims that were not
    checked because they link to no finding or code (named by line)."""
    checked = [c for c in checks if not c.unlinked]
    unlinked = [c for c in checks if c.unlinked]
    n = sum(c.mismatch for c in checked)
    text = (f"{n} mismatch{'es' if n != 1 else ''} in {len(checked)} "
            f"checked statement{'s' if len(checked) != 1 else ''}")
    if unlinked:
        where = ", ".join(f"line {c.line} {c.phrase!r}" if c.line else repr(c.phrase)
                          for c in unlinked)
        text += (f"; {len(unlinked)} unlinked claim{'s' if len(unlinked) != 1 else ''} "
                 f"NOT checked (no finding or code found): {where}")
    return text
