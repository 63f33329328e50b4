"""Pilot tests: drive the coding screen with keys and check what the store holds after."""

from __future__ import annotations

from qualtally.core.models import ORIGIN_HUMAN, ORIGIN_SUGGESTION
from qualtally.project import Project
from qualtally.tui.app import make_app
from qualtally.tui.widgets.codebook_tree import CodebookTree
from qualtally.tui.widgets.suggestions import SuggestionPanel

from .conftest import CODER, SIZE, codings_of, settle


def current(app):
    return app.coding.session.current


async def test_apply_undo_redo_quit_reopen(project_path):
    project = Project.open(project_path)
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = current(app)
        assert first.respondent_key == "R01"
        panel = app.screen.query_one(SuggestionPanel)
        assert panel.suggestions[0].code_path == "Performance > Resettlement services"
        await pilot.press("1")
        assert codings_of(project) == [
            (first.id, "Performance > Resettlement services", ORIGIN_SUGGESTION)
        ]
        await pilot.press("ctrl+z")
        assert codings_of(project) == []
        await pilot.press("ctrl+y")
        assert codings_of(project) == [
            (first.id, "Performance > Resettlement services", ORIGIN_SUGGESTION)
        ]
        await pilot.press("q")
    assert app.return_code == 0
    project.close()

    reopened = Project.open(project_path)
    app = make_app(reopened, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.coding.session.codings == {first.id: [reopened.code_by_path(
            "Performance > Resettlement services").id]}
        view = app.coding.transcript
        lines = ["".join(s.text for s in view.render_line(y)) for y in range(view.size.height)]
        assert any("● Resettlement services" in line for line in lines)
        # undo survives the restart: it reads the event log
        await pilot.press("ctrl+z")
        assert codings_of(reopened) == []
    reopened.close()


async def test_accepting_a_suggestion_is_the_facades_accept(project, monkeypatch):
    """1-9 and a click accept through ``Project.accept_suggestion``, the one rule for turning
    a suggestion into a coding; a code gone from the codebook is said, not applied."""
    calls = []
    real = project.accept_suggestion
    monkeypatch.setattr(project, "accept_suggestion",
                        lambda *args: calls.append(args) or real(*args))
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = current(app)
        panel = app.screen.query_one(SuggestionPanel)
        path = panel.suggestions[0].code_path
        await pilot.press("1")
        assert calls == [(first.id, path, CODER)]
        assert codings_of(project) == [(first.id, path, ORIGIN_SUGGESTION)]
        assert app.coding.session.codings[first.id] == [project.code_by_path(path).id]
        monkeypatch.setattr(project, "accept_suggestion", lambda *args: calls.append(args) and None)
        app.coding.accept(panel.suggestions[0])
        await pilot.pause()
        assert len(calls) == 2 and codings_of(project) == [(first.id, path, ORIGIN_SUGGESTION)]
        assert any("no longer in the codebook" in str(n.message) for n in app._notifications)


async def test_each_coding_records_its_coder(project_path):
    for coder in ("ana", "ben"):
        with Project.open(project_path) as project:
            app = make_app(project, coder)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press("1")
    with Project.open(project_path) as project:
        assert len(codings_of(project, "ana")) == 1
        assert len(codings_of(project, "ben")) == 1
        assert set(project.coders()) == {"ana", "ben"}


async def test_moving_between_excerpts_and_documents(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        s = app.coding.session
        await pilot.press("j")
        assert (s.document.name, s.index) == ("interview-R01.txt", 1)
        await pilot.press("down", "down")
        # crossed into the next document
        assert (s.document.name, s.index) == ("interview-R02.txt", 0)
        await pilot.press("k")
        assert (s.document.name, s.index) == ("interview-R01.txt", 2)
        await pilot.press("up")
        assert s.index == 1
        await pilot.press("J")
        assert (s.document.name, s.index) == ("interview-R02.txt", 0)
        await pilot.press("J")
        assert s.document.name == "interview-R03.txt"
        await pilot.press("K", "K")
        assert s.document.name == "interview-R01.txt"


async def test_next_uncoded(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        s = app.coding.session
        await pilot.press("enter")  # codes excerpt 1 with the highlighted code
        await pilot.press("j", "enter", "k")
        assert s.index == 0
        await pilot.press("n")
        assert (s.document.name, s.index) == ("interview-R01.txt", 2)
        await pilot.press("enter", "n")
        assert (s.document.name, s.index) == ("interview-R02.txt", 0)


async def test_enter_and_space_toggle_the_highlighted_code(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CodebookTree)
        tree.move_cursor(tree._code_nodes[project.code_by_path("Relevance > Reservations").id])
        await pilot.press("enter")
        e = current(app)
        assert codings_of(project) == [(e.id, "Relevance > Reservations", ORIGIN_HUMAN)]
        await pilot.press("space")
        assert codings_of(project) == []
        # with the tree focused, enter still toggles (and down moves the tree cursor)
        tree.focus()
        await pilot.press("down", "enter")
        assert codings_of(project) == [(e.id, "Performance", ORIGIN_HUMAN)]


async def test_respondent_counts_are_live_and_roll_up(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CodebookTree)
        await pilot.press("1")  # R01: Resettlement services
        await pilot.press("J", "j")
        await settle(pilot)
        await pilot.press("1")  # R02's second excerpt: medical checks for refugees
        await settle(pilot)
        resettle = project.code_by_path("Performance > Resettlement services").id
        parent = project.code_by_path("Performance").id
        assert tree.counts[resettle] == 2
        assert tree.counts[parent] == 2
        assert str(tree._code_nodes[resettle].label).lstrip("✓ ").split()[0] == "2"


async def test_filter_codebook_and_apply_with_enter(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"value", "enter")
        assert codings_of(project) == [
            (current(app).id, "Performance > Value for money", ORIGIN_HUMAN)
        ]
        # the filter closed and keys are back on the coding screen
        await pilot.press("j")
        assert app.coding.session.index == 1
        await pilot.press("slash", *"relev", "down", "enter")
        assert codings_of(project)[-1][1:] == ("Relevance > Need for membership", ORIGIN_HUMAN)


async def test_reject_the_highlighted_suggestion(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        panel = app.screen.query_one(SuggestionPanel)
        before = [s.code_path for s in panel.suggestions]
        assert len(before) >= 2
        await pilot.press("x")
        await settle(pilot)
        rejected = project.code_by_path(before[0]).id
        assert project.rejections(current(app).id, CODER) == {rejected}
        assert [s.code_path for s in panel.suggestions] == before[1:]
        assert codings_of(project) == []
        await pilot.press("ctrl+z")
        assert project.rejections(current(app).id, CODER) == set()


async def test_memo(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m", *"check [inaudible] part", "ctrl+s")
        await pilot.pause()
        assert project.memo(current(app).id, CODER) == "check [inaudible] part"
        assert "memo" in str(app.screen.query_one("#status").render())
        await pilot.press("m", "escape")
        assert project.memo(current(app).id, CODER) == "check [inaudible] part"
        await pilot.press("j")
        assert "memo" not in str(app.screen.query_one("#status").render())
        await pilot.press("k")  # the mark is kept with the document's excerpts, not re-read
        assert "memo" in str(app.screen.query_one("#status").render())
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert project.memo(current(app).id, CODER) == ""
        assert "memo" not in str(app.screen.query_one("#status").render())


async def test_add_code_without_losing_place(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        where = current(app).id
        await pilot.press("a", *"Staying at the table")
        await pilot.press("ctrl+s")
        await settle(pilot)
        code = next(c for c in project.codes() if c.name == "Staying at the table")
        assert current(app).id == where
        assert codings_of(project) == [(where, code.path, ORIGIN_HUMAN)]
        assert app.screen.query_one(CodebookTree).highlighted_code == code.id


async def test_errors_become_notifications(project, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the model file is damaged")

    monkeypatch.setattr(project, "suggestions", broken)
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("the model file is damaged" in m for m in messages)
        await pilot.press("j", "enter")  # still works
        assert len(codings_of(project)) == 1


async def test_store_refusal_is_a_notification(project, monkeypatch):
    from qualtally.core.errors import InputError

    def refuse(*args, **kwargs):
        raise InputError("project", "the database is read-only")

    monkeypatch.setattr(project, "toggle_code", refuse)
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert any("read-only" in n.message for n in app._notifications)
        assert app.is_running


async def test_a_failed_findings_count_is_reported_once_by_the_app(project, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the tally cache is corrupt")

    app = make_app(project, CODER, load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(project, "tally", broken)
        await pilot.press("f")
        await settle(pilot)
        assert app.current_mode == "findings"
        reported = [n for n in app._notifications if "the tally cache is corrupt" in n.message]
        assert len(reported) == 1 and reported[0].title == "findings failed"
        assert app.is_running


async def test_quit_does_not_wait_for_the_model_to_load(project, monkeypatch):
    import threading

    release = threading.Event()
    monkeypatch.setattr(project, "load_suggester",
                        lambda progress=None, coder=None: release.wait(60))
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.model_loading  # still "importing" when the coder quits
        await pilot.press("q")
    assert app._model_thread.daemon and app._model_thread.is_alive()  # left to end with the program
    release.set()


async def test_quit_does_not_wait_for_a_retraining(project, monkeypatch):
    import threading

    release = threading.Event()
    started = threading.Event()

    def slow_retrain(coder=None, refresh=True):
        started.set()
        release.wait(60)
        return True

    monkeypatch.setattr(project, "maybe_retrain", slow_retrain)
    app = make_app(project, CODER, load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.retrain()
        assert started.wait(5)
        await pilot.press("q")
    assert app._retrain_thread.daemon and app._retrain_thread.is_alive()
    release.set()


async def test_a_retrained_model_is_shown_before_the_cache_refresh(project, monkeypatch):
    """The screen drops the old model's suggestions as soon as the new model is in use,
    not after the suggestion cache has been rewritten for it (seconds on a big project)."""
    import threading

    refreshing = threading.Event()
    release = threading.Event()
    calls = []

    def retrain(coder=None, refresh=True):
        calls.append(refresh)
        return True

    refreshed = threading.Event()

    def slow_refresh(progress=None, chunk=256):
        refreshing.set()
        release.wait(30)
        refreshed.set()
        return 0

    monkeypatch.setattr(project, "maybe_retrain", retrain)
    monkeypatch.setattr(project, "refresh_suggestion_cache", slow_refresh)
    app = make_app(project, CODER, load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.coding
        seen = []
        monkeypatch.setattr(screen, "model_retrained", lambda: seen.append(refreshed.is_set()))
        app.retrain()
        for _ in range(100):
            if seen:
                break
            await pilot.pause(0.05)
        assert calls == [False]  # the façade leaves the refresh to the app
        # told while the refresh cannot have finished (it waits for ``release``, set below)
        assert seen == [False]
        assert refreshing.wait(5)  # and the refresh does run after
        release.set()
        await pilot.press("q")


async def test_quit_flushes_queued_suggestion_cache_writes_briefly(project, monkeypatch):
    from qualtally.tui.app import QUIT_FLUSH_SECONDS

    waited = []
    monkeypatch.setattr(
        project, "flush_suggestion_cache", lambda timeout=10.0: waited.append(timeout)
    )
    app = make_app(project, CODER, load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
    assert waited == [QUIT_FLUSH_SECONDS] and QUIT_FLUSH_SECONDS <= 0.5


async def test_the_loading_bar_is_never_the_animated_one(project):
    """Textual's indeterminate progress bar repaints the screen 15 times a second for as long
    as it shows: while a large project's model loads, that is every few moves' time on the
    UI thread, beside the loading thread."""
    from textual.widgets import ProgressBar

    app = make_app(project, CODER, load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.coding.panel
        bar = panel.query_one(ProgressBar)
        assert bar.display and bar.percentage is not None  # determinate from the start
        panel.set_progress("caching suggestions", 0, 0)  # nothing to cache: done
        assert bar.percentage == 1
        panel.set_progress("embedding excerpts", 64, 256)
        assert bar.percentage == 0.25
