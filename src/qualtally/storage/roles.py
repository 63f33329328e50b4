"""Who may see and do what in a server project, enforced by PostgreSQL itself.

Each coder connects as their own PostgreSQL role. ``grant`` makes that role a member of
one of the project database's two group roles (roles are cluster-wide, so the groups'
names carry the database's name) and (re)installs the privileges and row-level security
policies, so no client, however modified, can do more:

- a **coder** reads the project and writes only codings, memos, rejections,
  nothing-applies marks, their place (``coder_state``) and event-log entries under their
  own role's name (``coder = current_user``), narrowed spans (child excerpts), and the
  derived suggestion cache and model rows. The codebook, findings, settings and
  consensus decisions are read-only to them, and the tally cache is closed to them (a
  coder's tally runs the exact query over what they may see; ``tally_cache.disabled``; the
  triggers of migration 0007 mark the cache stale after a coder's writes).
  In blind mode (setting ``blind``) a coder cannot read other coders' codings, memos,
  rejections, marks, events or the consensus decisions at all.
- a **methodologist** reads and writes everything (reconciling, the codebook, findings).

The database's owner (who ran ``qualtally new``) keeps full rights; PostgreSQL does not
apply row-level security to a table's owner.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from qualtally.core.errors import InputError

ROLES = ("coder", "methodologist")
OWN = ("codings", "memos", "rejections", "reviewed", "coder_state")
"""Tables whose rows belong to a coder (column ``coder``)."""
CODER_WRITES = {
    **{name: "SELECT, INSERT, UPDATE, DELETE" for name in OWN},
    "events": "SELECT, INSERT",
    "excerpts": "SELECT, INSERT, DELETE",
    "suggestion_cache": "SELECT, INSERT, UPDATE, DELETE",
    "model_files": "SELECT, INSERT, UPDATE, DELETE",
}
CLOSED_TO_CODERS = ("tally_cache", "tally_cache_state")


def group_names(database: str) -> dict[str, str]:
    """The database's group role per role (at most 63 bytes, PostgreSQL's limit)."""
    tag = database if len(database) <= 40 else (
        database[:30] + hashlib.sha256(database.encode()).hexdigest()[:8])
    return {role: f"{tag}_qt_{role}" for role in ROLES}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def restricted(engine: Engine) -> bool:
    """Whether this connection's role is a coder's (may not maintain the tally cache)."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as conn:
        return not conn.exec_driver_sql(
            "SELECT has_table_privilege('tally_cache', 'UPDATE')").scalar()


def _policies(conn, sees_all: str) -> None:
    run = conn.exec_driver_sql
    run(f"""CREATE OR REPLACE FUNCTION qualtally_sees_all() RETURNS boolean
            LANGUAGE sql STABLE AS $$ SELECT pg_has_role(current_user, {sees_all}, 'MEMBER')
            OR current_user = (SELECT pg_get_userbyid(datdba) FROM pg_database
                               WHERE datname = current_database()) $$""")
    run("""CREATE OR REPLACE FUNCTION qualtally_blind() RETURNS boolean
           LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
           SELECT coalesce((SELECT value::text = 'true' FROM settings WHERE key = 'blind'),
                           false) $$""")
    rules = {name: "coder" for name in OWN} | {"events": "actor"}
    for table, column in rules.items():
        run(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        run(f"DROP POLICY IF EXISTS qt_own ON {table}")
        run(f"DROP POLICY IF EXISTS qt_open ON {table}")
        run(f"""CREATE POLICY qt_own ON {table}
                USING ({column} = current_user OR qualtally_sees_all())
                WITH CHECK ({column} = current_user OR qualtally_sees_all())""")
        run(f"CREATE POLICY qt_open ON {table} FOR SELECT USING (NOT qualtally_blind())")
    run("ALTER TABLE excerpts ENABLE ROW LEVEL SECURITY")
    for name, rule in {
        "qt_read": "FOR SELECT USING (true)",
        "qt_all": "USING (qualtally_sees_all()) WITH CHECK (qualtally_sees_all())",
        "qt_span": "FOR INSERT WITH CHECK (parent_id IS NOT NULL)",
        "qt_span_undo": "FOR DELETE USING (parent_id IS NOT NULL)",
    }.items():
        run(f"DROP POLICY IF EXISTS {name} ON excerpts")
        run(f"CREATE POLICY {name} ON excerpts {rule}")
    run("ALTER TABLE consensus_decisions ENABLE ROW LEVEL SECURITY")
    run("DROP POLICY IF EXISTS qt_all ON consensus_decisions")
    run("DROP POLICY IF EXISTS qt_open ON consensus_decisions")
    run("CREATE POLICY qt_all ON consensus_decisions USING (qualtally_sees_all()) "
        "WITH CHECK (qualtally_sees_all())")
    run("CREATE POLICY qt_open ON consensus_decisions FOR SELECT USING (NOT qualtally_blind())")


def grant(engine: Engine, user: str, role: str) -> dict[str, str]:
    """Make ``user`` (created as a login role if missing) a coder or methodologist of this
    project, and no longer the other. Run by the database's owner (or a superuser)."""
    if role not in ROLES:
        raise InputError(role, f"not a role (choose {' or '.join(ROLES)})")
    if engine.dialect.name != "postgresql":
        raise InputError(str(engine.url.database), "roles are a server project's: a project "
                         "file is protected by who may open the file")
    database = engine.url.database
    groups = group_names(database)
    with engine.begin() as conn:
        run = conn.exec_driver_sql
        run("SELECT pg_advisory_xact_lock(7137)")  # two grants at once: one after the other
        existing = {r[0] for r in run("SELECT rolname FROM pg_roles")}
        for name in groups.values():
            if name not in existing:
                run(f"CREATE ROLE {_q(name)} NOLOGIN")
        created = user not in existing
        if created:
            run(f"CREATE ROLE {_q(user)} LOGIN")
        tables = [t for t in sa.inspect(conn).get_table_names()]
        coder, meth = _q(groups["coder"]), _q(groups["methodologist"])
        for name in (coder, meth):
            run(f"GRANT CONNECT, TEMPORARY ON DATABASE {_q(database)} TO {name}")
            run(f"GRANT USAGE ON SCHEMA public TO {name}")
            run(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {name}")
        run(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {meth}")
        run(f"GRANT SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {meth}")
        for table in tables:
            run(f"REVOKE ALL ON {_q(table)} FROM {coder}")
            if table in CLOSED_TO_CODERS:
                continue
            run(f"GRANT {CODER_WRITES.get(table, 'SELECT')} ON {_q(table)} TO {coder}")
        _policies(conn, f"'{groups['methodologist']}'")
        other = groups["coder" if role == "methodologist" else "methodologist"]
        run(f"REVOKE {_q(other)} FROM {_q(user)}")
        run(f"GRANT {_q(groups[role])} TO {_q(user)}")
    return {"group": groups[role], "created": "yes" if created else "no"}
