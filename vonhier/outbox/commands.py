"""`flask mail work`: the outbox worker, as its own process beside the web server."""

import click
from flask import current_app
from flask.cli import AppGroup

from . import worker

mail = AppGroup("mail", help="Send the mails in the outbox.")


@mail.command("work")
@click.option("--once", is_flag=True, help="Send what is due now, then stop (for cron and tests).")
def work(once):
    """Send queued mails, retrying with exponential backoff while the SMTP server fails."""
    if once:
        click.echo(f"{worker.deliver_due()} mails sent.")
    else:
        worker.work(current_app.config["MAIL_POLL_SECONDS"])
