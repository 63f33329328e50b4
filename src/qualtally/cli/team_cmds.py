"""Sub-commands for team projects on a database server: copy a project between a file and
a server."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("copy", help="copy a whole project (every table, the event log) between "
                                    "a .qtally file and a server URL, into a new or empty target")
    p.add_argument("source", help="a .qtally file or a postgresql+psycopg://... URL")
    p.add_argument("target", help="a new .qtally file or an empty database's URL")
    p.set_defaults(handler=cmd_copy)


def cmd_copy(args) -> int:
    from qualtally.project.copying import copy, shown

    counts = copy(args.source, args.target)
    main = ("documents", "respondents", "excerpts", "codes", "codings", "events")
    print(f"copied {sum(counts.values())} rows ("
          + ", ".join(f"{k} {counts[k]}" for k in main)
          + f") from {shown(args.source)} to {shown(args.target)}")
    return 0
