"""The tally cache on PostgreSQL: same random write sequences, same equality with the exact query.

Runs against the development server (``tests/qt_pg.py``; skipped with the reason where
none answers); each example works in a fresh database that is dropped afterwards.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qt_pg import fresh_database, require_server

from .test_tally_cache import apply_op, assert_cache_exact, op, small_project


def setup_module() -> None:
    require_server()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, min_size=1, max_size=10))
def test_cached_tally_equals_exact_query_on_postgres(ops):
    with fresh_database() as url:
        project = small_project(url)
        try:
            project.tally()
            for o in ops:
                apply_op(project, o)
            assert_cache_exact(project)
        finally:
            project.close()
