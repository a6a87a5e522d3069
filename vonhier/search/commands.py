"""`flask search reindex`: rebuild the search index from the live tables."""

import click
from flask.cli import with_appcontext

from ..extensions import db
from . import services


@click.group()
def search():
    """The free-text search index."""


@search.command("reindex")
@with_appcontext
def reindex_command():
    """Rebuild the search documents of every kind (products, organisations, …)."""
    counts = services.reindex()
    db.session.commit()
    click.echo(", ".join(f"{count} {kind} documents" for kind, count in counts.items()) + " indexed.")
