"""Sub-commands that create, fill, describe, export and open projects."""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("new", help="create an empty project file")
    p.add_argument("project", help="the project file (.qtally)")
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser("import", help="import transcripts, respondents, a codebook, findings, "
                       "coded excerpts, or a REFI-QDA project (.qdpx) or codebook (.qdc)")
    p.add_argument("project", help="the project file (.qtally)")
    p.add_argument("files", nargs="+", help="files or folders (a folder imports everything in it)")
    p.add_argument("--unit", choices=["turn", "sentence"], default="turn",
                   help="excerpt unit for new transcripts (default: speaker turn)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument("--as", dest="as_role", metavar="ROLE",
                   choices=["transcript", "findings", "codebook", "respondents", "coded"],
                   help="the role of every file named (transcript, findings, codebook, "
                   "respondents, coded) instead of guessing it from its name and content")
    p.add_argument("--map", action="append", default=[], metavar="LABEL=RESPONDENT",
                   help="a speaker label is this listed respondent (repeatable; "
                   "DOCUMENT:LABEL=RESPONDENT for one transcript only)")
    p.add_argument("--interviewer", action="append", default=[], metavar="LABEL",
                   help="a speaker label is an interviewer: their turns count for nobody "
                   "(repeatable; DOCUMENT:LABEL for one transcript only)")
    p.add_argument("--create-respondents", action="store_true",
                   help="beside a respondents list, accept the labels left unmatched as new "
                   "respondents (without it, such an import stops and lists them)")
    p.add_argument("--review", action="store_true",
                   help="review unmatched speaker labels in a screen before importing")
    p.add_argument(
        "--no-suggestions",
        action="store_true",
        help="do not cache suggestions after the import (done when no training is needed)",
    )
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser(
        "info", help="counts of documents, respondents, excerpts, codes, codings, coders"
    )
    p.add_argument("project", help="the project file (.qtally)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_info)

    p = sub.add_parser("export", help="export the project (.csv, .xlsx, .html; REFI-QDA: .qdpx "
                       "project, .qdc codebook)",
                       description="Export the project; OUT's extension picks the format: "
                       ".csv coded excerpts with memos (re-importable), .xlsx workbook, .html "
                       "report, .qdpx REFI-QDA project (everything), .qdc REFI-QDA codebook.")
    p.add_argument("project", help="the project file (.qtally)")
    p.add_argument("out", metavar="OUT", help="the file to write; its extension picks the "
                   "format: .csv (coded excerpts, re-importable), .xlsx (workbook), .html "
                   "(report), .qdpx (REFI-QDA project), .qdc (REFI-QDA codebook)")
    p.add_argument("--coder", help="count one coder's codings in the XLSX/HTML report; a .qdpx "
                   "holds only this coder's codings, memos and marks (default: every coder)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument("--pseudonymise", "--pseudonymize", action="store_true",
                   help="for sharing outside the team: respondents become R01, R02, ..., their "
                   "names (and speaker labels, first names, surnames) are replaced in every "
                   "text, and name columns and attributes marked identifying are left out")
    p.add_argument("--pseudonym-column", metavar="ATTR",
                   help="take each respondent's pseudonym from this attribute instead of R01...")
    p.add_argument("--mapping", metavar="FILE",
                   help="also write the pseudonym -> respondent key table to FILE (CSV); "
                   "without it the mapping is written nowhere")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("identifying", help="show, or mark/unmark, respondent attributes a "
                       "pseudonymised export leaves out")
    p.add_argument("project", help="the project file (.qtally)")
    p.add_argument("attribute", nargs="?", help="a respondent attribute (without it: list the "
                   "attributes marked identifying)")
    p.add_argument("state", nargs="?", choices=["on", "off"],
                   help="on: leave it out of pseudonymised exports; off: keep it")
    p.add_argument("--actor", help="who makes the change (default: your login name)")
    p.set_defaults(handler=cmd_identifying)

    p = sub.add_parser("code", help="open a project in the coding TUI")
    p.add_argument("project", help="the project file (.qtally)")
    p.add_argument("--coder", help="your coder name (default: your login name)")
    p.set_defaults(handler=cmd_code)

    p = sub.add_parser("demo", help="build (first time) and open the demo evaluation project")
    p.add_argument("--coder", help="your coder name (default: your login name)")
    p.add_argument(
        "--print",
        action="store_true",
        help="print the demo project's summary instead of opening the TUI",
    )
    p.set_defaults(handler=cmd_demo)


def cmd_new(args) -> int:
    from qualtally.project import Project

    Project.new(args.project).close()
    print(f"created {args.project}")
    return 0


def cmd_import(args) -> int:
    from qualtally.cli.progress import cli_progress
    from qualtally.core.speakers import SpeakerDecisions, UnmatchedSpeakers
    from qualtally.project import Project

    decisions = SpeakerDecisions.parse(args.map, args.interviewer, args.create_respondents)
    if args.review:
        from qualtally.cli.review import review_decisions

        decisions = review_decisions(args, decisions)
        if decisions is None:
            print("left the review without importing; nothing changed")
            return 1
    with Project.open(args.project) as project, cli_progress(not args.quiet) as progress:
        try:
            counts = project.import_paths(args.files, unit=args.unit, progress=progress,
                                          decisions=decisions, as_role=args.as_role)
        except UnmatchedSpeakers as err:
            print(f"qualtally: error: {err}", file=sys.stderr)
            for label in err.labels:
                print(f"  {label.describe(err.names)}", file=sys.stderr)
            print("decide each: --map LABEL=RESPONDENT, --interviewer LABEL, or "
                  "--create-respondents (or --review to decide in a screen)", file=sys.stderr)
            return 2
        for label, key in decisions.mapping.items():
            print(f"speaker {label!r}: respondent {key} (as mapped)")
        for label in sorted(decisions.interviewers):
            print(f"speaker {label!r}: interviewer, counts for nobody (as marked)")
        for label in counts.pop("speakers", []):
            print(f"new respondent {label.proposed!r} from speaker "
                  f"{label.label or '(no label)'!r} in {', '.join(label.documents)} "
                  f"({_plural(label.turns, 'turns')})")
        skipped = counts.pop("skipped", [])
        notes = counts.pop("notes", [])
        updated = counts.pop("updated", 0)
        print("imported " + ", ".join(_plural(v, k) for k, v in counts.items()), flush=True)
        if updated:
            print(
                f"updated {_plural(updated, 'existing records')} "
                "(before/after kept in the event log)"
            )
        for name in skipped:
            print(f"skipped {name}")
        for note in notes:
            print(f"note: {note}")
        if not args.no_suggestions:
            _prepare_suggestions(project, progress)
    return 0


def _prepare_suggestions(project, progress) -> None:
    """Suggestions cached now (when no training is needed) so the first coding screen shows them.

    The import is committed by then: whatever fails here is said in one line, exit 0.
    """
    try:
        done = project.prepare_suggestions(progress)
    except Exception as err:  # noqa: BLE001 - optional work after a committed import
        print(
            f"suggestions not prepared ({type(err).__name__}: {err}); "
            "the coding screen will compute them",
            file=sys.stderr,
        )
        return
    if done is None:
        return
    print(f"suggestions cached for {done['cached']} of {_plural(done['excerpts'], 'excerpts')}")
    if done["left"]:
        print(f"{_plural(done['left'], 'excerpts')} left to the coding screen's background work "
              f"(their sentence embeddings would take a while here)")


def _plural(n: int, noun: str) -> str:
    """``1 document``, ``2 documents``: nouns are given in the plural."""
    if n == 1 and noun.endswith("s"):
        noun = noun[:-1]
    return f"{n} {noun}"


def _summary(info: dict) -> str:
    keys = ("documents", "respondents", "excerpts", "codes", "codings", "coders", "findings")
    lines = [f"{k:>12}: {info[k]}" for k in keys]
    if info.get("coder_names"):
        lines.append(f"{'coder names':>12}: {', '.join(info['coder_names'])}")
    return "\n".join(lines)


def cmd_info(args) -> int:
    from qualtally.project import Project

    with Project.open(args.project) as project:
        info = project.info()
    if args.json:
        json.dump(info, sys.stdout, indent=2)
        print()
    else:
        print(f"{args.project}\n{_summary(info)}")
    return 0


def cmd_export(args) -> int:
    from qualtally.cli.progress import cli_progress
    from qualtally.cli.tally_cmds import check_coder
    from qualtally.project import Project

    with Project.open(args.project) as project, cli_progress(not args.quiet) as progress:
        check_coder(project, args.coder)
        out = project.export(args.out, coder=args.coder, progress=progress,
                             pseudonymise=args.pseudonymise,
                             pseudonym_column=args.pseudonym_column, mapping=args.mapping)
    print(f"wrote {out}")
    if args.mapping:
        print(f"wrote {args.mapping} (pseudonyms -> respondents: keep it inside the team)")
    return 0


def cmd_identifying(args) -> int:
    from qualtally.core.errors import InputError
    from qualtally.core.models import default_coder
    from qualtally.project import Project

    if args.attribute and not args.state:
        raise InputError(args.attribute, "say `on` or `off` after the attribute")
    with Project.open(args.project) as project:
        if args.attribute:
            marked = project.set_identifying(args.attribute, args.state == "on",
                                             args.actor or default_coder())
        else:
            marked = project.identifying()
    print("identifying (left out of pseudonymised exports): " + (", ".join(marked) or "none"))
    return 0


def _run_tui(project_path: Path | str, coder: str | None) -> int:
    import gc

    # No garbage collection until the first frame is drawn: importing Textual and building
    # the screen allocate so much that the collector ran ~170 times, ~0.17 s in all, before
    # the first frame of a 1,000-transcript project. The app's first ``freeze_heap`` (after
    # that frame) collects once, freezes what survives and turns the collector back on.
    gc.disable()
    try:
        app, close = tui_app(project_path, coder)
        try:
            app.run()
        finally:
            close()
    finally:
        gc.enable()
    if app.open_error:  # e.g. a damaged file found by the open behind the first frame
        print(f"qualtally: error: {app.open_error}", file=sys.stderr)
    return int(app.return_code or 0)


def tui_app(project_path: Path | str, coder: str | None):
    """The coding app exactly as ``qualtally code`` runs it, and a function closing what it
    opened (tests drive the same app under Textual's Pilot).

    A project file already at the newest schema is first drawn from a read-only
    ``sqlite3`` peek while the SQLAlchemy-backed project opens behind it (see
    ``tui/opening.py``); anything else (a server URL, an older schema, not a project...)
    opens the ordinary way first, which migrates or refuses with a one-line error."""
    from qualtally.core.models import default_coder
    from qualtally.storage.peek import Peek

    coder = coder or default_coder()
    if "://" in str(project_path):
        from qualtally.project import Project

        project = Project.open(project_path)
        try:
            lock = project.lock_coder(coder)  # one coding screen per coder (advisory lock)
            from qualtally.tui.app import make_app

            app = make_app(project, coder)
        except BaseException:
            project.close()
            raise

        def close_server() -> None:
            lock.release()
            project.close()
        return app, close_server
    from qualtally.core.coder_lock import FileCoderLock

    peek = Peek.open(project_path)
    try:
        file_lock = FileCoderLock(Path(project_path), coder) if peek is not None else None
    except BaseException:
        peek.close()
        raise
    if peek is None:
        from qualtally.project import Project

        project = Project.open(project_path)  # migrates or refuses, then the lock
        from qualtally.tui.app import make_app

        try:
            file_lock = FileCoderLock(Path(project_path), coder)
            app = make_app(project, coder)
        except BaseException:
            if file_lock is not None:
                file_lock.release()
            project.close()
            raise

        def close_opened() -> None:
            file_lock.release()
            project.close()
        return app, close_opened
    from qualtally.tui.app import make_app

    try:
        session = _first_session(peek, Path(project_path), coder)
        app = make_app(peek, coder, opener=partial(_open_project, project_path),
                       session=session)
    except BaseException:
        file_lock.release()
        raise

    def close() -> None:
        try:
            app.close_opened()
            if app.project is not peek:
                app.project.close()
        finally:
            file_lock.release()
    return app, close


def _first_session(peek, path: Path, coder: str):
    """Read what the first screen shows before the terminal is taken over (the screen then
    draws it without reading again), so a damaged file gives one line and exit 2, not a
    Textual error screen."""
    import sqlite3

    from qualtally.core.errors import damaged
    from qualtally.tui.session import CodingSession

    session = CodingSession(peek, coder)
    try:
        session.load(peek.coder_state(coder))
    except sqlite3.DatabaseError as err:
        peek.close()
        raise damaged(path, str(err)) from None
    return session


def _open_project(path: Path | str):
    from qualtally.project import Project

    return Project.open(path)


def cmd_code(args) -> int:
    if "://" in args.project:  # on a server, a coder is the role they connect as
        from qualtally.project.team import server_user

        return _run_tui(args.project, args.coder or server_user(args.project))
    return _run_tui(Path(args.project), args.coder)


def cmd_demo(args) -> int:
    from qualtally.demo import ensure_demo_project

    # built once (an existing demo opens without importing the project first); every run
    # removes the files of builds that were killed
    path = ensure_demo_project()
    if args.print:
        from qualtally.project import Project

        with Project.open(path) as project:
            print(f"{path}\n{_summary(project.info())}")
        return 0
    return _run_tui(path, args.coder)
