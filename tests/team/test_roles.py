"""Roles enforced by the database: each rule is tried directly in SQL, connected as each
role, doing what it must not do (``qualtally grant``, ``storage/roles.py``). Roles are
cluster-wide in PostgreSQL: the test makes uniquely named ones and drops them after."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from qt_pg import fresh_database, server_url
from tui.demo_project import build

from qualtally.cli import main
from qualtally.project import Project
from qualtally.storage import roles

NOW = "2026-12-03T08:00:00+00:00"


def as_role(url: str, role: str) -> sa.Engine:
    return sa.create_engine(sa.engine.make_url(url).set(username=role))


@pytest.fixture
def team():
    """A server project with codings by two coders; ana and bo coders, meth methodologist."""
    suffix = uuid.uuid4().hex[:8]
    names = {k: f"qt_{k}_{suffix}" for k in ("ana", "bo", "meth")}
    groups: dict[str, str] = {}
    engines: list[sa.Engine] = []
    try:
        with fresh_database() as url:
            build(url)
            groups = roles.group_names(sa.engine.make_url(url).database)
            with Project.open(url) as p:
                ex, codes = p.excerpts(), p.codes()
                p.apply_code(ex[1].id, codes[1].id, names["ana"])
                p.apply_code(ex[3].id, codes[2].id, names["bo"])
                p.set_memo(ex[3].id, names["bo"], "bo's memo")
            for who, role in (("ana", "coder"), ("bo", "coder"), ("meth", "methodologist")):
                assert main(["grant", url, names[who], "--role", role]) == 0

            def connect(who: str) -> sa.Engine:
                engines.append(as_role(url, names[who]))
                return engines[-1]

            yield url, names, connect
            for e in engines:
                e.dispose()
    finally:
        admin = sa.create_engine(server_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in [*names.values(), *groups.values()]:
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')
            left = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_roles WHERE rolname = ANY(%(n)s)",
                {"n": [*names.values(), *groups.values()]}).scalar()
        admin.dispose()
        assert left == 0


def _fails(engine: sa.Engine, sql: str, params: dict | None = None, match: str = "") -> str:
    with pytest.raises(sa.exc.DBAPIError) as err, engine.begin() as conn:
        conn.exec_driver_sql(sql, params or {})
    assert match in str(err.value.orig), err.value.orig
    return str(err.value.orig)


def _set_blind(url: str, on: bool) -> None:
    with Project.open(url) as p:
        p.set_blind(on, "lead")


def test_a_coder_writes_only_under_their_own_name(team):
    url, n, connect = team
    ana = connect("ana")
    insert = ("INSERT INTO codings (excerpt_id, code_id, coder, origin, created) "
              "SELECT min(id), (SELECT min(id) FROM codes), %(c)s, 'human', %(t)s FROM excerpts")
    _fails(ana, insert, {"c": n["bo"], "t": NOW}, "row-level security")
    with ana.begin() as conn:  # their own: allowed
        conn.exec_driver_sql(insert, {"c": n["ana"], "t": NOW})
        gone = conn.exec_driver_sql("DELETE FROM codings WHERE coder = %(c)s", {"c": n["bo"]})
        assert gone.rowcount == 0  # someone else's codings are not theirs to delete
        changed = conn.exec_driver_sql("UPDATE memos SET text = 'mine now' WHERE coder = %(c)s",
                                       {"c": n["bo"]})
        assert changed.rowcount == 0
    _fails(ana, "UPDATE codings SET coder = %(c)s", {"c": n["bo"]}, "row-level security")
    _fails(ana, "INSERT INTO memos (excerpt_id, coder, text, updated) SELECT min(id), %(c)s, "
                "'x', %(t)s FROM excerpts", {"c": n["bo"], "t": NOW}, "row-level security")
    _fails(ana, "INSERT INTO events (at, actor, action, entity, undoable) "
                "VALUES (%(t)s, %(c)s, 'coding.add', 'coding', true)",
           {"c": n["bo"], "t": NOW}, "row-level security")
    with as_role(url, "postgres").connect() as conn:
        coders = conn.exec_driver_sql("SELECT coder, count(*) FROM codings GROUP BY coder").all()
    assert dict(coders) == {n["ana"]: 2, n["bo"]: 1}


def test_a_coder_cannot_edit_the_codebook_findings_settings_or_the_tally_cache(team):
    _, n, connect = team
    ana = connect("ana")
    for sql in ("UPDATE codes SET name = 'renamed'",
                "INSERT INTO findings (key, statement, section, asked, ordinal) "
                "VALUES ('X1', 'x', '', '[]', 0)",
                "DELETE FROM findings",
                "UPDATE settings SET value = 'false'",  # e.g. turning blind mode off
                "INSERT INTO settings (key, value) VALUES ('blind', 'false')",
                "SELECT * FROM tally_cache",
                "UPDATE tally_cache_state SET valid = true",
                "DELETE FROM documents",
                "INSERT INTO consensus_decisions (kind, code_id, coder_a, coder_b, choice, actor, "
                "at) VALUES ('excerpt', 1, 'a', 'b', 'apply', 'x', 'now')"):
        _fails(ana, sql, match="permission denied")


def test_blind_mode_hides_other_coders_work_from_a_coder_not_from_a_methodologist(team):
    url, n, connect = team
    ana, meth = connect("ana"), connect("meth")
    with ana.connect() as conn:  # not blind: a coder reads everyone's codings
        assert conn.exec_driver_sql("SELECT count(*) FROM codings").scalar() == 2
    _set_blind(url, True)
    with ana.connect() as conn:
        seen = conn.exec_driver_sql("SELECT DISTINCT coder FROM codings").scalars().all()
        assert seen == [n["ana"]]
        assert conn.exec_driver_sql("SELECT count(*) FROM memos").scalar() == 0
        actors = set(conn.exec_driver_sql("SELECT DISTINCT actor FROM events").scalars())
        assert actors <= {n["ana"]}
        assert conn.exec_driver_sql("SELECT count(*) FROM codings WHERE coder = %(c)s",
                                    {"c": n["bo"]}).scalar() == 0
    with meth.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM codings").scalar() == 2
        assert conn.exec_driver_sql("SELECT count(*) FROM memos").scalar() == 1
    with Project.open(sa.engine.make_url(url).set(username=n["ana"]).render_as_string(False)) as p:
        assert {c for c in p.coders()} == {n["ana"]}  # the app sees what the role may see
        assert p.tally().codes  # a coder's tally: the exact query over their own codings


def test_a_methodologist_edits_the_codebook_and_reconciles(team):
    url, n, connect = team
    meth = connect("meth")
    with meth.begin() as conn:
        assert conn.exec_driver_sql("UPDATE codes SET definition = 'clearer' "
                                    "WHERE id = (SELECT min(id) FROM codes)").rowcount == 1
        conn.exec_driver_sql("INSERT INTO findings (key, statement, section, asked, ordinal) "
                             "VALUES ('X1', 'new finding', '', '[]', 99)")
        assert conn.exec_driver_sql("DELETE FROM codings WHERE coder = %(c)s",
                                    {"c": n["bo"]}).rowcount == 1


def test_a_coder_codes_through_the_app_and_the_cache_stays_exact(team, monkeypatch):
    from qualtally.storage import tally_cache

    # the small project's three respondents would make any write recount all of them
    monkeypatch.setattr(tally_cache, "FULL_REBUILD_SHARE", 1.0)
    url, n, connect = team
    coder_url = sa.engine.make_url(url).set(username=n["bo"]).render_as_string(False)
    with Project.open(url) as owner:
        owner.tally()  # the cache is built and valid
    with Project.open(coder_url) as p:
        ex, codes = p.excerpts(), p.codes()
        p.apply_code(ex[-1].id, codes[3].id, n["bo"])
        assert p.undo(n["bo"]) == "coding.add"
        assert p.redo(n["bo"]) == "coding.add"
        with pytest.raises(sa.exc.DBAPIError):
            p.apply_code(ex[0].id, codes[3].id, n["ana"])  # the app cannot write for ana
        # one coding added, one removed: the codings' count is as before, and the coder
        # may not touch the cache, so only the trigger tells the cache it is stale
        assert p.remove_code(ex[3].id, codes[2].id, n["bo"])
    from tally.test_tally_cache import as_plain

    with Project.open(url) as owner:  # the next write by someone who keeps the cache
        owner.apply_code(ex[0].id, codes[1].id, n["ana"])
        assert as_plain(owner.tally()) == as_plain(owner.tally(exact=True))
        assert as_plain(owner.tally(coder=n["bo"])) == as_plain(
            owner.tally(coder=n["bo"], exact=True))


def test_grant_on_a_project_file_is_refused(tmp_path, capsys):
    path = build(tmp_path / "p.qtally")
    assert main(["grant", str(path), "someone", "--role", "coder"]) == 2
    assert "server project" in capsys.readouterr().err
