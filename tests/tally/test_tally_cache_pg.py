"""The tally cache on PostgreSQL: same random write sequences, same equality with the exact query.

Runs when QUALTALLY_TEST_PG_URL names a server (see tests/storage/test_postgres.py); each
example works in a fresh database that is dropped afterwards.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_tally_cache import apply_op, assert_cache_exact, op, small_project

URL = os.environ.get("QUALTALLY_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not URL, reason="QUALTALLY_TEST_PG_URL not set")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, min_size=1, max_size=10))
def test_cached_tally_equals_exact_query_on_postgres(ops):
    admin = sa.create_engine(URL, isolation_level="AUTOCOMMIT")
    name = f"qt_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        url = sa.engine.make_url(URL).set(database=name).render_as_string(hide_password=False)
        project = small_project(url)
        try:
            project.tally()
            for o in ops:
                apply_op(project, o)
            assert_cache_exact(project)
        finally:
            project.close()
            project.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()
