"""The ``qualtally`` command: thin sub-commands over the Project façade.

Each sub-command module registers its parsers and imports its heavy dependencies only
inside the handler, so ``qualtally --help`` stays instant. Bad input (an
:class:`~qualtally.core.errors.InputError`) and a damaged project file become one line on
stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys

from qualtally import __version__
from qualtally.core.errors import InputError, damaged, is_damage

COMMAND_MODULES = ("project_cmds", "nlp_cmds", "tally_cmds", "backup_cmds", "agreement_cmds",
                   "corrections_cmds")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="qualtally",
        description="Keyboard-first qualitative coding with an auditable tally of respondents.",
    )
    parser.add_argument("--version", action="version", version=f"qualtally {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"qualtally.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    try:
        return int(args.handler(args) or 0)
    except InputError as err:
        print(f"qualtally: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `qualtally tally P --json | head`
        sys.stderr.close()
        return 0
    except Exception as err:
        if not is_damage(err):
            raise
        # a damaged page met after the open's check (e.g. the file was damaged meanwhile)
        where = getattr(args, "project", None) or getattr(args, "target", None) or "project"
        print(f"qualtally: error: {damaged(where, str(getattr(err, 'orig', None) or err))}",
              file=sys.stderr)
        return 2
