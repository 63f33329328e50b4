"""consensus decisions (reconciling two coders' disagreements)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:00:00

The table starts empty. Each row records how one disagreement (a unit and a code, between
two coders) was resolved into the ``consensus`` coder; the change itself is in the
codings table and the event log.
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consensus_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('excerpt_id', sa.Integer(), nullable=True),
    sa.Column('respondent_id', sa.Integer(), nullable=True),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('coder_a', sa.String(length=200), nullable=False),
    sa.Column('coder_b', sa.String(length=200), nullable=False),
    sa.Column('choice', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['excerpt_id'], ['excerpts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['respondent_id'], ['respondents.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['code_id'], ['codes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_consensus_decisions_code', 'consensus_decisions', ['code_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_consensus_decisions_code', table_name='consensus_decisions')
    op.drop_table('consensus_decisions')
