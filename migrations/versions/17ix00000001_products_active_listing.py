"""products: ix_products_active_listing, an index of active products that the catalogue's text search
reads instead of the wide product rows (id, organisation_id, certified_until, name_de)

Revision ID: 17ix00000001
Revises: 17sp00000001
"""

import sqlalchemy as sa
from alembic import op

revision = "17ix00000001"
down_revision = "17sp00000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_products_active_listing",
        "products",
        ["id", "organisation_id", "certified_until", "name_de"],
        postgresql_where=sa.text("status = 'active'"),
        sqlite_where=sa.text("status = 'active'"),
    )


def downgrade():
    op.drop_index("ix_products_active_listing", table_name="products")
