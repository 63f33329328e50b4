"""The read-only peek the first frame is drawn from, and the hand-over to the real project.

``storage/peek.py`` must read exactly what ``Project`` reads (same core objects), refuse
(None) anything it is not sure of, and write nothing. The app started on a peek must hold
the keys pressed before the project is open and apply them, in order, to the real
project afterwards; and if the store changed in between, show what the store holds.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
from contextlib import asynccontextmanager

from qualtally.project import Project
from qualtally.storage import engine
from qualtally.storage.peek import HEAD_REVISION, Peek
from qualtally.tui.app import make_app

from .conftest import CODER, SIZE, settle


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_peek_reads_what_the_project_reads(project_path):
    with Project.open(project_path) as project:
        excerpts = project.excerpts()
        project.apply_code(excerpts[1].id, project.codes()[2].id, CODER)
        project.apply_code(excerpts[1].id, project.codes()[4].id, "bo")
        project.set_memo(excerpts[1].id, CODER, "a memo with [brackets]")
        project.save_coder_state(CODER, document=excerpts[1].document_id, excerpt=excerpts[1].id,
                                 order="uncertainty", screen="codebook", filter="cost")
        peek = Peek.open(project_path)
        assert peek is not None
        try:
            assert peek.documents() == project.documents()
            for d in project.documents():
                assert peek.document(d.id) == project.document(d.id)
                assert peek.excerpts(d.id) == project.excerpts(d.id)
            assert peek.excerpts() == excerpts
            assert peek.codes() == project.codes()
            ids = [e.id for e in excerpts]
            for coder in (CODER, "bo", None):
                assert dict(peek.codings(ids, coder)) == dict(project.codings(ids, coder))
            assert dict(peek.codings([], CODER)) == {}
            assert peek.memo(excerpts[1].id, CODER) == "a memo with [brackets]"
            assert peek.memo(excerpts[0].id, CODER) == project.memo(excerpts[0].id, CODER) == ""
            project.set_memo(excerpts[2].id, CODER, "")  # an empty memo is no memo
            for coder in (CODER, "bo"):
                assert peek.memo_ids(ids, coder) == project.memo_ids(ids, coder)
            assert project.memo_ids(ids, CODER) == {excerpts[1].id}
            assert peek.memo_ids([], CODER) == project.memo_ids([], CODER) == set()
            for coder in (CODER, "nobody"):
                assert peek.coder_state(coder) == project.coder_state(coder)
            assert peek.coder_state(CODER)["excerpt"] == excerpts[1].id  # a number, not a string
        finally:
            peek.close()


def test_peek_writes_nothing(tmp_path, project_path):
    copy = tmp_path / "copy.qtally"
    shutil.copy(project_path, copy)
    before = digest(copy)
    peek = Peek.open(copy)
    assert peek is not None
    peek.documents()
    peek.close()
    assert digest(copy) == before
    assert (
        not (tmp_path / "copy.qtally-wal").exists()
        or (tmp_path / "copy.qtally-wal").stat().st_size == 0
    )


def test_peek_refuses_what_it_is_not_sure_of(tmp_path, project_path):
    assert HEAD_REVISION == engine.HEAD_REVISION == engine.head_revision()
    assert Peek.open(tmp_path / "missing.qtally") is None
    (tmp_path / "text.qtally").write_text("not a database")
    assert Peek.open(tmp_path / "text.qtally") is None
    (tmp_path / "empty.qtally").write_bytes(b"")
    assert Peek.open(tmp_path / "empty.qtally") is None
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert Peek.open(other) is None
    old = tmp_path / "old.qtally"
    shutil.copy(project_path, old)
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0002'")
    conn.close()
    assert Peek.open(old) is None  # the ordinary open migrates it (and takes a safety copy)


def gated_opener(path, before_return=None):
    """An opener that waits for ``gate``; ``before_return(project)`` may write first."""
    gate = threading.Event()

    def opener():
        assert gate.wait(30)
        project = Project.open(path)
        if before_return is not None:
            before_return(project)
        return project

    return opener, gate


@asynccontextmanager
async def started_on_peek(project_path, before_return=None):
    """The app drawn from a peek, its opener held at a gate; (app, pilot, gate, peek).
    The peek and the real project (once opened) are closed afterwards."""
    peek = Peek.open(project_path)
    opener, gate = gated_opener(project_path, before_return)
    app = make_app(peek, CODER, load_model=False, opener=opener)
    try:
        async with app.run_test(size=SIZE) as pilot:
            yield app, pilot, gate, peek
    finally:
        if app.project is not peek:
            app.project.close()
        peek.close()


async def wait_until_open(pilot, app) -> None:
    """Let the opener thread finish (10 s at most) and the screen settle."""
    for _ in range(200):
        if app.project_ready:
            break
        await pilot.pause(0.05)
    await settle(pilot)


async def test_keys_before_the_project_opens_are_held_then_applied(project_path):
    async with started_on_peek(project_path) as (app, pilot, gate, peek):
        await pilot.pause()
        session = app.coding.session
        assert app.project is peek and not app.project_ready
        start = session.current.id
        await pilot.press("j", "j", "1")
        await pilot.pause()
        assert session.current.id == start  # held, not applied to the peek
        gate.set()
        await wait_until_open(pilot, app)
        assert app.project is not peek and session.project is app.project
        ids = [e.id for e in session.excerpts]
        assert session.current.id == ids[ids.index(start) + 2]  # both j, in order, after opening
        await pilot.press("q")
    with Project.open(project_path) as project:
        assert project.coder_state(CODER)["excerpt"] == ids[ids.index(start) + 2]


async def test_a_change_between_peek_and_open_is_shown(project_path):
    with Project.open(project_path) as project:
        target = project.excerpts()[0]
        code = next(c for c in project.codes() if c.parent_id is not None)

    def someone_codes(project):  # another process writes after the peek read
        project.apply_code(target.id, code.id, CODER)

    async with started_on_peek(project_path, someone_codes) as (app, pilot, gate, peek):
        await pilot.pause()
        session = app.coding.session
        assert session.current.id == target.id and not session.codings.get(target.id)
        gate.set()
        await wait_until_open(pilot, app)
        assert session.codings.get(target.id) == [code.id]
        assert code.id in app.coding.tree.applied
        await pilot.press("q")


async def test_a_failed_open_ends_the_app_with_the_error(project_path):
    peek = Peek.open(project_path)

    def opener():
        from qualtally.core.errors import InputError
        raise InputError(str(project_path), "damaged database (test)")

    app = make_app(peek, CODER, load_model=False, opener=opener)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            if not app.is_running:
                break
            await pilot.pause(0.05)
    assert app.return_code == 2
    assert app.open_error == f"{project_path}: damaged database (test)"
    peek.close()


async def test_a_changed_document_text_is_redrawn_from_the_store(project_path):
    """The peek's transcript is replaced, not only its codings (a review found the old
    text left on screen under the store's new offsets)."""
    with Project.open(project_path) as project:
        first = project.documents()[0]

    def someone_edits(project):
        with project.engine.begin() as conn:
            conn.exec_driver_sql(
                "UPDATE documents SET text = 'CHANGED ' || text WHERE id = ?", (first.id,)
            )

    async with started_on_peek(project_path, someone_edits) as (app, pilot, gate, peek):
        await pilot.pause()
        session = app.coding.session
        assert not session.document.text.startswith("CHANGED ")
        gate.set()
        await wait_until_open(pilot, app)
        assert session.document.text.startswith("CHANGED ")
        assert session.document.text == app.project.document(session.document.id).text
        await pilot.press("q")


async def test_other_screens_opened_after_a_peek_start_use_the_real_project(project_path):
    async with started_on_peek(project_path) as (app, pilot, gate, peek):
        gate.set()
        await wait_until_open(pilot, app)
        for key, mode in (("c", "codebook"), ("f", "findings")):
            await pilot.press(key)
            await settle(pilot)
            assert app.current_mode == mode and app.screen.project is app.project
            await pilot.press("escape")
            await settle(pilot)
        assert app.is_running
        await pilot.press("q")


async def test_held_keys_are_replayed_as_typed_and_q_waits_its_turn(project_path):
    """``/`` then text typed while the project opens ends in the filter, and a ``q`` in
    that text neither overtakes the other keys nor quits."""
    async with started_on_peek(project_path) as (app, pilot, gate, peek):
        await pilot.pause()
        await pilot.press("slash", "e", "q", "u")
        assert app.is_running
        gate.set()
        await wait_until_open(pilot, app)
        for _ in range(20):
            await pilot.pause(0.05)
        assert app.is_running
        assert app.focused is not None and getattr(app.focused, "value", None) == "equ"
        await pilot.press("escape")


def test_a_damaged_project_file_gives_one_line_and_exit_2(tmp_path, project_path, capsys):
    from qualtally.cli import main

    damaged = tmp_path / "damaged.qtally"
    shutil.copy(project_path, damaged)
    data = bytearray(damaged.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    data[page:] = b"\xff" * (len(data) - page)  # every page but the schema's first
    damaged.write_bytes(bytes(data))
    before = hashlib.sha256(damaged.read_bytes()).hexdigest()
    assert main(["code", str(damaged), "--coder", CODER]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        len(err) == 1
        and "damaged.qtally" in err[0]
        and "damaged database" in err[0]
        and "backup" in err[0]
    )
    assert hashlib.sha256(damaged.read_bytes()).hexdigest() == before


async def test_the_collector_off_for_the_first_frame_is_on_once_the_project_is_open(project_path):
    """``qualtally code`` turns the garbage collector off until the first frame; the app's
    first ``freeze_heap``, once the real project is open behind it, turns it back on."""
    import gc

    gc.disable()
    try:
        async with started_on_peek(project_path) as (app, pilot, gate, peek):
            await pilot.pause()
            assert not gc.isenabled()  # drawn, the project still opening
            gate.set()
            await wait_until_open(pilot, app)
            assert gc.isenabled()
    finally:
        gc.enable()
