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
