"""A damaged project file is refused by every command that opens it: one line naming the
file, the damage and where its backup copies are, exit code 2, and the file untouched."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from qualtally.cli import main
from qualtally.core.errors import InputError
from qualtally.project import Project


def _damage(path) -> None:
    """Overwrite the b-tree page of one table (the events): the header and schema still
    read, so the damage shows only where that page is visited (as after a torn checkpoint)."""
    with Project.open(path) as p:  # fold the WAL in, so the pages are in the main file
        with p.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    conn = sqlite3.connect(path)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * size
    data[start: start + size] = b"\x5a" * size
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged(project, tmp_path):
    path = project.path
    project.close()
    _damage(path)
    return path


@pytest.mark.parametrize("argv", [
    ["info", "{p}"], ["tally", "{p}", "--json"], ["audit", "{p}"], ["export", "{p}", "{out}"],
    ["import", "{p}", "{csv}"], ["code", "{p}"],
])
def test_every_command_refuses_a_damaged_file(damaged, tmp_path, capsys, argv):
    csv = tmp_path / "more.csv"
    csv.write_text("respondent,text,codes\nR1,More words.,Relevance\n")
    before = hashlib.sha256(damaged.read_bytes()).hexdigest()
    args = [a.format(p=damaged, out=tmp_path / "out.csv", csv=csv) for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert str(damaged) in err[0] and "damaged database" in err[0] and "backup" in err[0]
    assert hashlib.sha256(damaged.read_bytes()).hexdigest() == before
    assert not (tmp_path / "out.csv").exists()


def test_the_message_names_the_newest_backup_copy(damaged):
    folder = damaged.with_name(f"{damaged.name}.backups")
    folder.mkdir()
    (folder / "20260101T000000000000-before-import.qtally").write_bytes(b"")
    with pytest.raises(
        InputError,
        match=r"damaged database .*`qualtally restore .*t\.qtally` "
        r"\(newest: 20260101T000000000000-before-import\.qtally\)",
    ):
        Project.open(damaged)
