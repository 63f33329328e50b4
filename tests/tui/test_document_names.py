"""Document names that can be told apart in a narrow documents panel (issue 19): the folder
goes first, then the middle of the file name, so two interviews that differ at the end of a
long name do not both show as ``interviews/R01-…``."""

from __future__ import annotations

from qualtally.project import Project
from qualtally.tui.app import make_app
from qualtally.tui.widgets.document_list import DocumentList, short_name

from .conftest import settle

NAMES = ("interviews/R01-ottawa-cic-multilateral-a.txt",
         "interviews/R01-ottawa-cic-multilateral-b.txt")


def test_short_names_keep_the_end():
    assert short_name("short.txt", 12) == "short.txt"
    assert short_name("interviews/R01.txt", 12) == "…/R01.txt"
    a, b = (short_name(n, 16) for n in NAMES)
    assert (a, b) == ("R01-o…ilateral-a", "R01-o…ilateral-b")
    assert (short_name(NAMES[0], 7), short_name(NAMES[1], 7)) == ("R0…al-a", "R0…al-b")
    assert all(len(short_name(n, w)) <= w for n in NAMES for w in range(1, 50))


async def test_two_long_names_differ_on_screen(tmp_path):
    for name in NAMES:
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Interviewer: Your role?\nClaire Bouchard: Director.\n", encoding="utf-8")
    with Project.new(tmp_path / "p.qtally") as project:
        project.import_paths([tmp_path / "in"], actor="t")
        app = make_app(project, "ana", load_model=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            panel = app.screen.query_one(DocumentList)
            lines = ["".join(s.text for s in panel.render_line(y))
                     for y in range(panel.size.height)]
            docs = [line for line in lines if "0/1" in line]
            assert len(docs) == 2
            names = [d.lstrip("▸ ").split()[0] for d in docs]
            assert names[0] != names[1]
            assert {n[-1] for n in names} == {"a", "b"}  # the ends, where the names differ
