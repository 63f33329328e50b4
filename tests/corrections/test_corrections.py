"""Undoing an import, removing documents/respondents/codes, merging respondents and
reassigning turns: each logged, the tally cache exact after each (against a full recount)."""

from __future__ import annotations

import sqlalchemy as sa
from speaker_files import RESPONDENTS, cli, project_files, write

from qualtally.core.speakers import SpeakerDecisions
from qualtally.project import Project
from qualtally.storage import tables as t
from qualtally.storage import tally_cache as tcache

DECIDED = SpeakerDecisions.parse(["Ana Jones=P01", "Anna=P01", "Ms. Jones=P01"],
                                 ["Sarah Lee"], False)


def _plain(tally) -> dict:
    return {"total": tally.respondents_total,
            "codes": [(c.path, c.respondents, c.excerpts, c.by, frozenset(c.supporters))
                      for c in tally.codes],
            "findings": [(f.key, f.respondents, f.denominator, f.label, f.verdict,
                          frozenset(f.supporters)) for f in tally.findings]}


def assert_exact(project: Project) -> None:
    """Every cached tally equals the exact query, and the cache holds what a rebuild writes."""
    for coder in (None, "alice", "bob"):
        for by in (None, *(["region"] if "region" in project.attribute_names() else [])):
            assert _plain(project.tally(by=by, coder=coder)) == _plain(
                project.tally(by=by, coder=coder, exact=True)), (coder, by)
    with project.engine.connect() as conn, conn.begin() as trans:
        if tcache.is_valid(conn):
            rows = lambda: {(r.any_coder, r.coder, r.respondent_id):  # noqa: E731
                            tcache._unpack(r.nodes, r.excerpts)
                            for r in conn.execute(sa.select(t.tally_cache))}
            kept = rows()
            tcache.rebuild(conn)
            assert kept == rows()
        trans.rollback()


def _setup(tmp_path):
    files = project_files(tmp_path / "in")
    project = Project.new(tmp_path / "p.qtally")
    project.import_paths([files["respondents"], files["codebook"], files["findings"]], actor="t")
    transcripts = [files[k] for k in ("anna", "int03", "otter", "docx", "vtt")]
    project.import_paths(transcripts, actor="t", decisions=DECIDED)
    codes = {c.path: c.id for c in project.codes()}
    for i, e in enumerate(project.excerpts()):
        project.apply_code(e.id, codes["Barriers > Transport" if i % 2 else "Barriers > Cost"],
                           "alice")
        if i % 3 == 0:
            project.apply_code(e.id, codes["Mental health"], "bob")
    return project, files


def _events(project, action):
    with project.engine.connect() as conn:
        return conn.execute(sa.select(t.events).where(t.events.c.action == action)).all()


def test_undo_import_removes_exactly_that_import(tmp_path):
    project, files = _setup(tmp_path)
    with project:
        before_backups = len(Project.backups(project.path))
        assert [i["number"] for i in project.imports()] == [1, 2]
        assert project.tally().respondents_total == 3
        plan = project.undo_import_plan()
        assert plan["number"] == 2 and len(plan["documents"]) == 5
        assert plan["later_codings"] == {"alice": 8, "bob": 3}
        done = project.undo_import(None, "t")
        assert done["documents"] == sorted(plan["documents"])
        assert project.info()["documents"] == 0 and project.info()["codings"] == 0
        assert sorted(r.key for r in project.respondents()) == ["P01", "P02", "P03"]
        assert len(project.codes()) == 4 and len(project.findings()) == 2
        assert len(_events(project, "import.undo")) == 1
        assert len(Project.backups(project.path)) == before_backups + 1
        assert_exact(project)
        project.undo_import(1, "t")
        assert project.info()["respondents"] == 0 and project.codes() == []
        assert project.findings() == [] and project.scale() is None
        assert [i["undone"] for i in project.imports()] == [True, True]
        assert_exact(project)


def test_undo_import_puts_back_what_it_updated(tmp_path):
    project, files = _setup(tmp_path)
    with project:
        changed = write(tmp_path / "again" / "respondents.csv",
                        RESPONDENTS.replace("P02,Ben Smith,south", "P02,Ben Smith,east"))
        counts = project.import_paths([changed], actor="t")
        assert counts["updated"] == 1
        regions = lambda: {r.key: r.attributes["region"] for r in project.respondents()}  # noqa
        assert regions()["P02"] == "east"
        assert_exact(project)
        project.undo_import(None, "t")
        assert regions()["P02"] == "south"
        assert project.info()["codings"] == 11
        assert_exact(project)


def test_import_into_existing_documents_is_undone_too(tmp_path):
    project, files = _setup(tmp_path)
    with project:
        coded = write(tmp_path / "coded.csv", "document,respondent,text,codes,coder\n"
                      "int03-tran.txt,P03,Distance was the main barrier.,Barriers > New,carol\n")
        counts = project.import_paths([coded], actor="t")
        assert counts["codings"] == 1 and counts["codes"] == 1
        project.undo_import(None, "t")
        assert "Barriers > New" not in {c.path for c in project.codes()}
        assert "carol" not in project.coders()
        assert project.info()["documents"] == 5
        assert_exact(project)


def test_remove_document_respondent_and_code(tmp_path):
    project, files = _setup(tmp_path)
    with project:
        n0 = len(Project.backups(project.path))
        went = project.remove_preview("document", "ben-otter.txt")
        assert went["excerpts"] == 1 and went["codings"] == {"alice": 1}
        project.remove("document", "ben-otter.txt", "t")
        assert "ben-otter.txt" not in {d.name for d in project.documents()}
        assert_exact(project)
        project.remove("respondent", "P03", "t")
        assert "P03" not in {r.key for r in project.respondents()}
        assert project.tally().respondents_total == 2
        assert_exact(project)
        project.remove("code", "Barriers", "t")
        assert [c.path for c in project.codes()] == ["Mental health"]
        assert set(project.coders()) == {"bob"}
        assert_exact(project)
        removed = [e.action for e in _events(project, "document.remove")
                   + _events(project, "respondent.remove") + _events(project, "code.remove")]
        assert removed == ["document.remove", "respondent.remove", "code.remove"]
        assert len(Project.backups(project.path)) == n0 + 3


def test_merge_respondents_and_reassign_turns_are_undoable(tmp_path):
    files = project_files(tmp_path / "in")
    with Project.new(tmp_path / "p.qtally") as project:
        project.import_paths(list(files.values()), actor="t",
                             decisions=SpeakerDecisions(create=True))
        assert project.tally().respondents_total == 6  # P01 has no turn yet
        for e in project.excerpts():
            project.apply_code(e.id, project.code_by_path("Barriers").id, "alice")
        assert_exact(project)
        for wrong in ("Ana Jones", "Anna", "Ms. Jones"):
            project.merge_respondents(wrong, "P01", "alice")
            assert_exact(project)
        assert project.tally().respondents_total == 4
        assert project.undo("alice") == "respondent.merge"
        assert "Ms. Jones" in {r.key for r in project.respondents()}
        assert project.tally().respondents_total == 5
        assert_exact(project)
        assert project.redo("alice") == "respondent.merge"
        assert project.tally().respondents_total == 4
        assert_exact(project)
        # Sarah Lee's turns were made a respondent: give them to nobody, one by one
        anna = project.document(next(d.id for d in project.documents() if d.name == "anna.txt"))
        sarah = [i for i, turn in enumerate(anna.turns) if turn.speaker == "Sarah Lee"]
        assert len(sarah) == 2
        said = lambda: sum(e.respondent_key == "Sarah Lee" for e in project.excerpts())  # noqa
        assert said() == 5  # two turns here, two in the Otter file, one in the captions
        for i in sarah:
            project.reassign_turn("anna.txt", i, None, "alice")
            assert_exact(project)
        assert said() == 3
        assert project.undo("alice") == "turn.reassign"
        assert said() == 4
        assert_exact(project)
        assert project.redo("alice") == "turn.reassign"
        # an interviewer's turn given to a respondent gets an excerpt; undo takes it away
        n = project.info()["excerpts"]
        project.reassign_turn("ben-table.docx", 0, "P02", "alice")
        assert project.info()["excerpts"] == n + 1
        assert_exact(project)
        project.undo("alice")
        assert project.info()["excerpts"] == n
        assert_exact(project)


def test_cli_undo_import_and_remove_ask_first(tmp_path):
    files = project_files(tmp_path / "in")
    p = str(tmp_path / "p.qtally")
    assert cli("new", p).returncode == 0
    res = cli("import", p, str(files["respondents"]), str(files["int03"]), "--quiet",
              "--no-suggestions")
    assert res.returncode == 0, res.stderr
    listing = cli("undo-import", p, "--list")
    assert listing.returncode == 0 and listing.stdout.count("\n") == 1
    no = cli("undo-import", p, stdin="n\n")
    assert no.returncode == 1 and "nothing changed" in no.stdout
    assert "int03-tran.txt" in no.stdout
    res = cli("remove", p, "respondent", "P03", stdin="\n")
    assert res.returncode == 1
    res = cli("remove", p, "respondent", "P09", "--yes")
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "P09" in res.stderr
    res = cli("remove", p, "document", "int03-tran.txt", "--yes")
    assert res.returncode == 0, res.stderr
    assert "respondents left with no turns" in res.stdout and "P03" in res.stdout
    res = cli("undo-import", p, "1", "--yes")
    assert res.returncode == 0, res.stderr
    assert "removed 0 documents, 3 respondents" in res.stdout
    again = cli("undo-import", p, "1", "--yes")
    assert again.returncode == 2 and "already undone" in again.stderr
