"""A project file shared by processes: this process's SQLite locks are never dropped.

Closing any descriptor of a file drops every POSIX lock the process holds on it, the
shared lock each WAL connection keeps on the database included; another process that
then closes its last connection checkpoints and deletes the WAL under this one, whose
later commits go to a deleted file (seen by nobody) and are checkpointed over newer pages
at exit: a malformed database. So no code of ours may ``open()`` the project file or its
-wal/-shm while SQLite has it open (see storage/engine.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from qualtally.project import Project
from qualtally.storage.engine import begin_write
from qualtally.storage.peek import Peek

OPENED: list[str] = []
WATCHED: set[str] = set()


def _audit(event: str, args: tuple) -> None:
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        name = os.path.realpath(os.fsdecode(args[0]))
        if any(name.startswith(w) for w in WATCHED):
            OPENED.append(name)


sys.addaudithook(_audit)  # cannot be removed; it records only paths under WATCHED

CHILD = textwrap.dedent("""
    import sys
    from qualtally.project import Project
    with Project.open(sys.argv[1]) as p:
        p.apply_code(p.excerpts()[0].id, p.codes()[0].id, sys.argv[2])
""")

READ = textwrap.dedent("""
    import sqlite3, sys
    c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    print(c.execute("SELECT count(*) FROM codings WHERE coder = ?", (sys.argv[2],)).fetchone()[0])
    print(c.execute("PRAGMA integrity_check").fetchone()[0])
""")


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def _held_locks(path: Path) -> list[str]:
    """This process's POSIX locks on the file (Linux's /proc/locks)."""
    st = os.stat(path)
    ident = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    with open("/proc/locks") as fh:
        return [line for line in fh if f" {os.getpid()} " in line and ident in line]


def test_no_code_of_ours_opens_the_project_file(project, tmp_path):
    path = Path(project.path)
    project.close()
    WATCHED.add(os.path.realpath(path))
    try:
        peek = Peek.open(path)  # as `qualtally code` starts: a peek, then the real project
        assert peek is not None
        with Project.open(path) as p:
            excerpt, code = p.excerpts()[0].id, p.codes()[1].id
            p.apply_code(excerpt, code, "ana")
            p.undo("ana")
            p.redo("ana")
            p.tally()
            for ext in ("csv", "xlsx", "html"):
                p.export(tmp_path / f"out.{ext}")
        peek.close()
    finally:
        WATCHED.clear()
    assert OPENED == [], f"opened from Python while SQLite had it open: {OPENED}"


def test_a_process_keeps_its_lock_when_the_project_opens_behind_the_peek(project):
    path = Path(project.path)
    project.close()
    peek = Peek.open(path)
    try:
        peek.documents()
        with Project.open(path) as p:
            p.info()
            if os.path.exists("/proc/locks"):
                assert _held_locks(path), "this process holds no lock on the project file"
            _run(CHILD, str(path), "other")  # its close must not take the WAL away from us
            p.apply_code(p.excerpts()[1].id, p.codes()[1].id, "ana")
            count, integrity = _run(READ, str(path), "ana").split()
            assert count == "1", "a committed coding is invisible to another process"
            assert integrity == "ok"
    finally:
        peek.close()
    count, integrity = _run(READ, str(path), "ana").split()
    assert (count, integrity) == ("1", "ok")


def test_a_write_transaction_takes_the_write_lock_before_reading(project):
    """BEGIN IMMEDIATE: a write that read first can never meet a snapshot another process
    has changed since (SQLITE_BUSY_SNAPSHOT fails at once, without waiting)."""
    path = Path(project.path)
    with begin_write(project.engine):
        # another process cannot write while this transaction is open, even before we write
        other = subprocess.run([sys.executable, "-c", textwrap.dedent("""
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1], timeout=0.2, isolation_level=None)
            try:
                c.execute("BEGIN IMMEDIATE")
                print("got the lock")
            except sqlite3.OperationalError as err:
                print(err)
        """), str(path)], capture_output=True, text=True, check=True)
        assert "locked" in other.stdout
