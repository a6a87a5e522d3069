"""`flask payments reconcile`: fulfil paid Checkout Sessions whose webhook was missed."""

import click
from flask.cli import with_appcontext

from ..extensions import db
from . import checkout, packs  # noqa: F401 (packs answers `flask region check`)


@click.group("payments")
def cli():
    """Licence payments."""


@cli.command("reconcile")
@with_appcontext
def reconcile_command():
    """Re-fetch Checkout Sessions still open and fulfil those that were paid (for missed webhooks)."""
    if not checkout.stripe_enabled():
        raise click.ClickException("STRIPE_SECRET_KEY is not set.")
    counts = checkout.reconcile()
    db.session.commit()
    click.echo(f"{counts['checked']} open sessions checked, {counts['paid']} fulfilled.")
