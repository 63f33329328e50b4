"""Sub-commands for a project file's backup copies: list them, set how many are kept, and
restore one (which works on a damaged file, and first copies the state it replaces)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backups", help="list a project's backup copies (taken before imports, "
                                       "bulk accepts and migrations)")
    p.add_argument("project", help="the project file (.qtally)")
    p.add_argument("--keep", type=int, help="set how many copies are kept (default 10)")
    p.set_defaults(handler=cmd_backups)
    p = sub.add_parser("restore", help="put a backup copy back (the newest, or the one named); "
                                       "the current state is copied first")
    p.add_argument("project", help="the project file (.qtally)")
    p.add_argument("backup", nargs="?", help="a copy's file name (or the start of it)")
    p.set_defaults(handler=cmd_restore)


def cmd_backups(args) -> int:
    from qualtally.project import Project

    if args.keep is not None:
        with Project.open(args.project) as project:
            project.set_backup_keep(args.keep)
        print(f"keeping the newest {args.keep} backup copies")
    copies = Project.backups(args.project)
    if not copies:
        print(f"no backup copies of {args.project} yet")
    for b in copies:
        print(f"{b.path.name}  {b.taken:%Y-%m-%d %H:%M:%S} UTC  {b.reason}  "
              f"{b.size / 1e6:.1f} MB")
    return 0


def cmd_restore(args) -> int:
    from qualtally.project import Project

    chosen, before = Project.restore(args.project, args.backup)
    print(f"restored {chosen.path.name} ({chosen.reason}, {chosen.taken:%Y-%m-%d %H:%M:%S} UTC)")
    if before is not None:
        print(f"the state it replaced is kept as {before.name}")
    else:
        print("the state it replaced could not be read, so no copy of it was kept")
    return 0
