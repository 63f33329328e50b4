"""Reading a findings report (Markdown): its findings, their sections, and the quantifier scale.

The report is where an evaluation states what respondents said and how many of them;
importing it lets qualtally count the same findings and audit their quantifiers. The
format is the one the demo's ``findings.md`` uses and any evaluator can type:

* a ``## Quantifier scale`` section with a ``| label | from | to |`` table (shares as
  decimals, 0.60 or 60%) and a ``Source: ...`` line citing where the scale comes from;
* ``## ...`` sections whose items read ``- **R1.** All respondents cited ...``; items
  under a heading that mentions recommendations are not findings and are skipped.

Each finding's claimed quantifier is read with ``core.claims.primary_claim``.
"""

from __future__ import annotations

import re
from pathlib import Path

from qualtally.core.claims import ID_ITEM, primary_claim
from qualtally.core.errors import InputError
from qualtally.core.models import Finding, QuantifierScale, ScaleStep
from qualtally.core.quantifiers import validate

HEADING = re.compile(r"^(#{1,6})\s+(?P<title>.+?)\s*#*\s*$")


def _number(cell: str, where: str) -> float:
    text = cell.strip().rstrip("%")
    try:
        value = float(text.replace(",", "."))
    except ValueError as err:
        raise InputError(where, f"not a share: {cell.strip()!r}") from err
    return value / 100 if cell.strip().endswith("%") or value > 1 else value


def parse_findings(
    text: str, source: str = "findings.md"
) -> tuple[list[Finding], QuantifierScale | None]:
    findings: list[Finding] = []
    steps: list[ScaleStep] = []
    cite: list[str] = []
    section, in_scale, citing, header_seen = "", False, False, False
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        h = HEADING.match(line)
        if h:
            section = h.group("title").strip()
            in_scale = "scale" in section.lower() and "quantif" in section.lower()
            citing, header_seen = False, False
            continue
        if in_scale:
            if line.startswith("|"):
                cells = [c.strip() for c in line.strip("|").split("|")]
                if not header_seen:
                    header_seen = True
                    continue
                if all(set(c) <= set("-: ") for c in cells) or len(cells) < 3:
                    continue
                where = f"{source}:{no}"
                steps.append(
                    ScaleStep(cells[0], _number(cells[1], where), _number(cells[2], where))
                )
            elif line.lower().startswith("source:"):
                cite, citing = [line.split(":", 1)[1].strip()], True
            elif citing and line:
                cite.append(line)
            else:
                citing = False
            continue
        m = ID_ITEM.match(line)
        if m and "recommend" not in section.lower():
            statement = m.group("text").strip()
            claim = primary_claim(statement, tuple(s.label for s in steps))
            findings.append(
                Finding(m.group("key"), statement, section, claim.label if claim else None)
            )
        elif (
            findings
            and line
            and not line.startswith(("-", "*", "#", "|", ">"))
            and raw.startswith("  ")
            and findings[-1].section == section
        ):
            last = findings[-1]  # a wrapped item continues on an indented line
            statement = f"{last.statement} {line}"
            claim = primary_claim(statement, tuple(s.label for s in steps))
            findings[-1] = Finding(last.key, statement, section, claim.label if claim else None)
    keys = [f.key for f in findings]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise InputError(source, f"finding ids used twice: {', '.join(dupes)}")
    scale = QuantifierScale(tuple(steps), " ".join(cite)) if steps else None
    if scale is not None:
        problems = validate(scale)
        if problems:
            raise InputError(source, "quantifier scale: " + "; ".join(problems))
    return findings, scale


def read_findings(path: Path) -> tuple[list[Finding], QuantifierScale | None]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(str(path), f"cannot read ({err.__class__.__name__})") from err
    return parse_findings(text, path.name)
