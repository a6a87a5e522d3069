"""allergens: the 14 groups of Regulation (EU) No 1169/2011 Annex II on ingredients (contains) and
products (may contain traces; recorded or not), and product_allergens, what "without milk" reads

Revision ID: 17al00000001
Revises: 16ce00000002
Create Date: 2026-12-08 00:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "17al00000001"
down_revision = "16ce00000002"
branch_labels = None
depends_on = None

ALLERGENS = (
    "gluten",
    "crustaceans",
    "eggs",
    "fish",
    "peanuts",
    "soybeans",
    "milk",
    "nuts",
    "celery",
    "mustard",
    "sesame",
    "sulphites",
    "lupin",
    "molluscs",
)


def upgrade():
    op.create_table(
        "product_allergens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column(
            "allergen",
            sa.Enum(*ALLERGENS, name="allergen", native_enum=False, create_constraint=True, length=11),
            nullable=False,
        ),
        sa.Column(
            "presence",
            sa.Enum(
                "contains",
                "traces",
                name="allergen_presence",
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_allergens_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_allergens")),
        sa.UniqueConstraint("product_id", "allergen", name=op.f("uq_product_allergens_product_id_allergen")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("allergen_traces", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column("allergens_recorded", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("ingredients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("allergens", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade():
    with op.batch_alter_table("ingredients", schema=None) as batch_op:
        batch_op.drop_column("allergens")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("allergens_recorded")
        batch_op.drop_column("allergen_traces")
    op.drop_table("product_allergens")
