"""Small things that make the CLI feel finished (issue 19): every ``--help`` argument
described, ``export --help`` listing the formats, ``tally --show`` taking a code's own name
when it is unique, and a re-imported codebook with a renamed code saying what it did."""

from __future__ import annotations

import argparse

import pytest

from qualtally.cli import build_parser, main
from qualtally.core.models import Code
from qualtally.project import Project


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_argument_of_every_command_is_described():
    missing = [f"{name} {a.dest}" for name, p in _subcommands().items() for a in p._actions
               if not isinstance(a, argparse._HelpAction) and not (a.help or "").strip()]
    assert missing == []


def test_export_help_lists_the_formats(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for fmt in (".csv", ".xlsx", ".html", ".qdpx", ".qdc"):
        assert fmt in out, fmt


def test_tally_show_takes_a_codes_own_name_when_unique(small, capsys):
    path = str(small.path)
    small.add_code(Code("Refugees", "Concerns"), "t")
    small.close()
    assert main(["tally", path, "--show", "Managed"]) == 0
    assert capsys.readouterr().out.startswith("Need > Managed\n")
    assert main(["tally", path, "--show", "managed", "--json"]) == 0
    assert '"key": "Need > Managed"' in capsys.readouterr().out
    assert main(["tally", path, "--show", "Refugees"]) == 2  # two codes have that name
    err = capsys.readouterr().err
    assert "several codes have this name" in err
    assert "Need > Refugees" in err and "Concerns > Refugees" in err
    assert main(["tally", path, "--show", "Nothing"]) == 2


def test_a_reimported_codebook_with_a_renamed_code_says_what_it_did(tmp_path, capsys):
    first = tmp_path / "codebook.csv"
    first.write_text("path,definition\nBarriers,\nBarriers > Cost,money is short\n"
                     "Barriers > Distance,too far\n", encoding="utf-8")
    project_path = tmp_path / "p.qtally"
    Project.new(project_path).close()
    assert main(["import", str(project_path), str(first), "--no-suggestions", "--quiet"]) == 0
    capsys.readouterr()
    second = tmp_path / "codebook-v2.csv"
    second.write_text("path,definition\nBarriers,\nBarriers > Costs,money is short\n"
                      "Barriers > Distance,too far\n", encoding="utf-8")
    assert main(["import", str(project_path), str(second), "--no-suggestions", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert ("note: codebook: 'Barriers > Costs' looks like a rename of 'Barriers > Cost'; "
            "it was added as a new code and 'Barriers > Cost' kept with its codings") in out
    assert "note: codebook: added 1 code(s): Barriers > Costs" in out
    assert ("note: codebook: 1 code(s) of the project are not in this codebook and were kept "
            "as they are: Barriers > Cost") in out
