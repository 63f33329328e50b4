"""a server project's model folder in the database, and its change signal

Revision ID: 0007
Revises: 0005 (no 0006: the branches that added 0005 and this one were merged together)
Create Date: 2026-12-03 08:15:00

``model_files`` starts empty. On PostgreSQL, a write to what the tally cache counts made
outside its maintenance marks the cache stale (so a PostgreSQL cache is known valid without
counting the codings), and every statement that changes what a screen
counts (codings, marks, codes, findings, excerpts, memos, rejections, consensus) notifies
channel ``qualtally_changes`` with the table's name (``storage/changes.py`` listens); a
notification is delivered at commit, once per transaction and table.
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None

CHANNEL = "qualtally_changes"
WATCHED = ("codings", "reviewed", "codes", "findings", "excerpts", "memos", "rejections",
           "consensus_decisions", "settings", "documents")
COUNTED = ("codings", "excerpts", "codes", "findings")
"""What the tally cache counts (storage/tally_cache.py ``_WATCHED``)."""


def upgrade() -> None:
    op.create_table('model_files',
    sa.Column('folder', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('saved_at', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('folder', 'name')
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""
        CREATE FUNCTION qualtally_notify_change() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
            RETURN NULL;
        END $$""")
    for table in WATCHED:
        op.execute(f"""
            CREATE TRIGGER qualtally_changed AFTER INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION qualtally_notify_change()""")
    # the tally cache is stale after any write to what it counts that storage/tally_cache.py
    # did not keep it up to date for (it sets qualtally.maintained while it does)
    op.execute("""
        CREATE FUNCTION qualtally_cache_stale() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        BEGIN
            IF coalesce(current_setting('qualtally.maintained', true), '') <> 'on' THEN
                UPDATE tally_cache_state SET valid = false WHERE valid;
            END IF;
            RETURN NULL;
        END $$""")
    for table in COUNTED:
        op.execute(f"""
            CREATE TRIGGER qualtally_cache_stale AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
            ON {table} FOR EACH STATEMENT EXECUTE FUNCTION qualtally_cache_stale()""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS qualtally_changed ON {table}")
        for table in COUNTED:
            op.execute(f"DROP TRIGGER IF EXISTS qualtally_cache_stale ON {table}")
        op.execute("DROP FUNCTION IF EXISTS qualtally_notify_change()")
        op.execute("DROP FUNCTION IF EXISTS qualtally_cache_stale()")
    op.drop_table('model_files')
