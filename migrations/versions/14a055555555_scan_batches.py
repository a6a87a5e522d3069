"""scan batches: the ids of scan counts moved from Redis into scan_days, so a retried move adds nothing twice

Revision ID: 14a055555555
Revises: 13a0c04a0004
Create Date: 2026-12-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '14a055555555'
down_revision = '13a0c04a0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scan_batches',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('moved_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(id) <= 32', name=op.f('ck_scan_batches_id_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scan_batches'))
    )


def downgrade():
    op.drop_table('scan_batches')
