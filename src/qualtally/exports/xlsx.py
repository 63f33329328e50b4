"""The XLSX workbook a methodologist re-checks the counts in.

Sheets: ``codings`` (one row per excerpt and coder, as the CSV, with the coder's memo),
``code x respondent`` (the 0/1 matrix behind every respondent count), ``finding x group``
(n/N and label per group), ``audit`` (each claim against its count), ``scale`` (labels and
their source) and ``about`` (the counting rule). All numbers come from one Tally, the one
the CLI prints.
"""

from __future__ import annotations

from pathlib import Path

from qualtally.core.audit import ClaimCheck
from qualtally.core.location import label
from qualtally.core.tally import MISSING, Tally
from qualtally.exports.report_common import (
    COUNT_RULE,
    coder_note,
    report_attribute,
    write_atomically,
)


def write_xlsx(project, tally: Tally, checks: list[ClaimCheck], out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    attributes = {r.key: r.attributes for r in project.respondents()}
    by = report_attribute(attributes)
    split = project.tally(by=by, coder=tally.coder) if by else tally
    bold = Font(bold=True)
    wb = Workbook()

    ws = wb.active
    ws.title = "codings"
    cols = ["respondent", "document", "question", "coder", "start", "end", "text", "codes",
            "memo"]
    ws.append(cols)
    for row in project.export_rows():
        _append(ws, [row.get(c, "") for c in cols])

    ws = wb.create_sheet("code x respondent")
    keys = sorted({k for k in attributes})
    ws.append(["code", "respondents", "excerpts", *keys])
    for c in tally.codes:
        ws.append(
            [c.path, c.respondents, c.excerpts, *[1 if k in c.supporters else 0 for k in keys]]
        )
    ws.append([])
    ws.append(["findings: 1 supports, 0 does not, empty = not in the finding's denominator"])
    for f in tally.findings:
        ws.append([f"finding {f.key}", f.respondents, f.excerpts,
                   *[1 if k in f.supporters else (None if k not in f.base else 0) for k in keys]])

    ws = wb.create_sheet("finding x group")
    groups = list(split.groups)
    ws.append(
        [
            "finding",
            "statement",
            "claimed",
            "respondents",
            "denominator",
            "label",
            "n/N label",
            "verdict",
            *[f"{by}: {g}" for g in groups],
        ]
    )
    for f in split.findings:
        _append(
            ws,
            [
                f.key,
                f.statement,
                f.claimed or "",
                f.respondents,
                f.denominator,
                f.label,
                f"{f.respondents}/{f.denominator} {f.label}",
                f.verdict,
                *[str(f.by[g]) for g in groups],
            ],
        )
    if by:
        ws.append([])
        ws.append([f"Groups ({by})", *[f"{g}: {n} interviewed" for g, n in split.groups.items()]])
        if MISSING in split.groups:
            ws.append([f"{MISSING}: respondents without a value for {by}"])

    ws = wb.create_sheet("audit")
    ws.append(
        [
            "finding",
            "line",
            "claim as written",
            "claimed label",
            "group",
            "respondents",
            "denominator",
            "actual label",
            "n/N label",
            "verdict",
            "sentence",
        ]
    )
    flag = PatternFill("solid", fgColor="F4CCCC")
    for c in checks:
        _append(
            ws,
            [
                c.finding_key or "",
                c.line or None,
                c.phrase or "",
                c.claimed or "",
                c.group or "",
                c.n,
                c.total,
                c.actual,
                f"{c.n}/{c.total} {c.actual}",
                c.verdict,
                c.sentence,
            ],
        )
        if c.mismatch:
            for cell in ws[ws.max_row]:
                cell.fill = flag

    ws = wb.create_sheet("scale")
    ws.append(["label", "from", "to"])
    for s in tally.scale.steps:
        ws.append([s.label, s.low, s.high])
    ws.append([])
    ws.append(["Source", tally.scale.source or "(not cited)"])

    ws = wb.create_sheet("about")
    for line in (
        ["qualtally export", label(project.path)],
        ["respondents interviewed", tally.respondents_total],
        ["codings counted", coder_note(project, tally.coder)],
        ["counting rule", COUNT_RULE],
    ):
        ws.append(line)
    ws["B4"].alignment = Alignment(wrap_text=True)

    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
    write_atomically(out, lambda tmp: wb.save(tmp))


def _append(ws, values: list) -> None:
    """Append a row; text that starts with "=" stays text (openpyxl would store it as a formula)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
