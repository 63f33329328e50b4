"""The document panel's progress, counted by the store, agrees with counting every excerpt.

``Project.document_progress`` (``storage/progress.py``) and the first frame's peek
(``storage/peek.py``) count per document, without reading any text, what the coding screen
used to count by reading every excerpt of the project with its text and every coding of
the coder: top-level excerpts, those the coder coded or marked "nothing applies" (itself
or through a narrowed span, at any depth), and the respondents in order of first
appearance. ``full_count`` below is that old computation, kept here as the reference; a
project with spans narrowed twice, nothing-marks on turns and on spans, another coder's
work, a focus group and an empty document is counted both ways, on a file and on a server.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from qt_pg import fresh_database

from qualtally.core.models import Code, Document, ImportBundle, Respondent, Turn
from qualtally.project import Project
from qualtally.storage.peek import Peek
from qualtally.tui.session import CodingSession, DocRow

CODER = "ana"

SPEECH = {
    # document -> turns (speaker, respondent key or None); R02 speaks before R01 in the
    # focus group, so order of appearance is not the order of the keys
    "b-focus-group.txt": [("Moderator", None), ("R02", "R02"), ("R01", "R01"),
                          ("R02", "R02"), ("R03", "R03"), ("Moderator", None)],
    "a-interview-R01.txt": [("Interviewer", None), ("R01", "R01"), ("Interviewer", None),
                            ("R01", "R01")],
    "c-notes.txt": [("Interviewer", None), ("Interviewer", None)],
    "d-interview-R03.txt": [("R03", "R03"), ("Interviewer", None), ("R03", "R03")],
}


def _document(name: str, turns) -> Document:
    text, out = "", []
    for i, (speaker, key) in enumerate(turns):
        text += f"{speaker}: "
        start = len(text)
        text += f"turn {i} of {name}, where {speaker} says something about the fees at length"
        out.append(Turn(start, len(text), speaker, key))
        text += "\n\n"
    return Document(name, text, tuple(out))


def build(where) -> None:
    project = Project.new(where)
    bundle = ImportBundle(
        source="tests",
        respondents=[Respondent(k) for k in ("R01", "R02", "R03")],
        codes=[Code("Cost", keywords=("fees",)), Code("Other")],
        documents=[_document(n, t) for n, t in SPEECH.items()]
        + [Document("e-empty.txt", "", ())],
    )
    project.store.import_bundle(bundle, "tests")
    project.close()


def work(project: Project) -> None:
    """Codings, spans and marks by ``CODER`` and by ``bo`` (one excerpt per respondent turn)."""
    by_doc: dict[int, list] = defaultdict(list)
    for e in project.excerpts():
        by_doc[e.document_id].append(e)
    docs = {d.name: by_doc[d.id] for d in project.documents()}
    cost, other = (c.id for c in project.codes())
    group, interview = docs["b-focus-group.txt"], docs["a-interview-R01.txt"]
    r03 = docs["d-interview-R03.txt"]
    assert (len(group), len(interview), len(r03)) == (4, 2, 2)
    # a turn coded directly, and again in a span inside it: it counts once
    project.apply_code(group[0].id, cost, CODER)
    span = project.narrow(group[0].id, group[0].start + 2, group[0].start + 20, CODER)
    project.apply_code(span, other, CODER)
    # a span narrowed inside a span, coded alone: its turn counts
    outer = project.narrow(group[2].id, group[2].start + 1, group[2].end - 1, CODER)
    inner = project.narrow(outer, group[2].start + 5, group[2].start + 15, CODER)
    project.apply_code(inner, cost, CODER)
    # nothing applies, to a turn and to a span in another turn
    project.mark_nothing(interview[0].id, CODER)
    narrowed = project.narrow(interview[1].id, interview[1].start + 3,
                              interview[1].start + 9, CODER)
    project.mark_nothing(narrowed, CODER)
    # another coder's work is not ours; a span nobody coded counts nothing
    project.apply_code(r03[0].id, cost, "bo")
    project.mark_nothing(r03[1].id, "bo")
    project.narrow(r03[0].id, r03[0].start + 1, r03[0].start + 4, "bo")


def full_count(project, coder: str) -> list[DocRow]:
    """The old ``CodingSession.reload_progress``: every excerpt with its text, every coding
    of the coder and every mark, counted in Python (rows in the panel's order)."""
    names = {d.id: d.name for d in project.documents()}
    excerpts = project.excerpts()
    by_doc: dict[int, list] = defaultdict(list)
    for e in excerpts:
        by_doc[e.document_id].append(e)
    top: dict[int, int] = {}
    for e in excerpts:
        top[e.id] = e.id if e.parent_id is None else top.get(e.parent_id, e.parent_id)
    ids = [e.id for e in excerpts]
    codings = project.codings(ids, coder)
    marked = project.nothing_marks(ids, coder)
    coded_top: dict[int, set[int]] = defaultdict(set)
    doc_of = {e.id: e.document_id for e in excerpts}
    for excerpt_id in [*codings, *marked]:
        coded_top[doc_of[excerpt_id]].add(top[excerpt_id])
    rows = []
    for doc_id, name in names.items():
        items = by_doc.get(doc_id, [])
        resp = tuple(dict.fromkeys(e.respondent_key for e in items if e.respondent_key))
        total = sum(1 for e in items if e.parent_id is None)
        rows.append(DocRow(doc_id, name, resp, len(coded_top[doc_id]), total))
    rows.sort(key=lambda r: (not r.respondents, r.respondents[:1], r.name))
    return rows


def counted(reader, coder: str) -> list[DocRow]:
    session = CodingSession(reader, coder)
    session.reload_progress()
    return session.rows


def check(project) -> None:
    for coder in (CODER, "bo", "nobody"):
        expected = full_count(project, coder)
        assert counted(project, coder) == expected, coder
        by_name = {r.name: r for r in counted(project, coder)}
        assert [r.name for r in expected][-1] == "e-empty.txt"  # no respondents: last
        assert by_name["e-empty.txt"].total == 0
    rows = {r.name: r for r in counted(project, CODER)}
    # the figures the reference gives, stated, so that both cannot be wrong alike
    assert rows["b-focus-group.txt"].respondents == ("R02", "R01", "R03")
    assert [(r.name, r.coded, r.total) for r in rows.values()] == [
        ("a-interview-R01.txt", 2, 2), ("b-focus-group.txt", 2, 4),
        ("d-interview-R03.txt", 0, 2), ("c-notes.txt", 0, 0), ("e-empty.txt", 0, 0)]
    assert {r.name: (r.coded, r.total) for r in counted(project, "bo")}[
        "d-interview-R03.txt"] == (2, 2)


def test_progress_agrees_with_counting_every_excerpt_on_a_file(tmp_path):
    path = tmp_path / "progress.qtally"
    build(path)
    with Project.open(path) as project:
        work(project)
        check(project)
        peek = Peek.open(path)
        assert peek is not None
        try:
            for coder in (CODER, "bo", "nobody"):
                assert peek.document_progress(coder) == project.document_progress(coder)
            check(peek)
        finally:
            peek.close()


def test_the_session_keeps_counting_as_the_coder_works(tmp_path):
    """Coding, marking and narrowing in the open document move its row as a recount would."""
    path = tmp_path / "progress.qtally"
    build(path)
    with Project.open(path) as project:
        work(project)
        session = CodingSession(project, CODER)
        session.load()
        first = session.rows[session.doc_pos]
        assert first.name == "a-interview-R01.txt"
        assert [e.parent_id is not None for e in session.excerpts] == [False, False, True]
        session.index = 0  # the marked turn: unmarked, it is not coded
        assert not session.mark_nothing()
        assert session.rows == full_count(project, CODER)
        assert first.coded == 1
        session.index = 2  # the marked span: unmarked, its turn is not coded either
        assert not session.mark_nothing()
        assert session.rows == full_count(project, CODER)
        assert first.coded == 0
        session.index = 1
        session.toggle(project.codes()[0].id)
        assert session.rows == full_count(project, CODER)
        assert first.coded == 1
        assert session.move_document(1)
        assert session.rows == full_count(project, CODER)


@pytest.mark.slow
def test_progress_agrees_with_counting_every_excerpt_on_postgresql():
    with fresh_database() as url:
        build(url)
        with Project.open(url) as project:
            work(project)
            check(project)
