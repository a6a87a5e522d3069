"""races decided by the database: one open application per product, one open invoice per licence,
a product's certificates as one chain (one current certificate)

Revision ID: 13a0c02e0002
Revises: a2fe5672d8f9
Create Date: 2026-12-06 12:20:19.591734

An existing database may already hold what the new indexes forbid (the races of issue 13). Nothing is
deleted or re-decided without the audit chain; the migration only chooses what counts:
- a product in several open applications: its item in the application furthest along (in review,
  changes requested, submitted, draft; then the oldest) stays open; the others get is_open = false
  and keep their status. Such an application cannot take a step that keeps it open (409 until it
  is withdrawn).
- several open invoices for one licence: the oldest stays open, the later ones are cancelled (their
  numbers stay used, as for any cancelled invoice).
- several certificates for one product: they are chained in the order they were issued; the newest
  is the current one (as the register and the provenance page already show it).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '13a0c02e0002'
down_revision = 'a2fe5672d8f9'
branch_labels = None
depends_on = None

OPEN = ('draft', 'submitted', 'in_review', 'changes_requested')
PRECEDENCE = {'in_review': 0, 'changes_requested': 1, 'submitted': 2, 'draft': 3}


def _open_items(connection):
    """Items of open applications; per product, the first in PRECEDENCE order stays open."""
    rows = connection.execute(
        sa.text(
            "SELECT application_items.id, application_items.product_id, applications.status, applications.id"
            " FROM application_items JOIN applications ON applications.id = application_items.application_id"
            " WHERE applications.status IN :open"
        ).bindparams(sa.bindparam('open', expanding=True)),
        {'open': list(OPEN)},
    ).all()
    rows.sort(key=lambda r: (r[1], PRECEDENCE[r[2]], r[3]))
    kept, closed = set(), []
    for item_id, product_id, _, _ in rows:
        (closed.append(item_id) if product_id in kept else kept.add(product_id))
    return closed


def upgrade():
    connection = op.get_bind()
    with op.batch_alter_table('application_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_open', sa.Boolean(), nullable=False, server_default=sa.false()))
    connection.execute(
        sa.text(
            "UPDATE application_items SET is_open = true WHERE application_id IN"
            " (SELECT id FROM applications WHERE status IN :open)"
        ).bindparams(sa.bindparam('open', expanding=True)),
        {'open': list(OPEN)},
    )
    for item_id in _open_items(connection):
        connection.execute(sa.text("UPDATE application_items SET is_open = false WHERE id = :id"), {'id': item_id})
    with op.batch_alter_table('application_items', schema=None) as batch_op:
        batch_op.alter_column('is_open', server_default=None)
        batch_op.create_index(
            'ux_application_items_open_product_id',
            ['product_id'],
            unique=True,
            postgresql_where=sa.text('is_open'),
            sqlite_where=sa.text('is_open'),
        )

    with op.batch_alter_table('certificate_products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_id', sa.Integer(), nullable=True))
    previous = {}
    for link_id, product_id in connection.execute(
        sa.text("SELECT id, product_id FROM certificate_products ORDER BY product_id, id")
    ):
        if product_id in previous:
            connection.execute(
                sa.text("UPDATE certificate_products SET previous_id = :previous WHERE id = :id"),
                {'previous': previous[product_id], 'id': link_id},
            )
        previous[product_id] = link_id
    with op.batch_alter_table('certificate_products', schema=None) as batch_op:
        batch_op.create_index(
            'ux_certificate_products_first_product_id',
            ['product_id'],
            unique=True,
            postgresql_where=sa.text('previous_id IS NULL'),
            sqlite_where=sa.text('previous_id IS NULL'),
        )
        batch_op.create_index('ux_certificate_products_previous_id', ['previous_id'], unique=True)
        batch_op.create_foreign_key(
            batch_op.f('fk_certificate_products_previous_id_certificate_products'),
            'certificate_products',
            ['previous_id'],
            ['id'],
        )

    connection.execute(
        sa.text(
            "UPDATE invoices SET status = 'cancelled' WHERE status = 'open' AND id >"
            " (SELECT min(first.id) FROM invoices AS first"
            " WHERE first.licence_id = invoices.licence_id AND first.status = 'open')"
        )
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(
            'ux_invoices_open_licence_id',
            ['licence_id'],
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        )


def downgrade():
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('ux_invoices_open_licence_id')

    with op.batch_alter_table('certificate_products', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_certificate_products_previous_id_certificate_products'), type_='foreignkey'
        )
        batch_op.drop_index('ux_certificate_products_previous_id')
        batch_op.drop_index('ux_certificate_products_first_product_id')
        batch_op.drop_column('previous_id')

    with op.batch_alter_table('application_items', schema=None) as batch_op:
        batch_op.drop_index('ux_application_items_open_product_id')
        batch_op.drop_column('is_open')
