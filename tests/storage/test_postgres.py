"""The same store on PostgreSQL (optional: runs when QUALTALLY_TEST_PG_URL names a server).

Example: QUALTALLY_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:55432/postgres
Each run works in a fresh database that it drops afterwards.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from qualtally.core.models import ImportBundle
from qualtally.project import Project

URL = os.environ.get("QUALTALLY_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not URL, reason="QUALTALLY_TEST_PG_URL not set")


@pytest.fixture
def pg_project(bundle):
    admin = sa.create_engine(URL, isolation_level="AUTOCOMMIT")
    name = f"qt_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(URL).set(database=name)
    project = Project.new(url.render_as_string(hide_password=False))
    project.store.import_bundle(bundle, "tester")
    yield project
    project.close()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE "{name}"')
    admin.dispose()


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
