"""The speaker review screen, driven under Pilot with real rendering: every unmatched label
is listed with its closest respondents; mapping, interviewer and new-respondent decisions
become the import's decisions, and the import then counts the listed respondents only."""

from __future__ import annotations

import html
import re

from corrections.speaker_files import project_files, write

from qualtally.cli.review import review_app
from qualtally.project import Project

SIZE = (150, 30)


def _screen_text(app) -> str:
    """What the terminal shows: the screenshot's SVG text runs, tags and styles dropped."""
    svg = app.export_screenshot()
    svg = svg[svg.index("<g class"):]  # the drawn lines, after the styles and clip paths
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def test_review_lists_every_label_and_its_decisions_import_right(tmp_path):
    files = project_files(tmp_path / "in")
    with Project.new(tmp_path / "p.qtally") as project:
        labels, names = project.speaker_review(list(files.values()))
        assert {x.label for x in labels} == {"Sarah Lee", "Ana Jones", "Anna", "Ms. Jones"}
        app = review_app(labels, names)
        order = [x.label for x in labels]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            text = _screen_text(app)
            for label in order:
                assert label in text
            assert "1. P01 (Anna Jones)" in text and "4 speaker labels match" in text
            await pilot.press("enter")  # undecided rows: refused, the screen stays
            await pilot.pause()
            assert app.return_value is None and app.is_running
            for label in order:
                await pilot.press("i" if label == "Sarah Lee" else "1")
            await pilot.pause()
            text = _screen_text(app)
            assert "→ P01 (Anna Jones)" in text and "interviewer" in text
            assert "undecided" not in text.split("Closest listed")[1].split("all decided")[0]
            await pilot.press("enter")
            await pilot.pause()
        decisions = app.return_value
        assert decisions is not None and not decisions.create
        project.import_paths(list(files.values()), actor="t", decisions=decisions)
        assert sorted(r.key for r in project.respondents()) == ["P01", "P02", "P03"]
        assert project.tally().respondents_total == 3


async def test_typed_key_new_respondent_and_literal_brackets(tmp_path):
    people = write(tmp_path / "people.csv", "respondent,name\nP01,Anna Jones\nP02,Ben Smith\n")
    talk = write(tmp_path / "x [draft].txt", "Interviewer: Hi?\nKofi: Hello [inaudible].\n"
                 "Interviewer: And?\nB. Smith: Yes.\n")
    with Project.new(tmp_path / "p.qtally") as project:
        labels, names = project.speaker_review([people, talk])
        app = review_app(labels, names)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for label in [x.label for x in labels]:
                if label == "B. Smith":
                    await pilot.press("m", *"P02", "enter")
                else:
                    await pilot.press("n")
            await pilot.pause()
            text = _screen_text(app)
            assert "→ P02 (Ben Smith)" in text and "new respondent" in text
            assert "x [draft].txt" in text  # a name with brackets is shown literally
            await pilot.press("enter")
            await pilot.pause()
        decisions = app.return_value
        assert decisions.create and decisions.mapping == {"x [draft].txt:B. Smith": "P02"}
        counts = project.import_paths([people, talk], actor="t", decisions=decisions)
        assert [x.proposed for x in counts["speakers"]] == ["Kofi"]


async def test_escape_leaves_without_decisions(tmp_path):
    files = project_files(tmp_path / "in")
    with Project.new(tmp_path / "p.qtally") as project:
        labels, names = project.speaker_review(list(files.values()))
        app = review_app(labels, names)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
        assert app.return_value is None
        assert project.info()["documents"] == 0
