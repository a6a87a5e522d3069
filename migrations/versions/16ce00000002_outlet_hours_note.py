"""outlets.hours_note: a seasonal note shown beside the opening hours, kept out of the OSM expression

Revision ID: 16ce00000002
Revises: 16ce00000001
Create Date: 2026-12-07 00:16:54.431810

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "16ce00000002"
down_revision = "16ce00000001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outlets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hours_note", sa.String(length=200), server_default="", nullable=False))
        batch_op.create_check_constraint(op.f("ck_outlets_hours_note_length"), "length(hours_note) <= 200")


def downgrade():
    with op.batch_alter_table("outlets", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outlets_hours_note_length"), type_="check")
        batch_op.drop_column("hours_note")
