"""Sub-commands that correct a project: undo an import, remove, merge respondents, reassign.

Undoing an import and removing take a backup copy first and ask before they act (``--yes``
answers for a script); declining changes nothing and exits 1.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("undo-import", help="undo an import as a whole (its documents, "
                       "respondents, codes, findings and codings; a backup copy is taken first)")
    p.add_argument("project", help="the project file")
    p.add_argument("number", nargs="?", type=int,
                   help="the import's number as --list shows it (default: the latest not undone)")
    p.add_argument("--list", action="store_true", help="list the project's imports and stop")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(handler=cmd_undo_import)

    p = sub.add_parser("remove", help="remove a document, respondent or code with its codings "
                       "(a backup copy is taken first)")
    p.add_argument("project", help="the project file")
    p.add_argument("kind", choices=["document", "respondent", "code"], help="what to remove")
    p.add_argument("name", help="the document's name, the respondent's key or the code's path")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(handler=cmd_remove)

    p = sub.add_parser("merge-respondents", help="merge one respondent into another (their "
                       "turns and excerpts move; undoable with the coding screen's undo)")
    p.add_argument("project", help="the project file")
    p.add_argument("source", help="the respondent that goes (its key)")
    p.add_argument("target", help="the respondent that stays (its key)")
    p.add_argument("--coder", help="who makes the change (default: your login name)")
    p.set_defaults(handler=cmd_merge)

    p = sub.add_parser("reassign", help="give one speaker turn to another respondent "
                       "(undoable with the coding screen's undo)")
    p.add_argument("project", help="the project file")
    p.add_argument("document", help="the document's name")
    p.add_argument("turn", type=int, help="the turn's number in the document, from 1")
    p.add_argument("respondent", nargs="?",
                   help="the respondent's key (leave out with --nobody)")
    p.add_argument("--nobody", action="store_true",
                   help="the turn is an interviewer's: it counts for nobody")
    p.add_argument("--coder", help="who makes the change (default: your login name)")
    p.set_defaults(handler=cmd_reassign)


def _confirm(question: str, yes: bool) -> bool:
    if yes:
        return True
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    return answer.strip().casefold() in ("y", "yes")


def _codings(by_coder: dict[str, int]) -> str:
    if not by_coder:
        return "no codings"
    return ", ".join(f"{n} coding{'s' if n != 1 else ''} by {c}"
                     for c, n in sorted(by_coder.items()))


def cmd_undo_import(args) -> int:
    from qualtally.core.models import default_coder
    from qualtally.project import Project

    with Project.open(args.project) as project:
        if args.list:
            for imp in project.imports():
                state = ("undone" if imp["undone"] else "" if imp["undoable"]
                         else "cannot be undone (recorded before undo existed)")
                counts = ", ".join(f"{v} {k}" for k, v in imp["counts"].items() if v)
                print(f"{imp['number']:>3}  {imp['at'][:19]}  {imp['actor']}  {imp['source']}"
                      f"  ({counts or 'nothing new'}){'  ' + state if state else ''}")
            return 0
        plan = project.undo_import_plan(args.number)
        print(f"import {plan['number']} ({plan['source']}, {plan['at'][:19]}): "
              f"{len(plan['documents'])} documents, {plan['excerpts']} excerpts, "
              f"{plan['codings']} imported codings")
        for name in plan["documents"]:
            print(f"  document {name}")
        if plan["later_codings"]:
            print(f"  coded since on these excerpts, also removed: "
                  f"{_codings(plan['later_codings'])}")
        if not _confirm("Undo this import?", args.yes):
            print("nothing changed")
            return 1
        done = project.undo_import(plan["number"], default_coder())
    print(f"undid import {done['number']}: removed {len(done['documents'])} documents, "
          f"{len(done['respondents'])} respondents, {len(done['codes'])} codes "
          "(a backup copy was taken first)")
    return 0


def cmd_remove(args) -> int:
    from qualtally.core.models import default_coder
    from qualtally.project import Project

    with Project.open(args.project) as project:
        went = project.remove_preview(args.kind, args.name)
        what = f"{args.kind} {args.name!r}"
        extra = (f", {len(went['codes']) - 1} sub-codes" if args.kind == "code"
                 else f", {went['excerpts']} excerpts")
        print(f"{what}{extra}, {_codings(went['codings'])}")
        if not _confirm(f"Remove {what} and its codings?", args.yes):
            print("nothing changed")
            return 1
        done = project.remove(args.kind, args.name, default_coder())
    print(f"removed {what} (a backup copy was taken first)")
    if done.get("orphans"):
        print("respondents left with no turns (they still count in N; remove them with "
              f"`qualtally remove {args.project} respondent KEY`): {', '.join(done['orphans'])}")
    return 0


def cmd_merge(args) -> int:
    from qualtally.core.models import default_coder
    from qualtally.project import Project

    with Project.open(args.project) as project:
        done = project.merge_respondents(args.source, args.target, args.coder or default_coder())
    print(f"merged {args.source} into {args.target}: {len(done['turns'])} turns, "
          f"{len(done['excerpts'])} excerpts moved")
    return 0


def cmd_reassign(args) -> int:
    from qualtally.core.errors import InputError
    from qualtally.core.models import default_coder
    from qualtally.project import Project

    if bool(args.respondent) == bool(args.nobody):
        raise InputError("reassign", "name a respondent, or give --nobody")
    if args.turn < 1:
        raise InputError(str(args.turn), "turns are numbered from 1")
    with Project.open(args.project) as project:
        project.reassign_turn(args.document, args.turn - 1, args.respondent,
                              args.coder or default_coder())
    who = args.respondent or "nobody"
    print(f"turn {args.turn} of {args.document} is now {who}'s")
    return 0
