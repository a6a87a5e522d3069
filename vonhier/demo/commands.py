"""`flask demo load`: a fictional but realistic regional network to try the platform with.

The network is data (`data/`, see its README); this module only knows how to create it through the
features' own rules. Products go through the catalogue's CSV import, as a producer's file would."""

from datetime import date, datetime, time, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..accounts.models import User, UserRole
from ..accounts.services import hash_password
from ..catalogue import csv_io
from ..catalogue import services as catalogue
from ..catalogue.models import Category, Product, Site, SupplierLink
from ..certification import certificates, criteria, evidence, review, rules, workflow
from ..clock import utcnow
from ..extensions import db
from ..geo.services import haversine_km
from ..hygiene import euro_cents
from ..orders import services as orders
from ..organisations.models import Membership, Organisation
from ..outlets import services as outlets
from ..outlets.models import Outlet
from ..payments import services as payments
from ..permissions import SYSTEM, Role
from ..region import pack
from ..search import services as search
from . import files


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User)) and not db.session.scalar(
        select(func.count()).select_from(Organisation)
    )


def _district(entry: dict) -> str:
    """The town's district, or in a town divided into districts of its own, the nearest of them."""
    region = pack().places()
    centres = region["city_districts"].get(entry["town"])
    if not centres:
        return region["districts"].get(entry["town"], "")
    return min(centres, key=lambda name: haversine_km(entry["lat"], entry["lon"], *centres[name]))


def load() -> list[tuple[str, str, str]]:
    """Create the demo organisations and accounts; returns (role, email, password) for printing."""
    organisations = {}
    for entry in files.organisations():
        values = {k: v for k, v in entry.items() if k not in {"key", "kinds", "lat", "lon"}}
        organisation = Organisation(
            **values, latitude=entry["lat"], longitude=entry["lon"], district=_district(entry)
        )
        organisation.kinds = entry["kinds"]
        db.session.add(organisation)
        organisations[entry["key"]] = organisation
    passwords = files.accounts()["passwords"]
    hashes = {role: hash_password(password) for role, password in passwords.items()}
    accounts = []
    for entry in files.accounts()["user"]:
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
        if entry.get("organisation"):
            db.session.add(
                Membership(
                    user=user, organisation=organisations[entry["organisation"]], role=entry["membership"]
                )
            )
        db.session.add(user)
        accounts.append((role, entry["email"], passwords[role]))
    db.session.flush()
    load_catalogue({key: org.id for key, org in organisations.items()})
    load_outlets({key: org.id for key, org in organisations.items()})
    load_offers({key: org.id for key, org in organisations.items()})
    load_licences()
    load_certification(_user(files.accounts()["certifier"]))
    load_suppliers()
    # Products were indexed as they were saved; organisations were added directly: rebuild in one pass.
    search.reindex()
    return accounts


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def load_suppliers() -> None:
    """Delivery settings for every producer and processor, and one inquiry from the demo retailer."""
    from ..suppliers.models import InquiryMessage, InquiryRead, InquiryThread, SupplierProfile

    story = files.toml("story")
    notes = story["suppliers"]["capacity_notes"]

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
                capacity_notes=notes[number % len(notes)],
                min_order_note="" if number % 3 else story["suppliers"]["min_order_note"],
            )
        )
    inquiry = story["inquiry"]
    retailer, producer = _user(inquiry["retailer"]), _user(inquiry["supplier"])
    if retailer is None or producer is None:
        return
    now = utcnow()
    thread = InquiryThread(
        retailer_id=retailer.memberships[0].organisation_id,
        supplier_id=producer.memberships[0].organisation_id,
        subject=inquiry["subject"],
        created_by_id=retailer.id,
        created_at=now - timedelta(days=2),
        last_message_at=now - timedelta(days=1),
    )
    db.session.add(thread)
    messages = [
        (retailer, thread.retailer_id, now - timedelta(days=2), inquiry["question"]),
        (producer, thread.supplier_id, now - timedelta(days=1), inquiry["answer"]),
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
    """Sites, products and batches, saved through the catalogue's own rules (as the platform); each
    organisation's products from its file, through the CSV import a producer uses."""
    for row in files.table("sites"):
        values = {k: v for k, v in row.items() if k not in {"organisation", "latitude", "longitude"}}
        catalogue.save_site(
            SYSTEM,
            organisation_ids[row["organisation"]],
            None,
            {**values, "latitude": float(row["latitude"]), "longitude": float(row["longitude"])},
        )
    for key, organisation_id in organisation_ids.items():
        if (raw := files.products(key)) is not None:
            csv_io.import_file(SYSTEM, organisation_id, raw)
    load_batches(organisation_ids)
    # Most suppliers have answered; a few requests are still open and one was declined.
    links = db.session.scalars(select(SupplierLink).order_by(SupplierLink.id)).all()
    for number, link in enumerate(links):
        if number % 7 != 3:
            catalogue.decide_supplier_request(SYSTEM, link.id, confirm=number != 5)


def load_batches(organisation_ids: dict[str, int]) -> None:
    """Batches by product reference; an origin site is named as in the product files."""
    products, sites = {}, {}
    for row in files.table("batches"):
        organisation_id = organisation_ids[row["organisation"]]
        if organisation_id not in sites:
            sites[organisation_id] = csv_io.SiteNames(organisation_id)
            products.update(
                {(organisation_id, p.reference): p for p in catalogue.products_of(organisation_id, None)}
            )
        origin = row["origin_site"]
        catalogue.save_batch(
            SYSTEM,
            products[organisation_id, row["reference"]],
            None,
            {
                "lot": row["lot"],
                "produced_on": date.fromisoformat(row["produced_on"]),
                "best_before": date.fromisoformat(row["best_before"]) if row["best_before"] else None,
                "origin_site_id": sites[organisation_id].resolve(origin) if origin else None,
                "origin_note": row["origin_note"],
            },
        )


OUTLET_TEXTS = (
    "kind",
    "name",
    "street",
    "postcode",
    "town",
    "opening_hours",
    "accessibility",
    "description",
    "website",
)


def load_outlets(organisation_ids: dict[str, int]) -> None:
    """Outlets with opening hours and what they sell, saved through the outlets' own rules."""
    categories = {c.slug: c for c in db.session.scalars(select(Category))}
    products: dict[int, list[Product]] = {}
    for product in db.session.scalars(select(Product).order_by(Product.id)):
        products.setdefault(product.organisation_id, []).append(product)
    for row in files.table("outlets"):
        organisation_id = organisation_ids[row["organisation"]]
        own = products.get(organisation_id, [])
        offered = row["products"].split("|")  # "all", or the categories of the products offered
        chosen = own if offered == ["all"] else [p for p in own if p.category and p.category.slug in offered]
        payment = row["payment"]  # c: cash, k: card, m: mobile
        outlets.save_outlet(
            SYSTEM,
            organisation_id,
            None,
            {
                **{k: row[k] for k in OUTLET_TEXTS},
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
                "accepts_cash": "c" in payment,
                "accepts_card": "k" in payment,
                "accepts_mobile": "m" in payment,
                "delivery_radius_km": int(row["delivery_radius_km"]) if row["delivery_radius_km"] else None,
                "product_ids": [p.id for p in chosen],
                "category_ids": [categories[slug].id for slug in filter(None, row["categories"].split("|"))],
            },
        )


def load_offers(organisation_ids: dict[str, int]) -> None:
    """Pre-order offers at a few outlets (`offers.csv`), saved through the orders' own rules."""
    for row in files.table("offers"):
        organisation_id = organisation_ids[row["organisation"]]
        outlet = db.session.scalar(
            select(Outlet).where(Outlet.organisation_id == organisation_id, Outlet.name == row["outlet"])
        )
        product = db.session.scalar(
            select(Product).where(
                Product.organisation_id == organisation_id, Product.reference == row["product"]
            )
        )
        optional = ("pack_size", "estimated_amount", "quantity_per_date")
        number = {key: int(row[key]) if row[key] else None for key in optional}
        orders.save_offer(
            SYSTEM,
            organisation_id,
            None,
            {
                "product_id": product.id,
                "outlet_id": outlet.id,
                "unit": row["unit"],
                "price_cents": euro_cents(row["price"]),
                "vat_percent": int(row["vat"]),
                "pack_size": number["pack_size"],
                "measure": row["measure"] or None,
                "estimated_amount": number["estimated_amount"],
                "quantity_per_date": number["quantity_per_date"],
                "deadline_days_before": int(row["deadline_days_before"]),
                "deadline_time": time.fromisoformat(row["deadline_time"]),
                "is_active": row["active"] == "ja",
            },
        )
    # The sellers' legal details, without which a shop takes no orders (`shops.csv`).
    for row in files.table("shops"):
        orders.save_settings(
            SYSTEM,
            organisation_ids[row["organisation"]],
            row["pay_at_pickup"] == "ja",
            {key: row[key] for key in ("representative", "register_entry", "vat_id")},
        )


@click.group()
def demo():
    """Demo data for trying the label: the region pack's demo network."""


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
    counts = {
        name: db.session.scalar(select(func.count()).select_from(model))
        for name, model in (("organisations", Organisation), ("sites", Site), ("products", Product))
    }
    click.echo(
        f"Loaded {counts['organisations']} demo organisations with {counts['sites']} sites and "
        f"{counts['products']} products, {db.session.scalar(select(func.count(Outlet.id)))} outlets. "
        "Demo accounts:"
    )
    for role, email, password in accounts:
        click.echo(f"  {role:<10} {email:<32} {password}")


def load_licences() -> None:
    """This year's licences, paid by invoice — except for one owner, who can try paying themselves."""
    unlicensed = _user(files.accounts()["unlicensed_owner"])
    for organisation in db.session.scalars(select(Organisation).order_by(Organisation.id)):
        if organisation.has_kind("certification_body") or not catalogue.products_of(organisation.id):
            continue
        if unlicensed and any(m.user_id == unlicensed.id for m in organisation.memberships):
            continue
        licence = payments.accept_terms(SYSTEM, organisation.id)
        # The demo's businesses have been licensed since January: loaded late in the year, a licence
        # accepted today would cost the rest of the year only (payments/years.py).
        licence.terms_accepted_at = datetime(licence.year, 1, 1)
        if licence.status != "active":
            invoice = payments.create_invoice(SYSTEM, licence)
            payments.mark_invoice_paid(SYSTEM, invoice, utcnow().date(), invoice.gross_cents)


def _certify(certifier: User, organisation: Organisation, products: list[Product], issued: date):
    """An application with the demo documents, each checked by the certifier (the evidence gate),
    approved on `issued`; returns the certificate."""
    application = workflow.create_application(SYSTEM, organisation.id, [p.id for p in products])
    _add_demo_evidence(application)
    workflow.submit(SYSTEM, application)
    workflow.take(certifier, application)
    for document in application.evidence:
        review.check_document(certifier, document, True)
    return workflow.approve(certifier, application, "", today=issued)


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
            issued = today - timedelta(days=400 if number == len(producers) - 1 else number)
            granted.append(_certify(certifier, organisation, passing, issued))
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
    decisions = files.toml("story")["certification"]
    certificates.suspend(certifier, granted[2], decisions["suspended"], today + timedelta(days=30))
    certificates.revoke(certifier, granted[3], decisions["revoked"])
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
            certifier, application, files.toml("story")["certification"]["changes_requested"]
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
