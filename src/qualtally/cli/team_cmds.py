"""Sub-commands for team projects on a database server: copy a project between a file and
a server, and say who may do what in it."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("copy", help="copy a whole project (every table, the event log) between "
                                    "a .qtally file and a server URL, into a new or empty target")
    p.add_argument("source", help="a .qtally file or a postgresql+psycopg://... URL")
    p.add_argument("target", help="a new .qtally file or an empty database's URL")
    p.set_defaults(handler=cmd_copy)

    p = sub.add_parser("grant", help="make a PostgreSQL role a coder or methodologist of a "
                                     "server project (enforced by the database)")
    p.add_argument("project", help="the project's URL, connecting as its owner")
    p.add_argument("user", help="the PostgreSQL role (created, without a password, if missing)")
    p.add_argument("--role", required=True, choices=["coder", "methodologist"],
                   help="coder: writes only their own codings, memos and rejections (and reads "
                   "only their own in blind mode); methodologist: reads everything, reconciles, "
                   "edits the codebook and findings")
    p.set_defaults(handler=cmd_grant)


def cmd_copy(args) -> int:
    from qualtally.project.copying import copy, shown

    counts = copy(args.source, args.target)
    main = ("documents", "respondents", "excerpts", "codes", "codings", "events")
    print(f"copied {sum(counts.values())} rows ("
          + ", ".join(f"{k} {counts[k]}" for k in main)
          + f") from {shown(args.source)} to {shown(args.target)}")
    return 0


def cmd_grant(args) -> int:
    from qualtally.project.team import grant

    done = grant(args.project, args.user, args.role)
    made = " (role created without a password: set one, or use the server's authentication)"
    print(f"{args.user} is now a {args.role} of this project (member of {done['group']})"
          + (made if done["created"] == "yes" else ""))
    return 0
