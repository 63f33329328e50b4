"""a server project's model folder in the database, and its change signal

Revision ID: 0007
Revises: 0004 (on the team branch; 0006 once merged after the branches adding 0005/0006)
Create Date: 2026-12-03 08:15:00

``model_files`` starts empty. On PostgreSQL, every statement that changes what a screen
counts (codings, marks, codes, findings, excerpts, memos, rejections, consensus) notifies
channel ``qualtally_changes`` with the table's name (``storage/changes.py`` listens); a
notification is delivered at commit, once per transaction and table.
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0004'
branch_labels = None
depends_on = None

CHANNEL = "qualtally_changes"
WATCHED = ("codings", "reviewed", "codes", "findings", "excerpts", "memos", "rejections",
           "consensus_decisions", "settings", "documents")


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


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS qualtally_changed ON {table}")
        op.execute("DROP FUNCTION IF EXISTS qualtally_notify_change()")
    op.drop_table('model_files')
