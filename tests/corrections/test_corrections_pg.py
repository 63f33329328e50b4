"""Undo-import, removal, merge and reassignment on PostgreSQL (the development server,
``tests/qt_pg.py``; skipped with the reason where none answers): same results, cache exact."""

from __future__ import annotations

from qt_pg import fresh_database, require_server
from speaker_files import project_files
from test_corrections import DECIDED, assert_exact

from qualtally.core.speakers import SpeakerDecisions
from qualtally.project import Project


def setup_module() -> None:
    require_server()


def test_corrections_on_postgres(tmp_path):
    files = project_files(tmp_path / "in")
    with fresh_database() as url:
        project = Project.new(url)
        try:
            project.import_paths([files["respondents"], files["codebook"], files["findings"]],
                                 actor="t")
            project.import_paths([files[k] for k in ("anna", "int03", "otter", "docx", "vtt")],
                                 actor="t", decisions=DECIDED)
            barriers = project.code_by_path("Barriers").id
            for e in project.excerpts():
                project.apply_code(e.id, barriers, "alice")
            assert_exact(project)
            project.remove("document", "carla.vtt", "t")
            assert_exact(project)
            project.reassign_turn("ben-table.docx", 0, "P02", "alice")
            assert_exact(project)
            project.undo("alice")
            assert_exact(project)
            project.undo_import(None, "t")
            assert project.info()["documents"] == 0
            assert_exact(project)
            extra = project_files(tmp_path / "again")
            project.import_paths([extra["anna"]], actor="t",
                                 decisions=SpeakerDecisions(create=True))
            project.merge_respondents("Ana Jones", "P01", "alice")
            project.undo("alice")
            assert "Ana Jones" in {r.key for r in project.respondents()}
            assert_exact(project)
        finally:
            project.close()
