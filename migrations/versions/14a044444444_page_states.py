"""page states: a narrow row per product that a scan checks; what each stored page was rendered from

Revision ID: 14a044444444
Revises: 14a055555555
Create Date: 2026-12-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '14a044444444'
down_revision = '14a055555555'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('page_states',
    sa.Column('product_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_page_states_certificate_id_certificates')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_page_states_product_id_products')),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_page_states'))
    )
    # Every existing product, pointing at its newest certificate.
    op.execute(
        "INSERT INTO page_states (product_id, revision, certificate_id) "
        "SELECT id, 1, (SELECT max(certificate_id) FROM certificate_products "
        "WHERE certificate_products.product_id = products.id) FROM products"
    )
    # Renderings stored before do not say what they show: they are rendered again on their next scan.
    op.execute("DELETE FROM rendered_pages")
    with op.batch_alter_table('rendered_pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('release', sa.String(length=64), nullable=False))
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False))
        batch_op.add_column(sa.Column('status', sa.Enum('active', 'review_needed', 'suspended', 'revoked', 'expired', name='rendered_page_status', native_enum=False, create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('licensed', sa.Boolean(), nullable=False))
        batch_op.add_column(sa.Column('has_batch', sa.Boolean(), nullable=False))
        batch_op.create_check_constraint(op.f('ck_rendered_pages_release_length'), 'length(release) <= 64')


def downgrade():
    with op.batch_alter_table('rendered_pages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_rendered_pages_release_length'), type_='check')
        batch_op.drop_column('has_batch')
        batch_op.drop_column('licensed')
        batch_op.drop_column('status')
        batch_op.drop_column('revision')
        batch_op.drop_column('release')
    op.drop_table('page_states')
