"""`flask demo load`: a fictional but realistic Berlin-Brandenburg network to try the platform with."""

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..accounts.models import User, UserRole
from ..accounts.services import hash_password
from ..clock import utcnow
from ..extensions import db
from ..organisations.models import Membership, Organisation
from ..permissions import Role
from . import data

# Fixed so that the README can name them; they only ever exist in demo databases.
PASSWORDS = {
    "admin": "Sanddorn-Kiefer-7",
    "certifier": "Pruefsiegel-Heide-4",
    "producer": "Ziegenmilch-Oder-9",
    "retailer": "Wochenmarkt-Spree-3",
    "staff": "Feldlerche-Havel-5",
}


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User)) and not db.session.scalar(
        select(func.count()).select_from(Organisation)
    )


def load() -> list[tuple[str, str, str]]:
    """Create the demo organisations and accounts; returns (role, email, password) for printing."""
    organisations = {}
    for entry in data.ORGANISATIONS:
        values = {k: v for k, v in entry.items() if k not in {"key", "kinds", "lat", "lon"}}
        organisation = Organisation(**values, latitude=entry["lat"], longitude=entry["lon"])
        organisation.kinds = entry["kinds"]
        db.session.add(organisation)
        organisations[entry["key"]] = organisation
    hashes = {role: hash_password(password) for role, password in PASSWORDS.items()}
    accounts = []
    for entry in data.USERS:
        role = entry["role"]
        user = User(
            email=entry["email"],
            name=entry["name"],
            locale=entry["locale"],
            password_hash=hashes[role],
            email_confirmed_at=utcnow(),
        )
        if role in (Role.ADMIN, Role.CERTIFIER):
            user.roles.append(UserRole(role=Role(role)))
        if entry["organisation"]:
            db.session.add(
                Membership(
                    user=user, organisation=organisations[entry["organisation"]], role=entry["membership"]
                )
            )
        db.session.add(user)
        accounts.append((role, entry["email"], PASSWORDS[role]))
    db.session.flush()
    return accounts


@click.group()
def demo():
    """Demo data for trying VON HIER."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database has data.")
@with_appcontext
def load_command(if_empty):
    """Load the demo network into an empty database."""
    if not is_empty():
        if if_empty:
            click.echo("Database is not empty; demo data not loaded.")
            return
        raise click.ClickException(
            "The database is not empty. Demo data is only loaded into an empty database."
        )
    accounts = load()
    db.session.commit()
    click.echo(f"Loaded {len(data.ORGANISATIONS)} demo organisations. Demo accounts:")
    for role, email, password in accounts:
        click.echo(f"  {role:<10} {email:<32} {password}")
