"""orders: the seller's legal details on shop_settings (representative, register entry, VAT ID), shown on
the shop page as its Impressum

Revision ID: 18by00000001
Revises: 18or00000001
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "18by00000001"
down_revision = "18or00000001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shop_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("representative", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("register_entry", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("vat_id", sa.String(length=20), nullable=False, server_default=""))
        for column, length in (("representative", 200), ("register_entry", 200), ("vat_id", 20)):
            batch_op.create_check_constraint(
                op.f(f"ck_shop_settings_{column}_length"), f"length({column}) <= {length}"
            )


def downgrade():
    with op.batch_alter_table("shop_settings", schema=None) as batch_op:
        for column in ("representative", "register_entry", "vat_id"):
            batch_op.drop_constraint(op.f(f"ck_shop_settings_{column}_length"), type_="check")
        batch_op.drop_column("vat_id")
        batch_op.drop_column("register_entry")
        batch_op.drop_column("representative")
