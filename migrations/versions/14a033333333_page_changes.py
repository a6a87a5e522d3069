"""page changes: SQLite's count of changes to what a scan reads (facts.py)

Revision ID: 14a033333333
Revises: 14a044444444
Create Date: 2026-12-06 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '14a033333333'
down_revision = '14a044444444'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('page_changes',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_changes'))
    )


def downgrade():
    op.drop_table('page_changes')
