"""Span coding with ``s`` (mouse selection and the keyboard fallback), and literal text."""

from __future__ import annotations

from textual.geometry import Offset
from textual.selection import Selection

from qualtally.core.models import ORIGIN_HUMAN
from qualtally.tui.app import make_app
from qualtally.tui.modals.narrow import NarrowModal, find_span, sentences
from qualtally.tui.widgets.transcript import GUTTER, TranscriptView

from .conftest import CODER, SIZE, codings_of, settle


def select(view: TranscriptView, words: str) -> None:
    """Select ``words`` in the view as a mouse drag would (they must sit on one row)."""
    for y, row in enumerate(view._rows):
        at = row.text.find(words)
        if at >= 0:
            start = Offset(GUTTER + at, y)
            end = Offset(GUTTER + at + len(words), y)
            view.screen.selections = {view: Selection(start, end)}
            return
    raise AssertionError(f"{words!r} is not on one row")


async def test_narrow_to_the_mouse_selection_then_code_it(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.query_one(TranscriptView)
        parent = app.coding.session.current
        select(view, "We rely on IOM")
        assert app.screen.get_selected_text() == "We rely on IOM"
        await pilot.press("s")
        await settle(pilot)
        span = app.coding.session.current
        assert span.parent_id == parent.id
        assert span.text == "We rely on IOM"
        doc = project.document(span.document_id)
        assert doc.text[span.start:span.end] == "We rely on IOM"
        await pilot.press("enter")
        assert codings_of(project) == [(span.id, "Relevance", ORIGIN_HUMAN)]
        # undo the coding, then the narrowing itself
        await pilot.press("ctrl+z", "ctrl+z")
        assert all(e.parent_id is None for e in project.excerpts())


async def test_narrow_by_typing_the_exact_words(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, NarrowModal)
        # the dialog says "type the exact words and press Enter": the words box has the focus
        assert str(app.screen.query_one("Label").render()).startswith(
            "Type the exact words and press Enter")
        assert app.screen.focused is app.screen.query_one("#narrow-text")
        await pilot.press(*"medical exams [inaudible]", "enter")
        await settle(pilot)
        span = app.coding.session.current
        assert span.text == "medical exams [inaudible]"
        assert span.parent_id is not None


async def test_narrow_by_picking_a_sentence(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", "down", "down", "down", "enter")  # into the list, 3rd sentence
        await settle(pilot)
        assert app.coding.session.current.text == "Without that we could not meet our targets."


def test_sentences_and_typed_spans_are_document_offsets(project):
    e = project.excerpts()[0]
    doc = project.document(e.document_id)
    for a, b in sentences(e):
        assert doc.text[a:b].strip() == doc.text[a:b]
    a, b = find_span(e, "MEDICAL   exams")
    assert doc.text[a:b] == "medical exams"
    assert find_span(e, "not there") is None


async def test_bracketed_notes_are_shown_literally(project):
    app = make_app(project, CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.query_one(TranscriptView)
        lines = ["".join(s.text for s in view.render_line(y)) for y in range(view.size.height)]
        joined = "\n".join(lines)
        for note in ("[CIC]", "[inaudible]", "[laughs]", "[crosstalk]"):
            assert note in joined, note
        # the memo and the narrow modal show brackets literally too
        await pilot.press("s")
        modal_text = " ".join(
            str(o.prompt) for o in app.screen.query_one("#narrow-sentences").options
        )
        assert "[inaudible]" in modal_text
