"""Searching the transcripts (ctrl+f, ] and [) and going to a document or excerpt by name (G),
driven through Pilot with real rendering (issue 19)."""

from __future__ import annotations

from qualtally.core.search import search
from qualtally.tui.app import make_app
from qualtally.tui.modals.help import HelpScreen
from qualtally.tui.widgets.transcript import TranscriptView

from .conftest import SIZE, settle


def test_search_ignores_case_and_line_breaks_and_takes_brackets_literally(project):
    docs = [project.document(d.id) for d in project.documents()]
    hits = search(docs, project.excerpts(), "MEDICAL   exams [inaudible]")
    assert [(h.document, docs[0].text[h.start:h.end]) for h in hits] == [
        ("interview-R01.txt", "medical exams [inaudible]")]
    assert search(docs, project.excerpts(), "[a-z]+") == []  # not a pattern
    assert hits == project.search("medical exams [inaudible]")


async def test_ctrl_f_then_next_and_previous_match(project):
    word = "we"
    expected = [h for h in project.search(word)]
    assert len({h.document for h in expected}) > 1  # matches in more than one document
    app = make_app(project, "ana", load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *word, "enter")
        await settle(pilot)
        s = app.coding.session
        seen = [(s.document.name, s.current.id)]
        for _ in range(len(expected) - 1):
            await pilot.press("right_square_bracket")
            await settle(pilot)
            seen.append((s.document.name, s.current.id))
        order = [(h.document, h.excerpt_id) for h in expected]
        assert seen == order
        await pilot.press("right_square_bracket")  # wraps round to the first
        await settle(pilot)
        assert (s.document.name, s.current.id) == seen[0]
        await pilot.press("left_square_bracket")  # and back to the last
        await settle(pilot)
        assert (s.document.name, s.current.id) == seen[-1]
        # the excerpt shown is the current one in the rendered transcript
        view = app.screen.query_one(TranscriptView)
        rendered = "\n".join("".join(seg.text for seg in view.render_line(y))
                             for y in range(view.size.height))
        assert word in rendered.lower()


async def test_go_to_a_document_or_an_excerpt_by_name(project):
    app = make_app(project, "ana", load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("G", *"R03 document", "enter")
        await settle(pilot)
        s = app.coding.session
        assert s.document.name == "interview-R03.txt" and s.index == 0
        await pilot.press("G", *"R02.txt #2", "enter")
        await settle(pilot)
        assert (s.document.name, s.index) == ("interview-R02.txt", 1)


async def test_help_lists_search_and_goto(project):
    """The coding screen's key bar is full at 160 columns (it ends at "o Least sure first"), so
    the new keys are listed where every key is: the help screen (and the command palette)."""
    app = make_app(project, "ana", load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Search transcripts", "Next match", "Go to document or excerpt"} <= titles
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(" ".join(str(w.render()).split()) for w in app.screen.query("Static"))
        for what in ("^f Search transcripts", "] Next match", "[ Previous match",
                     "G Go to document or excerpt"):
            assert what in text, what
