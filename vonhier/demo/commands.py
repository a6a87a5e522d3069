"""`flask demo load`: a fictional but realistic Berlin-Brandenburg network to try the platform with."""

from datetime import date, timedelta
from decimal import Decimal

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..accounts.models import User, UserRole
from ..accounts.services import hash_password
from ..catalogue import services as catalogue
from ..catalogue.models import Category, OriginKind, Product, Species, StageKind, SupplierLink, Unit
from ..catalogue.product_input import PRODUCT_FIELDS, ProductInput
from ..certification import certificates, criteria, evidence, review, rules, workflow
from ..clock import utcnow
from ..extensions import db
from ..geo.services import haversine_km
from ..organisations.models import Membership, Organisation
from ..outlets import services as outlets
from ..payments import services as payments
from ..permissions import SYSTEM, Role
from ..search import services as search
from . import catalogue_data, data, outlets_data

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


def _district(entry: dict) -> str:
    if entry["town"] != "Berlin":
        return data.DISTRICTS.get(entry["town"], "")
    return min(
        data.BERLIN_DISTRICTS,
        key=lambda name: haversine_km(entry["lat"], entry["lon"], *data.BERLIN_DISTRICTS[name]),
    )


def load() -> list[tuple[str, str, str]]:
    """Create the demo organisations and accounts; returns (role, email, password) for printing."""
    organisations = {}
    for entry in data.ORGANISATIONS:
        values = {k: v for k, v in entry.items() if k not in {"key", "kinds", "lat", "lon"}}
        organisation = Organisation(
            **values, latitude=entry["lat"], longitude=entry["lon"], district=_district(entry)
        )
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
    load_outlets({key: org.id for key, org in organisations.items()})
    load_licences()
    load_certification(db.session.scalar(select(User).where(User.email == data.CERTIFIER_EMAIL)))
    load_suppliers()
    # Products were indexed as they were saved; organisations were added directly: rebuild in one pass.
    search.reindex()
    return accounts


CAPACITY_NOTES = (
    "Ganzjährig lieferbar, etwa 150 kg pro Woche.",
    "Saisonal von Mai bis Oktober; größere Mengen nach Absprache.",
    "Kleine Mengen, wöchentlich frisch; Abholung dienstags und freitags.",
    "Bis zu 2 Paletten pro Woche über unseren Logistikpartner.",
)


def load_suppliers() -> None:
    """Delivery settings for every producer and processor, and one inquiry from the demo retailer."""
    from ..suppliers.models import InquiryMessage, InquiryRead, InquiryThread, SupplierProfile

    suppliers = [
        o
        for o in db.session.scalars(select(Organisation).order_by(Organisation.id))
        if (o.has_kind("producer") or o.has_kind("processor")) and catalogue.products_of(o.id)
    ]
    for number, organisation in enumerate(suppliers):
        db.session.add(
            SupplierProfile(
                organisation_id=organisation.id,
                delivers_pickup=number % 3 != 2,
                delivers_own=number % 2 == 0,
                delivers_partner=number % 4 == 1,
                delivery_radius_km=(40, 60, 80, 120)[number % 4],
                capacity_notes=CAPACITY_NOTES[number % len(CAPACITY_NOTES)],
                min_order_note="" if number % 3 else "Ab 50 € Warenwert",
            )
        )
    retailer = db.session.scalar(select(User).where(User.email == "handel@vonhier.example"))
    producer = db.session.scalar(select(User).where(User.email == "erzeuger@vonhier.example"))
    if retailer is None or producer is None:
        return
    now = utcnow()
    thread = InquiryThread(
        retailer_id=retailer.memberships[0].organisation_id,
        supplier_id=producer.memberships[0].organisation_id,
        subject="Anfrage: Eier für unseren Laden",
        created_by_id=retailer.id,
        created_at=now - timedelta(days=2),
        last_message_at=now - timedelta(days=1),
    )
    db.session.add(thread)
    messages = [
        (
            retailer,
            thread.retailer_id,
            now - timedelta(days=2),
            "Guten Tag, wir suchen ab nächstem Monat wöchentlich etwa 60 Eier (Haltungsform 4). "
            "Liefern Sie nach Berlin, oder wäre eine Abholung möglich?",
        ),
        (
            producer,
            thread.supplier_id,
            now - timedelta(days=1),
            "Hallo Herr Hellwig, gern! Wir fahren donnerstags nach Berlin und können Sie mitbeliefern. "
            "Ich schicke Ihnen unsere Preisliste.",
        ),
    ]
    for author, organisation_id, when, body in messages:
        db.session.add(
            InquiryMessage(
                thread=thread,
                organisation_id=organisation_id,
                author_id=author.id,
                body=body,
                created_at=when,
            )
        )
    db.session.flush()
    # The retailer has read their own message but not the answer yet: the unread marker shows.
    first = thread.messages[0]
    db.session.add(InquiryRead(thread_id=thread.id, user_id=retailer.id, last_message_id=first.id))


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
        fields = {k: entry[k] for k in PRODUCT_FIELDS}
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
            ProductInput(fields, ingredients, stages),
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


def load_outlets(organisation_ids: dict[str, int]) -> None:
    """Outlets with opening hours and what they sell, saved through the outlets' own rules."""
    categories = {c.slug: c for c in db.session.scalars(select(Category))}
    products: dict[int, list[Product]] = {}
    for product in db.session.scalars(select(Product).order_by(Product.id)):
        products.setdefault(product.organisation_id, []).append(product)
    for (
        org,
        kind,
        name,
        street,
        postcode,
        town,
        lat,
        lon,
        hours,
        pay,
        offered,
        extra,
        access,
    ) in outlets_data.OUTLETS:
        organisation_id = organisation_ids[org]
        own = products.get(organisation_id, [])
        chosen = (
            own
            if offered == outlets_data.ALL
            else [p for p in own if p.category is not None and p.category.slug in offered]
        )
        outlets.save_outlet(
            SYSTEM,
            organisation_id,
            None,
            {
                "kind": kind,
                "name": name,
                "street": street,
                "postcode": postcode,
                "town": town,
                "latitude": lat,
                "longitude": lon,
                "opening_hours": hours,
                "accepts_cash": "c" in pay,
                "accepts_card": "k" in pay,
                "accepts_mobile": "m" in pay,
                "accessibility": access,
                "description": outlets_data.DESCRIPTIONS[kind],
                "website": outlets_data.WEBSITES.get(name, ""),
                "delivery_radius_km": outlets_data.DELIVERY_KM.get(name),
                "product_ids": [p.id for p in chosen],
                "category_ids": [categories[slug].id for slug in extra],
            },
        )


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
    current_app.config["MAIL_SUPPRESS"] = True
    try:
        accounts = load()
        db.session.commit()
    finally:
        current_app.config["MAIL_SUPPRESS"] = False
    click.echo(
        f"Loaded {len(data.ORGANISATIONS)} demo organisations with {len(catalogue_data.SITES)} sites and "
        f"{len(catalogue_data.PRODUCTS)} products, {len(outlets_data.OUTLETS)} outlets. Demo accounts:"
    )
    for role, email, password in accounts:
        click.echo(f"  {role:<10} {email:<32} {password}")


def load_licences() -> None:
    """This year's licences, paid by invoice — except for one owner, who can try paying themselves."""
    unlicensed = db.session.scalar(select(User).where(User.email == data.UNLICENSED_OWNER))
    for organisation in db.session.scalars(select(Organisation).order_by(Organisation.id)):
        if organisation.has_kind("certification_body") or not catalogue.products_of(organisation.id):
            continue
        if unlicensed and any(m.user_id == unlicensed.id for m in organisation.memberships):
            continue
        licence = payments.accept_terms(SYSTEM, organisation.id)
        if licence.status != "active":
            invoice = payments.create_invoice(SYSTEM, licence)
            payments.mark_invoice_paid(SYSTEM, invoice, utcnow().date(), invoice.gross_cents)


def load_certification(certifier: User) -> None:
    """The demo certifier's decisions: most products certified, some rejected, one certificate each
    suspended, revoked and expired, and open applications in every state."""
    today = utcnow().date()
    current = criteria.current_catalogue()
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.id)).all()
    producers = [o for o in organisations if payments.is_current(o.id) and catalogue.products_of(o.id)]
    open_states = ["draft", "submitted", "in_review", "changes_requested", "withdrawn"]
    granted = []
    for number, organisation in enumerate(producers):
        products = catalogue.products_of(organisation.id)
        passing = [
            p
            for p in products
            if rules.summary(criteria.precheck(p.current_version.data, current)) != rules.Outcome.FAILED
        ]
        failing = [p for p in products if p not in passing]
        if number < len(open_states):
            # A few organisations keep one product back in an application that is still open.
            *passing, kept = passing or [None]
            if kept is not None:
                _open_application(certifier, organisation, kept, open_states[number])
        if passing:
            application = workflow.create_application(SYSTEM, organisation.id, [p.id for p in passing])
            _add_demo_evidence(application)
            workflow.submit(SYSTEM, application)
            workflow.take(certifier, application)
            for document in application.evidence:  # the evidence gate of the approval
                review.check_document(certifier, document, True)
            issued = (
                today - timedelta(days=400)
                if number == len(producers) - 1
                else today - timedelta(days=number)
            )
            granted.append(workflow.approve(certifier, application, "", today=issued))
        if failing:
            application = workflow.create_application(SYSTEM, organisation.id, [p.id for p in failing])
            workflow.submit(SYSTEM, application)
            workflow.take(certifier, application)
            reasons = "; ".join(
                r.message
                for p in failing[:2]
                for r in criteria.precheck(p.current_version.data, current)
                if r.outcome == "failed"
            )
            workflow.reject(certifier, application, reasons[:2000])
    # Not the first two (the dairies): retailers trying the supplier search should find certified dairies.
    certificates.suspend(
        certifier,
        granted[2],
        "Nachweise zur Fütterung fehlen seit der letzten Kontrolle.",
        today + timedelta(days=30),
    )
    certificates.revoke(
        certifier, granted[3], "Zutaten aus nicht-regionaler Herkunft trotz Zusage verwendet."
    )
    certificates.remind(today)  # the certificate issued 400 days ago is now marked expired


def _open_application(certifier: User, organisation: Organisation, product, state: str) -> None:
    application = workflow.create_application(SYSTEM, organisation.id, [product.id])
    if state == "draft":
        return
    if state == "withdrawn":
        workflow.withdraw(SYSTEM, application)
        return
    workflow.submit(SYSTEM, application)
    if state in ("in_review", "changes_requested"):
        workflow.take(certifier, application)
    if state == "changes_requested":
        workflow.request_changes(
            certifier,
            application,
            "Bitte den Nachweis der Haltungsform und die Lieferantenerklärung nachreichen.",
        )


def _add_demo_evidence(application) -> None:
    """A minimal but real PDF for each kind of evidence the demo products need."""
    needed = {
        kind
        for item in application.items
        for result in criteria.precheck(item.product.current_version.data, application.catalogue)
        for kind in result.figures.get("missing_evidence", [])
    }
    for kind in sorted(needed):
        evidence.add(SYSTEM, application, kind, f"{kind}.pdf", DEMO_PDF)


DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
    b"endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
