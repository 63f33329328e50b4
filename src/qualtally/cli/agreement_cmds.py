"""Sub-commands ``icr``, ``merge`` and ``blind``: the methodologist's side of double coding.

``icr`` prints inter-coder agreement (``Project.agreement``) as one JSON object or a table;
``merge`` brings coders' own copies of a project into one (``Project.merge``); ``blind``
shows or changes the project's blind mode. Thin over the façade; heavy imports stay in
the handlers.
"""

from __future__ import annotations

import argparse
import json
import sys

UNITS = ("excerpt", "respondent", "character")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("icr", help="inter-coder agreement per code (kappa, alpha) and per finding")
    p.add_argument("project", help="the project file (.qtally)")
    p.add_argument("--json", action="store_true", help="one JSON object (the documented shape)")
    p.add_argument("--coders", metavar="A,B",
                   help="coders to compare (default: everyone who coded, except consensus)")
    p.add_argument("--unit", choices=UNITS, default="excerpt",
                   help="excerpt x code (default), respondent x code, or character overlap")
    p.add_argument("--ac1", action="store_true", help="add Gwet's AC1 to each code (JSON)")
    p.set_defaults(handler=cmd_icr)

    p = sub.add_parser("merge", help="bring coders' copies of a project into TARGET")
    p.add_argument("target", help="the project the copies are merged into (.qtally)")
    p.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="coders' copies of the project (.qtally), only read")
    p.add_argument("--actor", help="who merges (default: your login name)")
    p.add_argument("--json", action="store_true", help="print what was merged as JSON")
    p.set_defaults(handler=cmd_merge)

    p = sub.add_parser("blind", help="show or set blind mode (coders see only their own work)")
    p.add_argument("project", help="the project file (.qtally)")
    p.add_argument("state", nargs="?", choices=["on", "off"],
                   help="turn blind mode on or off (default: show whether it is on)")
    p.add_argument("--actor", help="who changes it (default: your login name)")
    p.set_defaults(handler=cmd_blind)


def _num(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def cmd_icr(args) -> int:
    from qualtally.core.agreement_report import verdict
    from qualtally.project import Project

    coders = [c.strip() for c in args.coders.split(",") if c.strip()] if args.coders else None
    with Project.open(args.project) as project:
        if project.blind():
            print("note: this project is in blind mode; agreement is for the methodologist",
                  file=sys.stderr)
        report = project.agreement(coders, args.unit)
    if args.json:
        json.dump(report.to_json(with_ac1=args.ac1), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    two = len(report.coders) == 2
    print(f"Agreement of {', '.join(report.coders)} · unit: {report.unit}")
    print(f"{'code':60} {'n':>7} {'%agree':>7} {'kappa':>6} {'AC1':>6} {'alpha':>6}  guidance")
    for c in report.codes:
        print(f"{c.path[:60]:60} {c.n_units:>7} {_num(c.percent_agreement):>7} "
              f"{_num(c.kappa) if two else '':>6} {_num(c.ac1) if two else '':>6} "
              f"{_num(c.alpha):>6}  {verdict(c.alpha) if c.applied else 'nobody applied it'}")
    if report.groups:
        print("\nChildren used as mutually exclusive categories (nominal alpha):")
        for g in report.groups:
            print(f"  {g.path}: alpha {_num(g.alpha_nominal)} over {g.n_units} units "
                  f"({', '.join(g.categories)})")
    if report.findings:
        print("\nFindings under each coder (respondents every coder coded):")
        for f in report.findings:
            cells = "  ".join(f"{c}: {x}" for c, x in f.by_coder.items())
            flag = "same label" if f.stable else "DIFFERS: the count depends on who coded"
            print(f"  {f.key:5} claimed {f.claimed or '–':9} {cells}  {flag}")
    print("\nKrippendorff: alpha >= 0.800 reliable; >= 0.667 tentative conclusions only.")
    return 0


def cmd_merge(args) -> int:
    from qualtally.core.models import default_coder
    from qualtally.project import Project

    with Project.open(args.target) as project:
        counts = project.merge(args.sources, actor=args.actor or default_coder())
    if args.json:
        json.dump(counts, sys.stdout, indent=2)
        print()
    elif any(counts.values()):
        print("merged " + ", ".join(f"{v} {k}" for k, v in counts.items() if v))
    else:
        print("nothing to merge: the target already holds everything in the sources")
    return 0


def cmd_blind(args) -> int:
    from qualtally.core.models import default_coder
    from qualtally.project import Project

    with Project.open(args.project) as project:
        if args.state is not None:
            project.set_blind(args.state == "on", args.actor or default_coder())
        on = project.blind()
    print(f"blind mode is {'on' if on else 'off'}"
          + (": each coder sees only their own codings, counts and suggestions" if on else ""))
    return 0
