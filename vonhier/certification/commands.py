"""`flask certification check/remind/verify-log`: the pre-check of one product, the daily expiry
reminders and the audit chain's check."""

import click
from flask.cli import with_appcontext

from ..catalogue.models import Product
from ..extensions import db
from . import audit, certificates, criteria, packs, rules  # noqa: F401 (packs answers `flask region check`)


@click.group("certification")
def cli():
    """Criteria checks, reminders and the audit chain."""


@cli.command("check")
@click.argument("product_id", type=int)
@with_appcontext
def check_command(product_id):
    """Pre-check PRODUCT_ID's current data against the current criteria catalogue."""
    product = db.session.get(Product, product_id)
    if product is None or product.current_version is None:
        raise click.ClickException(f"No product with id {product_id}.")
    current = criteria.current_catalogue()
    results = criteria.precheck(product.current_version.data, current)
    click.echo(f"{product.name_de} (version {product.current_version.number}) – {current.label}")
    for result in results:
        click.echo(f"{result.code:<8} {result.outcome.value:<17} {result.message}")
    click.echo(f"=> {rules.summary(results).value}")


@cli.command("remind")
@with_appcontext
def remind_command():
    """Send expiry reminders (60 and 30 days before) and mark expired certificates; for a daily cron job."""
    counts = certificates.remind()
    db.session.commit()
    click.echo(f"{counts['reminded']} reminders sent, {counts['expired']} certificates marked expired.")


@cli.command("verify-log")
@with_appcontext
def verify_log_command():
    """Check the hash chain of the certification audit log; report the first broken link."""
    broken = audit.verify_chain()
    if broken is not None:
        click.echo(
            f"BROKEN at audit record {broken.id} ({broken.subject_type} {broken.subject_id}, "
            f"{broken.action}, {broken.created_at.isoformat()})"
        )
        raise SystemExit(1)
    click.echo("OK: the audit log chain is intact.")
