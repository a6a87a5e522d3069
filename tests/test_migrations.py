"""The migrations create exactly the schema the models describe (what `flask db check` verifies)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from vonhier.extensions import db
from vonhier.search.schema import include_name


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        assert compare_metadata(context, db.metadata) == []


def test_every_model_table_exists(app):
    with app.app_context(), db.engine.connect() as connection:
        existing = set(db.inspect(connection).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} <= existing


def test_a_database_holding_the_races_duplicates_still_migrates(make_app, tmp_path):
    """Issue 13's races left two open applications for one product, two open invoices for one licence
    and two certificates for one product: the migration keeps one open of each and chains the rest."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite'}")
    with app.app_context():
        upgrade(revision="a2fe5672d8f9")
        now = "2026-01-01 00:00:00"
        with db.engine.begin() as connection:  # SQLite does not check the foreign keys here
            for id_, status in ((1, "draft"), (2, "in_review"), (3, "approved")):
                connection.execute(
                    text(
                        "INSERT INTO applications (id, organisation_id, catalogue_id, status, created_at)"
                        " VALUES (:id, 1, 1, :status, :now)"
                    ),
                    {"id": id_, "status": status, "now": now},
                )
                connection.execute(
                    text(
                        "INSERT INTO application_items (id, application_id, product_id) VALUES (:id, :id, 7)"
                    ),
                    {"id": id_},
                )
            for id_ in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO invoices (id, number, licence_id, issued_on, recipient,"
                        " description, net_cents, vat_percent, vat_cents, gross_cents,"
                        " payment_reference, status, created_at) VALUES (:id, :number, 1,"
                        " '2026-01-01', '{}', 'x', 1, 19, 0, 1, :number, 'open', :now)"
                    ),
                    {"id": id_, "number": f"VH-R-2026-0000{id_}", "now": now},
                )
                connection.execute(
                    text(
                        "INSERT INTO certificate_products"
                        " (id, certificate_id, product_id, product_version_id) VALUES (:id, :id, 7, 1)"
                    ),
                    {"id": id_},
                )
        upgrade()
        with db.engine.connect() as connection:
            items = connection.execute(text("SELECT id, is_open FROM application_items ORDER BY id")).all()
            invoices = connection.execute(text("SELECT id, status FROM invoices ORDER BY id")).all()
            chain = connection.execute(
                text("SELECT id, previous_id FROM certificate_products ORDER BY id")
            ).all()
    # The application in review stays open; the draft keeps its status but no longer holds the product.
    assert [tuple(row) for row in items] == [(1, False), (2, True), (3, False)]
    assert [tuple(row) for row in invoices] == [(1, "open"), (2, "cancelled")]
    assert [tuple(row) for row in chain] == [(1, None), (2, 1)]
