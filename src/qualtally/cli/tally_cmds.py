"""Sub-commands ``tally``, ``audit`` and ``scale``: the respondent counts and the quantifier audit.

Thin over the façade (``Project.tally``, ``Project.audit``, ``Project.drilldown``), so the
numbers printed here are the ones the TUI and the exports show. Heavy imports stay
inside the handlers so ``qualtally --help`` is instant.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tally", help="distinct respondents and excerpts per code and per finding")
    p.add_argument("project", help="the project file (.qtally)")
    p.add_argument(
        "--by", metavar="ATTRIBUTE", help="split counts by a respondent attribute (e.g. group)"
    )
    p.add_argument("--coder", help="count one coder's codings only (default: any coder)")
    p.add_argument(
        "--show",
        metavar="KEY",
        help="list who supports a finding (or code path) and with what words",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_tally)

    p = sub.add_parser("audit", help="check the report's quantifier claims against the tally")
    p.add_argument("project", help="the project file (.qtally)")
    p.add_argument(
        "report", nargs="?", help="Markdown or text report (default: the imported findings)"
    )
    p.add_argument("--coder", help="count one coder's codings only (default: any coder)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 if any claim is over- or understated, or links to no "
        "finding or code (unlinked claims are never counted as checked)",
    )
    p.set_defaults(handler=cmd_audit)

    p = sub.add_parser("scale", help="show the quantifier scale, or load it from a findings.md")
    p.add_argument("project", help="the project file (.qtally)")
    p.add_argument(
        "--from", dest="source", metavar="FINDINGS_MD", help="take the scale from this file's table"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_scale)


def check_coder(project, coder: str | None) -> list[str]:
    """The project's coders; InputError naming them when ``coder`` has coded nothing here
    (``--coder Alice`` for ``alice`` would count nothing and flag every finding)."""
    from qualtally.core.errors import InputError

    coders = project.coders()
    if coder is not None and coder not in coders:
        close = [c for c in coders if c.lower() == coder.lower()]
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise InputError(f"--coder {coder}", "no codings by this coder in the project (known "
                         f"coders: {', '.join(coders) or 'none'}){hint}")
    return coders


def _note_coders(project, coder: str | None) -> None:
    """Say on stderr when several coders' work is pooled, so nobody misreads the counts;
    refuse an unknown coder (``check_coder``)."""
    coders = check_coder(project, coder)
    if coder is None and len(coders) > 1 and project.blind():
        print("note: blind mode is on; counts pooled over coders are for the methodologist "
              "(coders see their own in the TUI)", file=sys.stderr)
    if coder is None and len(coders) > 1:
        print(f"note: counting codings by any of {len(coders)} coders ({', '.join(coders)}); "
              "use --coder NAME to count one coder's", file=sys.stderr)


def _dump(data) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    print()


def cmd_tally(args) -> int:
    from qualtally.project import Project

    with Project.open(args.project) as project:
        _note_coders(project, args.coder)
        tally = project.tally(by=args.by, coder=args.coder)
        drill = project.drilldown(args.show, coder=args.coder, tally=tally) if args.show else None
    if drill is not None:
        return _print_drilldown(drill, args.json)
    if args.json:
        _dump(tally.to_json())
        return 0
    from qualtally.cli.tally_text import tally_text

    print(tally_text(tally))
    return 0


def _print_drilldown(drill, as_json: bool) -> int:
    if as_json:
        _dump({"key": drill.key, "title": drill.title, "respondents": drill.n,
               "denominator": drill.total, "label": drill.label,
               "supporters": {k: [{"document": e.document, "question": e.question,
                                   "codes": list(e.codes), "coders": list(e.coders),
                                   "text": e.text} for e in v]
                              for k, v in drill.supporters.items()},
               "non_supporters": drill.non_supporters, "outside_denominator": drill.outside})
        return 0
    print(f"{drill.title}\n{drill.n}/{drill.total} {drill.label}\n")
    for key, excerpts in drill.supporters.items():
        print(f"{key} ({len(excerpts)} excerpt{'s' if len(excerpts) != 1 else ''})")
        for e in excerpts:
            print(f"  {e.document} [{', '.join(e.codes)}]\n    {' '.join(e.text.split())}")
    print(
        f"\ndid not support ({len(drill.non_supporters)}): {', '.join(drill.non_supporters) or '-'}"
    )
    if drill.outside:
        print(f"supported but not in the denominator: {', '.join(drill.outside)}")
    return 0


def cmd_audit(args) -> int:
    from qualtally.project import Project

    with Project.open(args.project) as project:
        _note_coders(project, args.coder)
        tally = project.tally(coder=args.coder)
        checks = project.audit(args.report, coder=args.coder, tally=tally)
    mismatches = sum(c.mismatch for c in checks)
    unlinked = sum(c.unlinked for c in checks)
    if args.json:
        _dump({"report": args.report, "respondents_total": tally.respondents_total,
               "scale_source": tally.scale.source, "mismatches": mismatches,
               "checked": len(checks) - unlinked, "unlinked": unlinked,
               "claims": [c.to_json() for c in checks]})
    else:
        from qualtally.cli.tally_text import audit_text

        print(audit_text(checks, tally))
    return 1 if args.strict and (mismatches or unlinked) else 0


def cmd_scale(args) -> int:
    from qualtally.core.errors import InputError
    from qualtally.core.quantifiers import DEFAULT_SCALE, scale_to_json
    from qualtally.project import Project

    with Project.open(args.project) as project:
        if args.source:
            from qualtally.importers.findings_md import read_findings

            _, scale = read_findings(args.source)
            if scale is None:
                raise InputError(args.source, "no '## Quantifier scale' table found")
            project.set_scale(scale, actor="cli")
        scale = project.scale() or DEFAULT_SCALE
    if args.json:
        _dump(scale_to_json(scale))
    else:
        for s in scale.steps:
            print(f"{s.label:>12}  {s.low:.2f} – {s.high:.2f}")
        print(f"Source: {scale.source or '(not cited)'}")
    return 0
