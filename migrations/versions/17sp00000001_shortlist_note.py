"""supplier_shortlist.note: the retailer's own note on a supplier of its shortlist, exported with it

Revision ID: 17sp00000001
Revises: 17al00000001
Create Date: 2026-12-07 04:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "17sp00000001"
down_revision = "17al00000001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("supplier_shortlist", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.String(length=500), server_default="", nullable=False))
        batch_op.create_check_constraint(op.f("ck_supplier_shortlist_note_length"), "length(note) <= 500")


def downgrade():
    with op.batch_alter_table("supplier_shortlist", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_supplier_shortlist_note_length"), type_="check")
        batch_op.drop_column("note")
