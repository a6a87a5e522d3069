"""Test data builders. Each opens its own application context and returns plain values, so that
tests never hold a context (and its `g`) across requests of the test client."""

import itertools
from types import SimpleNamespace

from vonhier import clock
from vonhier.accounts.models import User, UserRole
from vonhier.accounts.services import hash_password
from vonhier.clock import utcnow
from vonhier.extensions import db
from vonhier.organisations.models import Membership, Organisation
from vonhier.permissions import MemberRole, Role

PASSWORD = "Kartoffel-Acker-42"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashing is deliberately slow; do it once per run
_numbers = itertools.count(1)


def _as_values(user: User) -> SimpleNamespace:
    return SimpleNamespace(id=user.id, email=user.email, name=user.name, password=PASSWORD)


def user(app, email=None, name="Erika Mustermann", confirmed=True, roles=(), locale="de", active=True):
    number = next(_numbers)
    with app.app_context():
        account = User(
            email=email or f"user{number}@example.org",
            name=name,
            locale=locale,
            password_hash=_PASSWORD_HASH,
            email_confirmed_at=utcnow() if confirmed else None,
            is_active=active,
        )
        account.roles = [UserRole(role=Role(r)) for r in roles]
        db.session.add(account)
        db.session.commit()
        return _as_values(account)


def organisation(app, owner_id=None, kinds=("producer",), staff_ids=(), **values):
    number = next(_numbers)
    defaults = {
        "legal_name": f"Hof Nummer {number} GbR",
        "display_name": f"Hof Nummer {number}",
        "street": "Dorfstraße 1",
        "postcode": "16225",
        "town": "Eberswalde",
        "state": "BB",
        "latitude": 52.8333,
        "longitude": 13.8167,
    }
    with app.app_context():
        org = Organisation(**{**defaults, **values})
        org.kinds = kinds
        if owner_id:
            org.memberships.append(Membership(user_id=owner_id, role=MemberRole.OWNER))
        for staff_id in staff_ids:
            org.memberships.append(Membership(user_id=staff_id, role=MemberRole.STAFF))
        db.session.add(org)
        db.session.commit()
        return SimpleNamespace(id=org.id, display_name=org.display_name)


def user_with_role(app, role, **kwargs):
    """admin, certifier (staff of a certification body), owner, staff, retailer, or user (no organisation)."""
    if role == "admin":
        return user(app, roles=("admin",), **kwargs)
    if role == "certifier":
        account = user(app, roles=("certifier",), **kwargs)
        account.organisation = organisation(app, kinds=("certification_body",), staff_ids=[account.id])
        return account
    account = user(app, **kwargs)
    if role == "owner":
        account.organisation = organisation(app, owner_id=account.id)
    elif role == "staff":
        account.organisation = organisation(app, owner_id=user(app).id, staff_ids=[account.id])
    elif role == "retailer":
        account.organisation = organisation(app, owner_id=account.id, kinds=("retailer",))
    elif role != "user":
        raise ValueError(role)
    return account


def site(
    app, organisation_id, name="Hof", town="Eberswalde", latitude=52.8333, longitude=13.8167, kind="farm"
):
    from vonhier.catalogue.models import Site
    from vonhier.geo.services import in_default_region

    with app.app_context():
        record = Site(
            organisation_id=organisation_id,
            name=name,
            kind=kind,
            town=town,
            latitude=latitude,
            longitude=longitude,
            in_region=in_default_region(latitude, longitude),
        )
        db.session.add(record)
        db.session.commit()
        return SimpleNamespace(id=record.id, name=name)


def product(app, owner_id, organisation_id, ingredients, stages=(), contains=None, **fields):
    """Save a product through the catalogue service, as the owner would; returns its id. `contains`
    maps ingredient names to the allergen codes they carry."""
    from decimal import Decimal

    from vonhier.catalogue import services
    from vonhier.catalogue.product_input import ProductInput

    values = {"name_de": "Ziegenkäse", "category": "dairy-cheese", "gmo_free": True, **fields}
    rows = [
        {
            "name": name,
            "share": Decimal(str(share)),
            "is_main": n == 0,
            "is_value_determining": False,
            "is_water_or_salt": water,
            "origin_kind": "place" if isinstance(origin, str) else None,
            "origin_site_id": None if isinstance(origin, str) else origin,
            "place_name": origin if isinstance(origin, str) else "",
            "allergens": (contains or {}).get(name, []),
        }
        for n, (name, share, origin, water) in enumerate(ingredients)
    ]
    with app.app_context():
        saved = services.save_product(
            db.session.get(User, owner_id),
            organisation_id,
            None,
            ProductInput(values, rows, [{"kind": kind, "site_id": site_id} for kind, site_id in stages]),
        )
        db.session.commit()
        return saved.id


def licence(app, organisation_id):
    """This year's licence, accepted and paid by invoice, so the organisation may apply."""
    from vonhier.payments import services as payments
    from vonhier.permissions import SYSTEM

    with app.app_context():
        current = payments.accept_terms(SYSTEM, organisation_id)
        if current.status != "active":
            invoice = payments.create_invoice(SYSTEM, current)
            payments.mark_invoice_paid(SYSTEM, invoice, clock.local_now().date(), invoice.gross_cents)
        db.session.commit()
