"""Reopening where the coder left off, and the "least sure first" order (key ``o``).

Pilot tests on a real project file: the place is read back from the store by a second
app on a freshly opened project, and codings made in the ranked order are checked in the
store against the excerpt the screen showed.
"""

from __future__ import annotations

from qualtally.core.models import ORIGIN_HUMAN
from qualtally.project import Project
from qualtally.tui.app import make_app

from .conftest import CODER, SIZE, codings_of, settle


def shown(app) -> tuple[str, int, int]:
    """(document name, excerpt id, excerpt id the transcript highlights)."""
    s = app.coding.session
    return s.document.name, s.current.id, app.coding.transcript.current.id


async def test_reopen_where_you_left_off(project_path):
    with Project.open(project_path) as project:
        app = make_app(project, CODER, load_model=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("J", "j")  # second document, its second excerpt
            left_at = shown(app)
            assert left_at[0] == "interview-R02.txt" and left_at[1] == left_at[2]
            await pilot.press("q")
        # written by the time the app has closed (quit flushes the background writer)
        state = project.coder_state(CODER)
        assert state["excerpt"] == left_at[1]
        assert state["order"] == "document" and state["screen"] == "coding"

    with Project.open(project_path) as reopened:
        app = make_app(reopened, CODER, load_model=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert shown(app) == left_at
            assert app.coding.session.index == 1
            # and another coder starts at the beginning, with their own place
            assert reopened.coder_state("someone-else") == {}


async def test_position_is_written_on_each_move_without_quitting(project_path):
    with Project.open(project_path) as project:
        app = make_app(project, CODER, load_model=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for _ in range(3):
                await pilot.press("j")
                app.positions.flush()
                # read through a second connection, as a restarted program would
                with Project.open(project_path) as other:
                    assert other.coder_state(CODER)["excerpt"] == app.coding.session.current.id


async def test_a_saved_place_that_no_longer_exists_falls_back_to_the_start(project_path):
    with Project.open(project_path) as project:
        project.save_coder_state(
            CODER, document=999, excerpt=12345, order="nonsense", screen="nowhere"
        )
        app = make_app(project, CODER, load_model=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            s = app.coding.session
            assert (s.doc_pos, s.index, s.order) == (0, 0, "document")
            assert app.current_mode == "coding"


async def test_reopen_on_the_screen_left(project_path):
    with Project.open(project_path) as project:
        app = make_app(project, CODER, load_model=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("c")
            assert app.current_mode == "codebook"
            await pilot.press("q")
    with Project.open(project_path) as project:
        app = make_app(project, CODER, load_model=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.current_mode == "codebook"


async def test_least_sure_first_changes_the_order_and_codes_the_right_excerpt(project_path):
    with Project.open(project_path) as project:
        first = project.excerpts(project.documents()[0].id)
        # one coded excerpt guarantees the ranked order differs: coded excerpts go last
        project.apply_code(first[0].id, project.codes()[0].id, CODER)
        project.load_suggester()  # synchronously, as the app's worker would
        app = make_app(project, CODER, load_model=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.coding
            screen.set_model_ready(None)
            doc_id = screen.session.document.id
            expected = project.uncertainty_order(doc_id, CODER)
            assert expected != [e.id for e in first] and expected[-1] == first[0].id

            await pilot.press("o")
            await settle(pilot)
            assert screen.session.order == "uncertainty"
            assert screen.session.current.id == expected[0]  # jumped to the least sure
            assert "least sure first 1/3" in str(screen.query_one("#status").render())
            await pilot.press("j")
            assert screen.session.current.id == expected[1]
            assert screen.transcript.current.id == expected[1]
            target = screen.session.current.id
            code = next(c for c in project.codes() if c.name == "Value for money")
            screen.tree.select_code(code.id)
            await pilot.press("enter")
            assert (target, code.path, ORIGIN_HUMAN) in codings_of(project)

            await pilot.press("o")  # back to document order: j/k follow the text again
            at = [e.id for e in screen.session.excerpts].index(target)
            key, step = ("k", -1) if at > 0 else ("j", 1)
            await pilot.press(key)
            assert screen.session.order == "document"
            assert screen.session.index == at + step
            await pilot.press("q")
        assert project.coder_state(CODER)["order"] == "document"


async def test_least_sure_first_waits_for_the_model_without_blocking(project_path):
    with Project.open(project_path) as project:
        app = make_app(project, CODER, load_model=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.coding
            await pilot.press("o")
            assert "waiting for the model" in str(screen.query_one("#status").render())
            await pilot.press("j")  # still moves, in document order
            assert screen.session.index == 1
            project.load_suggester()
            screen.set_model_ready(None)
            await settle(pilot)
            doc_id = screen.session.document.id
            assert screen.session.ranking[doc_id] == project.uncertainty_order(doc_id, CODER)
            assert screen.session.index == 1  # the coder had moved: the ranking did not move them


async def test_least_sure_first_is_in_help_and_palette(project):
    app = make_app(project, CODER, load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Least sure first / document order" in titles
        await pilot.press("question_mark")
        await pilot.pause()
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "Least sure first / document order" in text


async def test_reopening_in_least_sure_order_keeps_the_saved_excerpt(project_path):
    """The ranking that arrives when the model has loaded must not move a coder away from
    the excerpt they left off on (it used to jump to the least sure one)."""
    import asyncio

    with Project.open(project_path) as project:
        project.load_suggester()
        doc = project.documents()[0]
        target = project.uncertainty_order(doc.id, CODER)[1]  # not the ranking's first
        project.save_coder_state(CODER, document=doc.id, excerpt=target, order="uncertainty",
                                 screen="coding")
    with Project.open(project_path) as project:
        app = make_app(project, CODER, load_model=True)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            s = app.coding.session
            for _ in range(600):  # until the ranking has arrived (the model loads in a thread)
                if doc.id in s.ranking:
                    break
                await asyncio.sleep(0.05)
            await settle(pilot)
            assert doc.id in s.ranking and s.ranking[doc.id][0] != target
            assert s.current.id == target
        assert project.coder_state(CODER)["excerpt"] == target
