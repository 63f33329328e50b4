"""ids that events refer to are never reused (AUTOINCREMENT on SQLite)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:00:00

SQLite hands out ``max(id) + 1`` for an ``INTEGER PRIMARY KEY``, so a coding added and
removed freed its id, and the next coding (on another excerpt) got it: two events then
named one entity id for two different codings. ``AUTOINCREMENT`` never hands an id out
twice. SQLite can only declare it in ``CREATE TABLE``, so each table whose ids the event
log names (``entity_id``, and ``events.id`` for ``ref``) is recreated, its rows copied with
their ids (Alembic's batch mode). The counter then starts above the highest id in the
table *and* in the events naming it, so an id freed before this migration is not handed
out again either.

The tables are recreated with foreign keys off (``storage/engine.py:migrate`` turns them
off for the whole upgrade, as SQLite's own procedure for a table rebuild asks: dropping
the old table would otherwise cascade-delete the codings of every code) and checked with
``PRAGMA foreign_key_check`` before the upgrade commits.

PostgreSQL's ``SERIAL`` sequences never hand an id out twice already: nothing to do there
(``tests/storage/test_ids_never_reused.py`` checks both).
"""

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TABLES = ("respondents", "documents", "excerpts", "findings", "codes", "codings",
          "rejections", "memos", "events", "consensus_decisions")
"""Every table whose ids an event names (``events.entity``), and the events themselves."""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for name in TABLES:
        with op.batch_alter_table(name, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": True}):
            pass
    for name in TABLES:
        top = bind.exec_driver_sql(
            f"SELECT max(coalesce((SELECT max(id) FROM {name}), 0), "
            f"coalesce((SELECT max(entity_id) FROM events WHERE entity = ?), 0))",
            (name,)).scalar()
        bind.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = ?", (name,))
        bind.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)",
                             (name, int(top or 0)))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for name in reversed(TABLES):
        with op.batch_alter_table(name, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": False}):
            pass
