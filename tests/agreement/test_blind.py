"""Blind mode: a coder sees nothing derived from another coder's codings.

Suggestions come from the codebook's cold start and the coder's own codings only (never the
project's shared model, a shipped one, or a cache entry either made); the codebook's counts
and the Findings screen count the coder alone; the agreement screen shows nothing. Turning
it on is a logged event.
"""

from __future__ import annotations

import random

import pytest
from tui.conftest import SIZE, settle

from qualtally.core.models import Code, CodedRow, Document, ImportBundle, Turn
from qualtally.project import Project
from qualtally.project.suggestion_cache import blind_folder
from qualtally.tui.app import make_app
from qualtally.tui.widgets.codebook_tree import CodebookTree

PHRASES = {
    "Funding > Delays": ["the money arrived months late", "payments were delayed again"],
    "Funding > Amount": ["the budget was far too small", "the grant was not enough"],
    "Partnership": ["the partners cooperated well", "we worked closely with other agencies",
                    "joint planning with partners helped", "coordination with the ministry"],
}
NEW = ["We worked closely with other agencies and partners.", "Payments were delayed again."]
CODES = [Code("Funding"), Code("Delays", "Funding", keywords=("delay", "late")),
         Code("Amount", "Funding", keywords=("budget", "grant")), Code("Partnership")]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """ann coded 40 excerpts; ben nothing yet; two new answers nobody coded. The project's
    shared model (trained on ann's work) is loaded once."""
    rng = random.Random(3)
    rows = []
    for i in range(40):
        code = rng.choice(sorted(PHRASES))
        rows.append(CodedRow(f"R{i % 10}", f"{rng.choice(PHRASES[code])}, case {i}.", (code,),
                             "ann", f"d{i}.txt"))
    text, turns = "", []
    for i, line in enumerate(NEW):
        turns.append(Turn(len(text), len(text) + len(line), "Resp", f"N{i}"))
        text += line + "\n"
    path = tmp_path_factory.mktemp("blind") / "b.qtally"
    p = Project.new(path)
    p.store.import_bundle(ImportBundle("t", codes=CODES, coded=rows,
                                       documents=[Document("new.txt", text, tuple(turns))]), "t")
    p.load_suggester(coder="ann")  # not blind: the shared model, learned from ann's codings
    p.flush_suggestion_cache()
    p.close()
    return path


def new_id(project, i: int) -> int:
    return next(e.id for e in project.excerpts() if e.text == NEW[i])


def test_turning_blind_mode_on_is_a_logged_event(trained, tmp_path):
    from qualtally.cli import main

    copy = tmp_path / "b.qtally"
    copy.write_bytes(trained.read_bytes())
    assert main(["blind", str(copy), "on", "--actor", "meth"]) == 0
    with Project.open(copy) as p:
        assert p.blind()
        event = p.history(1)[0]
        assert (event["action"], event["actor"]) == ("setting.set", "meth")
        assert event["before"] == {"key": "blind", "value": None}
        assert event["after"] == {"key": "blind", "value": True}


def test_a_blind_coder_gets_no_suggestion_learned_from_another(trained, tmp_path):
    from qualtally.nlp.coldstart import profiles_from_codes
    from qualtally.nlp.suggester import Suggester

    path = tmp_path / "b.qtally"
    path.write_bytes(trained.read_bytes())
    (tmp_path / "b.qtally.models").mkdir()
    for f in (trained.parent / "b.qtally.models").iterdir():
        if f.is_file():
            (tmp_path / "b.qtally.models" / f.name).write_bytes(f.read_bytes())
    with Project.open(path) as p:
        partners = new_id(p, 0)
        p.load_suggester(coder="ben")
        shared = [s.code_path for s in p.suggestions(partners, "ben")]
        assert shared[0] == "Partnership"  # learned from ann: no keyword says so
        p.set_blind(True, "meth")
        # the shared model is loaded and its entry for this very text is in the cache:
        # neither reaches ben, not even marked "earlier model"
        assert p.suggestions(partners, "ben") == []
        p.load_suggester(coder="ben")  # ben has coded nothing: the codebook's cold start
        mine = p.suggestions(partners, "ben", limit=9)
        text = next(e.text for e in p.excerpts() if e.id == partners)
        ((cold, _),) = Suggester({}, profiles_from_codes(p.codes())).suggest_many([text], "",
                                                                                 limit=16)
        assert [s.code_path for s in mine] == [s.code_path for s in cold if s.score > 0][:9]
        assert "Partnership" not in [s.code_path for s in mine]
        assert (blind_folder(p.model_dir(), "ben") / "meta.json").is_file()
        # ann, blind too, learns from her own codings: Partnership comes back for her
        p.load_suggester(coder="ann")
        assert p.suggestions(partners, "ann")[0].code_path == "Partnership"


async def test_the_screens_show_a_blind_coder_only_their_own_work(trained, tmp_path):
    path = tmp_path / "b.qtally"
    path.write_bytes(trained.read_bytes())
    p = Project.open(path)
    p.set_blind(True, "meth")
    p.apply_code(new_id(p, 1), p.code_by_path("Funding > Delays").id, "ben")
    app = make_app(p, "ben", load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        note = str(app.coding.query_one("#suggest-note").render())
        assert "Blind mode" in note and "your own codings only" in note
        counts = app.coding.query_one(CodebookTree).counts
        assert counts == {c.code_id: c.respondents for c in p.tally(coder="ben").codes}
        assert counts != {c.code_id: c.respondents for c in p.tally().codes}
        await pilot.press("f")
        await settle(pilot)
        assert app.screen.coders == ["ben"] and app.screen.tally.coder == "ben"
        await pilot.press("g")
        await settle(pilot)
        assert app.screen.report is None
        assert "Blind mode is on" in str(app.screen.query_one("#agreement-status").render())
    p.close()


def test_the_shipped_demo_models_suggestions_stay_hidden(tmp_path, monkeypatch):
    """The demo ships a model trained on coder-a, and seeds the cache with its suggestions."""
    from qualtally.demo import ensure_demo_project

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with Project.open(ensure_demo_project()) as p:
        eid = p.excerpts()[5].id
        assert p.suggestions(eid, "coder-b")  # seeded, before any model loads
        p.set_blind(True, "meth")
        assert p.suggestions(eid, "coder-b") == []
        assert p.suggestion_cache.model_folders("coder-b") == [
            blind_folder(p.model_dir(), "coder-b")]
