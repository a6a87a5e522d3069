"""`flask work`: the background worker, one process for every job that runs off the request path.

Each round runs every job once, in order; a job owns its transactions and returns how many things it
did. A job that fails is logged and tried again next round, and the others still run: a database or
Redis away for a moment must not end the worker. Several workers may run at once (each job is safe
for that). The features' jobs are added by `create_app` (`add_job`); this module knows none of them.
"""

import signal
import threading

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .extensions import db


def add_job(app: Flask, name: str, job) -> None:
    """Run `job` (no arguments; returns how many things it did) in every round, after those added
    before; `name` says what its count means ("mails sent")."""
    app.extensions.setdefault("worker_jobs", {})[name] = job


def run_once() -> dict[str, int]:
    """Every job once; what each did (None where it failed)."""
    done = {}
    for name, job in current_app.extensions.get("worker_jobs", {}).items():
        try:
            done[name] = job()
        except Exception:  # noqa: BLE001 (logged; the job runs again next round)
            db.session.rollback()
            current_app.logger.exception("Background job failed: %s", name)
            done[name] = None
        finally:
            db.session.remove()
    return done


def work(poll_seconds: float) -> None:
    """Run rounds until SIGTERM or SIGINT; the round under way is finished first. A round that found
    work is followed by the next at once (after a deploy thousands of pages wait to be rendered)."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.is_set():
        if not any(run_once().values()):
            stop.wait(poll_seconds)


@click.command("work")
@click.option("--once", is_flag=True, help="One round, then stop (for cron and tests).")
@with_appcontext
def command(once):
    """Run the background jobs: send due mails (retried while the SMTP server fails), move scan counts
    from Redis into the database, render stale provenance pages again."""
    if once:
        done = run_once()
        click.echo(", ".join(f"{'failed' if n is None else n} {name}" for name, n in done.items()) + ".")
        if None in done.values():
            raise SystemExit(1)
    else:
        work(current_app.config["WORKER_POLL_SECONDS"])
