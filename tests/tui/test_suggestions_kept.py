"""Suggestions kept per excerpt and prefetched: never stale, never another excerpt's.

The coding screen shows the next excerpt's suggestions from what it fetched ahead; these
tests check that what it shows always equals what the façade answers for that excerpt
now, after moves, a coding, a rejection and a retrained model.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from qualtally.project import Project
from qualtally.tui.app import make_app

from .conftest import CODER, SIZE, settle


@asynccontextmanager
async def coding_on(project_path):
    """The coding screen on the test project, its model loaded in this thread."""
    with Project.open(project_path) as project:
        project.load_suggester()
        app = make_app(project, CODER, load_model=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            yield project, pilot, app.coding


def paths(suggestions) -> list[str]:
    return [s.code_path for s in suggestions]


async def shown_is_fresh(pilot, project) -> list[str]:
    await settle(pilot)
    screen = pilot.app.coding
    now = project.suggestions(screen.session.current.id, CODER, limit=9)
    assert paths(screen.panel.suggestions) == paths(now)
    return paths(now)


async def test_prefetched_suggestions_match_the_facade_after_moves_and_codings(project_path):
    async with coding_on(project_path) as (project, pilot, screen):
        screen.set_model_ready(None)
        first = await shown_is_fresh(pilot, project)
        assert first  # the demo's first answer has suggestions
        second_id = screen.session.excerpts[1].id
        assert second_id in screen.kept_suggestions  # fetched ahead
        await pilot.press("j")
        # shown in the move's own frame, from what was fetched ahead
        assert paths(screen.panel.suggestions) == paths(screen.kept_suggestions[second_id])
        await shown_is_fresh(pilot, project)
        await pilot.press("k")
        await pilot.press("1")  # apply the first suggestion: it must leave the list
        after = await shown_is_fresh(pilot, project)
        assert first[0] not in after
        await pilot.press("x")  # reject the highlighted one: it leaves too
        if after:
            assert after[0] not in await shown_is_fresh(pilot, project)
        assert len(screen.kept_suggestions) >= 2
        screen.model_retrained()  # a new model: everything kept is dropped at once
        assert screen.kept_suggestions == {}
        await shown_is_fresh(pilot, project)


async def test_a_miss_empties_the_panel_at_once(project_path):
    async with coding_on(project_path) as (project, pilot, screen):
        screen.set_model_ready(None)
        await settle(pilot)
        screen.forget_suggestions()  # nothing kept: the next move has to ask
        screen.action_move(1)
        # until the answer comes, there is nothing that 1-9 could apply to this excerpt
        assert screen.panel.suggestions == []
        await shown_is_fresh(pilot, project)


async def test_the_next_documents_first_excerpt_is_fetched_ahead(project_path):
    """At a document's last excerpt the neighbour is the next document's first one."""
    async with coding_on(project_path) as (project, pilot, screen):
        screen.set_model_ready(None)
        s = screen.session
        for _ in range(len(s.excerpts) - 1):
            await pilot.press("j")
        await settle(pilot)
        assert s.index == len(s.excerpts) - 1
        following = project.excerpts(s.rows[s.doc_pos + 1].document_id)[0]
        assert following.id in screen.kept_suggestions
        await pilot.press("j")
        assert s.current.id == following.id
        assert paths(screen.panel.suggestions) == paths(screen.kept_suggestions[following.id])
        await shown_is_fresh(pilot, project)


def test_suggestion_row_shows_the_code_name_before_its_parents():
    from qualtally.core.models import Suggestion
    from qualtally.tui.widgets.suggestions import suggestion_lines

    s = Suggestion("Performance > Mandate expansion concerns > Project alignment", 0.42, True)
    first = suggestion_lines(3, s).plain.splitlines()[0]
    assert first == "3 0.42 Project alignment  in Performance > Mandate expansion concerns"
    assert (
        suggestion_lines(1, Suggestion("Relevance", 0.5, False)).plain.splitlines()[0]
        == "1 0.50 Relevance"
    )


async def test_suggestions_asked_again_when_the_loader_has_the_screen_s_excerpts(project_path):
    async with coding_on(project_path) as (project, pilot, screen):
        current = screen.session.current.id
        screen.kept_suggestions[current] = []  # what was kept before the model was in
        screen.set_model_progress("suggestions", 1, 3)  # not yet: kept stays
        assert screen.kept_suggestions.get(current) == []
        screen.set_model_progress("suggestions", 3, 3)  # the on-screen excerpt is cached now
        assert current not in screen.kept_suggestions or screen.kept_suggestions[current] != []
        assert await shown_is_fresh(pilot, project)


async def test_an_earlier_models_suggestions_show_marked_until_the_loader_answers(project_path):
    """A retraining whose refresh was cut short leaves the cache with the earlier model's
    entries: the next open shows them at once, each row saying "earlier model", and the
    loader's answer replaces them with the current model's (unmarked)."""
    with Project.open(project_path) as project:
        project.load_suggester()
        project.flush_suggestion_cache()
        codes = [c for c in project.codes() if c.parent_path]
        for e, c in zip(project.excerpts(), codes * 3):
            project.apply_code(e.id, c.id, "someone")
        project.retrain_suggester("someone", refresh=False)  # quit before the refresh
    with Project.open(project_path) as project:
        app = make_app(project, CODER, load_model=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.coding
            shown = screen.panel.suggestions
            assert shown and all(s.earlier for s in shown)
            reasons = [line.plain for line in screen.panel.list._text_lines()][1::2]
            assert len(reasons) == len(shown) and all(
                r.strip().startswith("earlier model") for r in reasons
            )
            assert "earlier" in app.export_screenshot()  # drawn in the terminal too
            project.load_suggester()  # the loader, here in this thread
            screen.set_model_progress("suggestions", 3, 3)
            await settle(pilot)
            now = screen.panel.suggestions
            assert now and not any(s.earlier for s in now)
            assert not any(
                "earlier model" in line.plain for line in screen.panel.list._text_lines()
            )
            assert "earlier" not in app.export_screenshot()
            await shown_is_fresh(pilot, project)


async def test_a_key_just_after_the_list_was_reordered_means_the_row_that_was_read(project_path):
    """When a model comes in, this excerpt's list is replaced and may be reordered. A digit
    (or x) pressed within the panel's grace means the row the coder was reading; after it,
    the rows now drawn."""
    from dataclasses import replace

    from qualtally.core.models import ORIGIN_SUGGESTION

    from .conftest import codings_of

    async with coding_on(project_path) as (project, pilot, screen):
        e = screen.session.current
        shown = list(screen.panel.suggestions)
        assert len(shown) >= 2
        reordered = [replace(s, score=s.score / 2) for s in reversed(shown)]
        screen.panel.SWAP_GRACE = 60.0  # a slow test machine must not end the grace before the key
        screen.panel.set_suggestions(reordered, e.id)  # what the loader's answer does
        assert [s.code_path for s in screen.panel.suggestions] != [s.code_path for s in shown]
        await pilot.press("1")
        await settle(pilot)
        applied = [(path, origin) for eid, path, origin in codings_of(project) if eid == e.id]
        # the row read, not reordered[0]
        assert applied == [(shown[0].code_path, ORIGIN_SUGGESTION)]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert [path for eid, path, _ in codings_of(project) if eid == e.id] == []
        shown = list(screen.panel.suggestions)
        screen.panel.SWAP_GRACE = 0.0  # the grace is over: keys mean the rows drawn now
        screen.panel.set_suggestions(list(reversed(shown)), e.id)
        await pilot.press("1")
        await settle(pilot)
        assert [path for eid, path, _ in codings_of(project) if eid == e.id] == [
            shown[-1].code_path
        ]
