"""Backup copies of a project file: taken with SQLite's online backup while the project is
in use, rotated, listed, restored into the live file (after a copy of what it replaces)."""

from __future__ import annotations

import sqlite3

import pytest

from qualtally.core.errors import InputError
from qualtally.project import Project
from qualtally.storage import backups


def _codings(path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM codings").fetchone()[0]
    finally:
        conn.close()


def test_take_copies_the_committed_state_while_the_project_is_open(project):
    path = project.path
    e, c = project.excerpts()[0].id, project.codes()[1].id
    project.apply_code(e, c, "ana")  # committed, still in the WAL
    copy = backups.take(path, "before import")
    assert copy.parent == backups.folder(path) and copy.name.endswith("-before-import.qtally")
    assert _codings(copy) == 1
    with Project.open(copy) as again:
        assert again.codings([e], "ana")[e][0][0] == c
    project.apply_code(e, project.codes()[2].id, "ana")  # the project still works after
    assert _codings(path) == 2


def test_only_the_newest_copies_are_kept(project):
    path = project.path
    taken = [backups.take(path, f"step {i}", keep=3) for i in range(5)]
    assert [b.path for b in backups.listing(path)] == taken[2:]
    assert [b.reason for b in backups.listing(path)] == ["step-2", "step-3", "step-4"]


def test_the_keep_setting_is_read_from_the_project(project):
    project.store.set_setting("backups.keep", 2)
    for i in range(4):
        backups.take(project.path, f"s{i}")
    assert len(backups.listing(project.path)) == 2


def test_restore_brings_the_state_back_into_the_open_project_and_keeps_the_replaced_one(project):
    path = project.path
    e = project.excerpts()[0].id
    project.apply_code(e, project.codes()[1].id, "ana")
    first = backups.take(path, "good")
    project.apply_code(e, project.codes()[2].id, "ana")
    project.apply_code(e, project.codes()[3].id, "ana")
    before = backups.restore(path, backups.find(path, first.name[:15]))
    assert _codings(path) == 1
    assert project.codings([e], "ana")[e][0][0] == project.codes()[1].id  # the open project sees it
    assert before is not None and _codings(before) == 3
    assert before in [b.path for b in backups.listing(path)] and first in [
        b.path for b in backups.listing(path)
    ]


def test_restore_mends_a_damaged_file(project):
    path = project.path
    project.apply_code(project.excerpts()[0].id, project.codes()[1].id, "ana")
    good = backups.take(path, "good")
    project.close()
    size = path.stat().st_size
    path.write_bytes(b"\x00" * size)  # not even a SQLite header any more
    with pytest.raises(InputError, match="damaged"):
        Project.open(path)
    backups.restore(path, backups.find(path, None))
    with Project.open(path) as again:
        assert again.info()["codings"] == 1
    assert good.exists()


def test_finding_a_copy_that_is_not_there_is_one_clear_error(project):
    with pytest.raises(InputError, match="has no backup copies"):
        backups.find(project.path, None)
    backups.take(project.path, "x")
    with pytest.raises(InputError, match="no backup copy of t.qtally matches"):
        backups.find(project.path, "nonsense")


def test_the_cli_backs_up_before_an_import_and_restores_a_damaged_project(
    project, tmp_path, capsys
):
    from qualtally.cli import main

    path = project.path
    project.close()
    rows = tmp_path / "rows.csv"
    rows.write_text("respondent,text,codes,coder,document\n"
                    "R1,A line [inaudible] from the command line.,Relevance,cli,extra-doc\n")
    assert main(["import", str(path), str(rows), "--no-suggestions"]) == 0
    assert main(["backups", str(path)]) == 0
    listed = capsys.readouterr().out
    assert "before-import" in listed
    assert _codings(backups.listing(path)[-1].path) == 0  # the state before the import
    assert main(["backups", str(path), "--keep", "4"]) == 0
    assert "keeping the newest 4" in capsys.readouterr().out
    path.write_bytes(b"\x00" * path.stat().st_size)
    assert main(["info", str(path)]) == 2
    assert "qualtally restore" in capsys.readouterr().err
    assert main(["restore", str(path)]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "before-import" in out
    assert main(["info", str(path), "--json"]) == 0
    assert '"codings": 0' in capsys.readouterr().out


def test_a_bad_import_takes_no_copy(project, tmp_path):
    from qualtally.cli import main

    bad = tmp_path / "bad.csv"
    bad.write_text("respondent\n")
    assert main(["import", str(project.path), str(bad)]) == 2
    assert backups.listing(project.path) == []
