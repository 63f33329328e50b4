"""coder state (where each coder left off) and a suggestion cache

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 23:35:00

Both tables start empty; neither is authoritative (no events are written for them).
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coder_state',
    sa.Column('coder', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('coder', 'key')
    )
    op.create_table('suggestion_cache',
    sa.Column('excerpt_id', sa.Integer(), nullable=False),
    sa.Column('model_key', sa.String(length=100), nullable=False),
    sa.Column('text_hash', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['excerpt_id'], ['excerpts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('excerpt_id')
    )


def downgrade() -> None:
    op.drop_table('suggestion_cache')
    op.drop_table('coder_state')
