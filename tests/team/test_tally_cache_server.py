"""On PostgreSQL the tally cache knows it is stale from triggers (migration 0007), not from
counting the codings: a write made outside qualtally's maintenance (raw SQL here, as
another program would) makes the next tally recount, even one that leaves the codings'
count unchanged."""

from __future__ import annotations

import sqlalchemy as sa
from qt_pg import fresh_database
from tally.test_tally_cache import as_plain
from tui.demo_project import build

from qualtally.project import Project
from qualtally.storage import tally_cache


def _valid(project) -> bool:
    with project.engine.connect() as conn:
        return tally_cache.is_valid(conn)


def test_raw_writes_on_the_server_make_the_cache_stale():
    with fresh_database() as url:
        build(url)
        with Project.open(url) as p:
            before = as_plain(p.tally())
            assert _valid(p)
            p.apply_code(p.excerpts()[1].id, p.codes()[1].id, "ana")  # kept, stays valid
            assert _valid(p) and as_plain(p.tally()) == as_plain(p.tally(exact=True))
            raw = sa.create_engine(url)
            with raw.begin() as conn:  # another program: one coding in, another out
                conn.exec_driver_sql(
                    "INSERT INTO codings (excerpt_id, code_id, coder, origin, created) "
                    "SELECT max(e.id), max(c.id), 'zed', 'human', 'now' "
                    "FROM excerpts e, codes c")
                conn.exec_driver_sql("DELETE FROM codings WHERE id = (SELECT min(id) "
                                     "FROM codings WHERE coder <> 'zed')")
            raw.dispose()
            assert not _valid(p)
            after = as_plain(p.tally())
            assert after == as_plain(p.tally(exact=True)) and after != before
            assert _valid(p)
