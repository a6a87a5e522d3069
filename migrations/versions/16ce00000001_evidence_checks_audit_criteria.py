"""evidence checks and audit criteria: a certifier marks a document checked (who, when), and an audit
names the criteria whose evidence it saw; both open the evidence gate of an approval (issue 16)

Revision ID: 16ce00000001
Revises: 14a033333333
Create Date: 2026-12-07 00:16:16.375993

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '16ce00000001'
down_revision = '14a033333333'
branch_labels = None
depends_on = None


def upgrade():
    # Audits recorded before named no criteria: an empty list, then no default (the model sets one).
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('criteria', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.alter_column('criteria', server_default=None)

    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('checked_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_evidence_checked_by_id_users'), 'users', ['checked_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_evidence_checked_by_id_users'), type_='foreignkey')
        batch_op.drop_column('checked_at')
        batch_op.drop_column('checked_by_id')

    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_column('criteria')
