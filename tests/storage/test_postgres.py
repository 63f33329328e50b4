"""The same store on PostgreSQL: the development server (``tests/qt_pg.py``;
``QUALTALLY_TEST_PG_URL`` names another), skipped with the reason where none answers.
Each run works in a fresh database that it drops afterwards.
"""

from __future__ import annotations

import pytest
from qt_pg import fresh_database

from qualtally.core.models import ImportBundle
from qualtally.project import Project


@pytest.fixture
def pg_project(bundle):
    with fresh_database() as url:
        project = Project.new(url)
        project.store.import_bundle(bundle, "tester")
        yield project
        project.close()


def test_store_round_trip_on_postgres(pg_project, coded_rows):
    p = pg_project
    doc = p.document(p.documents()[0].id)
    for e in p.excerpts():
        assert e.text == doc.text[e.start:e.end]
    p.store.import_bundle(ImportBundle("c.csv", coded=coded_rows, coded_source="c.csv"), "t")
    assert p.info()["codings"] == 3 and p.info()["coders"] == 2
    e = p.excerpts()[1]
    need = p.code_by_path("Relevance > Need")
    p.apply_code(e.id, need.id, "ana")
    span = p.narrow(e.id, e.start, e.start + 5, "ana")
    assert p.undo("ana") == "excerpt.add" and span not in {x.id for x in p.excerpts()}
    assert p.undo("ana") == "coding.add"
    assert p.redo("ana") == "coding.add"
    assert len(p.export_rows()) == 4
