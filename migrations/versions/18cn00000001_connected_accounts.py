"""payments: connected_accounts (each producer's own Stripe account for pre-orders, Stripe Connect), and
webhook_events.account (the connected account an event came from)

Revision ID: 18cn00000001
Revises: 18of00000001
"""

import sqlalchemy as sa
from alembic import op

revision = "18cn00000001"
down_revision = "18of00000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "connected_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("stripe_account_id", sa.String(length=255), nullable=False),
        sa.Column("charges_enabled", sa.Boolean(), nullable=False),
        sa.Column("details_submitted", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "length(stripe_account_id) <= 255", name=op.f("ck_connected_accounts_stripe_account_id_length")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_connected_accounts_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_connected_accounts_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connected_accounts")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_connected_accounts_organisation_id")),
        sa.UniqueConstraint("stripe_account_id", name=op.f("uq_connected_accounts_stripe_account_id")),
    )
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account", sa.String(length=255), server_default="", nullable=False))
        batch_op.create_check_constraint(op.f("ck_webhook_events_account_length"), "length(account) <= 255")


def downgrade():
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_webhook_events_account_length"), type_="check")
        batch_op.drop_column("account")
    op.drop_table("connected_accounts")
