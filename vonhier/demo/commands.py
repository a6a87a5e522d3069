"""`flask demo load`: a fictional but realistic Berlin-Brandenburg network to try the platform with."""

from datetime import date
from decimal import Decimal

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..accounts.models import User, UserRole
from ..accounts.services import hash_password
from ..catalogue import services as catalogue
from ..catalogue.models import OriginKind, Species, StageKind, SupplierLink, Unit
from ..clock import utcnow
from ..extensions import db
from ..organisations.models import Membership, Organisation
from ..permissions import SYSTEM, Role
from . import catalogue_data, data

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
    load_catalogue({key: org.id for key, org in organisations.items()})
    return accounts


def load_catalogue(organisation_ids: dict[str, int]) -> None:
    """Sites, products and batches, saved through the catalogue's own rules (as the platform)."""
    site_ids = {}
    for entry in catalogue_data.SITES:
        values = {k: v for k, v in entry.items() if k not in {"key", "organisation", "lat", "lon"}}
        site = catalogue.save_site(
            SYSTEM,
            organisation_ids[entry["organisation"]],
            None,
            {**values, "latitude": entry["lat"], "longitude": entry["lon"]},
        )
        site_ids[entry["key"]] = site.id
    for entry in catalogue_data.PRODUCTS:
        fields = {
            k: entry[k]
            for k in (
                "reference",
                "name_de",
                "name_en",
                "category",
                "description_de",
                "description_en",
                "gtin",
                "organic_control_body",
                "gmo_free",
                "husbandry_level",
            )
        }
        fields["package_size"] = Decimal(entry["package_size"]) if entry["package_size"] else None
        fields["package_unit"] = Unit(entry["package_unit"]) if entry["package_unit"] else None
        fields["species"] = Species(entry["species"]) if entry["species"] else None
        ingredients = [
            {
                "name": row["name"],
                "share": Decimal(row["share"]),
                "is_main": row["is_main"],
                "is_value_determining": row["is_value_determining"],
                "is_water_or_salt": row["is_water_or_salt"],
                "origin_kind": OriginKind.PLACE if "place" in row["origin"] else None,
                "origin_site_id": site_ids.get(row["origin"].get("site")),
                "place_name": row["origin"].get("place", ""),
            }
            for row in entry["ingredients"]
        ]
        stages = [{"kind": StageKind(s["kind"]), "site_id": site_ids[s["site"]]} for s in entry["stages"]]
        product = catalogue.save_product(
            SYSTEM,
            organisation_ids[entry["organisation"]],
            None,
            catalogue.ProductInput(fields, ingredients, stages),
        )
        for batch in entry["batches"]:
            catalogue.save_batch(
                SYSTEM,
                product,
                None,
                {
                    "lot": batch["lot"],
                    "produced_on": date.fromisoformat(batch["produced_on"]),
                    "best_before": date.fromisoformat(batch["best_before"]) if batch["best_before"] else None,
                    "origin_site_id": site_ids.get(batch["origin_site"]),
                    "origin_note": batch["origin_note"],
                },
            )
    # Most suppliers have answered; a few requests are still open and one was declined.
    links = db.session.scalars(select(SupplierLink).order_by(SupplierLink.id)).all()
    for number, link in enumerate(links):
        if number % 7 != 3:
            catalogue.decide_supplier_request(SYSTEM, link.id, confirm=number != 5)


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
    click.echo(
        f"Loaded {len(data.ORGANISATIONS)} demo organisations with {len(catalogue_data.SITES)} sites and "
        f"{len(catalogue_data.PRODUCTS)} products. Demo accounts:"
    )
    for role, email, password in accounts:
        click.echo(f"  {role:<10} {email:<32} {password}")
