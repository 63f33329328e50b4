"""The agreement screen and its disagreements, driven with keys and checked on the store;
the Findings screen offering the consensus coder; SVG snapshots at 160x48 (no model is
loaded, so no floats from a suggester)."""

from __future__ import annotations

import pytest
from tui.conftest import SIZE, settle

from qualtally.core.agreement import CONSENSUS
from qualtally.project import Project
from qualtally.tui.app import make_app
from qualtally.tui.screens.agreement import AgreementScreen
from qualtally.tui.screens.disagreements import DisagreementsScreen

from .conftest import pair_project

ACTOR = "meth"


@pytest.fixture
def project(tmp_path):
    p = Project.open(pair_project(tmp_path / "pair.qtally"))
    yield p
    p.close()


def consensus_of(project, text: str) -> list[str]:
    e = next(x for x in project.excerpts() if x.text == text)
    paths = {c.id: c.path for c in project.codes()}
    return sorted(paths[c] for c, _, _ in project.codings([e.id], CONSENSUS).get(e.id, []))


async def open_agreement(pilot) -> AgreementScreen:
    await settle(pilot)
    await pilot.press("g")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AgreementScreen) and screen.report is not None
    return screen


async def test_resolving_disagreements_writes_the_consensus_and_undoes(project):
    app = make_app(project, ACTOR, load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(pilot)
        assert [c.path for c in screen.rows] == [c.path for c in project.codes()]
        await pilot.press("s")  # sorted by alpha, lowest first, the cursor on it
        assert screen.rows[0].path == "Other"
        await pilot.press("enter")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, DisagreementsScreen) and len(listing.items) == 2
        await pilot.press("minus")  # neither, on "Managed migration..."
        await settle(pilot)
        assert consensus_of(project, "Managed migration is our model, so we stay.") == [
            "Need > Managed"]
        detail = str(listing.query_one("#disagree-text").render())
        assert "Fees are fine [laughs]." in detail  # moved on; brackets are text, not markup
        await pilot.press("b")
        await settle(pilot)
        assert consensus_of(project, "Fees are fine [laughs].") == ["Other"]
        assert [s.decision for s in listing.items] == ["neither", "b"]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert consensus_of(project, "Fees are fine [laughs].") == []
        assert [s.decision for s in listing.items] == ["neither", None]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)


async def test_the_findings_screen_offers_the_consensus(project):
    for d in project.disagreements("Concerns", "a", "b"):
        k = d.disagreement
        project.resolve("a", "b", k.kind, k.key, k.code_id, "a", ACTOR)
    app = make_app(project, ACTOR, load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        findings = app.screen
        assert CONSENSUS in findings.coders
        while findings.coder != CONSENSUS:
            await pilot.press("k")
            await settle(pilot)
        assert findings.tally.coder == CONSENSUS
        assert findings.tally.finding("F2").respondents == 2
        assert "coder consensus" in str(findings.query_one("#findings-status").render())


def ready(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.fixture
def app(project):
    return make_app(project, ACTOR, load_model=False)


def test_agreement_screen_snapshot(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=ready("g"))


def test_disagreements_snapshot(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=ready("g", "s", "enter", "down"))


async def test_three_coders_alpha_over_all_and_a_pair_to_reconcile(tmp_path):
    from .conftest import PAIR_CODES, PAIR_DOCS, PAIR_FINDINGS, PAIR_ROWS, build

    third = [(doc, r, text, codes, "c") for doc, r, text, codes, coder in PAIR_ROWS if coder == "a"]
    path = build(tmp_path / "three.qtally", PAIR_DOCS, PAIR_CODES, PAIR_ROWS + third,
                 findings=PAIR_FINDINGS)
    project = Project.open(path)
    app = make_app(project, ACTOR, load_model=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(pilot)
        assert screen.report.coders == ("a", "b", "c")
        assert all(c.kappa is None for c in screen.report.codes)  # kappa is for two coders
        await pilot.press("enter")  # three coders: reconciling asks for a pair first
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("p")
        await settle(pilot)
        assert screen.report.coders == ("a", "b")
        assert screen.report.code("Concerns").kappa is not None
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DisagreementsScreen)
    project.close()
