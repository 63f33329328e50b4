"""tally cache and an index on excerpts.respondent_id

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 21:40:00

The cache starts empty and invalid; the first tally (or write) builds it.
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tally_cache',
    sa.Column('any_coder', sa.Boolean(), nullable=False),
    sa.Column('coder', sa.String(length=200), nullable=False),
    sa.Column('respondent_id', sa.Integer(), nullable=False),
    sa.Column('nodes', sa.LargeBinary(), nullable=False),
    sa.Column('excerpts', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('any_coder', 'coder', 'respondent_id')
    )
    op.create_index('ix_tally_cache_respondent', 'tally_cache', ['respondent_id'], unique=False)
    op.create_table('tally_cache_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.Column('codings', sa.Integer(), nullable=False),
    sa.Column('last_coding', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_excerpts_respondent', 'excerpts', ['respondent_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_excerpts_respondent', table_name='excerpts')
    op.drop_table('tally_cache_state')
    op.drop_index('ix_tally_cache_respondent', table_name='tally_cache')
    op.drop_table('tally_cache')
