"""The API's resources as plain dicts: the shapes `openapi.py` describes, field for field."""

from flask import current_app, url_for

from .. import clock
from ..catalogue.snapshot import allergens
from ..certification.certificates import effective_status
from ..certification.models import Certificate, CertificateProduct
from ..orders import prices
from ..orders import shown as offers_shown
from ..orders.models import Offer
from ..organisations.models import Organisation
from ..outlets import services as outlet_services
from ..outlets.models import Outlet
from . import services


def _absolute(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def _coordinates(latitude, longitude) -> dict | None:
    if latitude is None or longitude is None:
        return None
    return {"lat": round(latitude, 6), "lon": round(longitude, 6)}


def category(category) -> dict:
    return {"slug": category.slug, "name_de": category.name_de, "name_en": category.name_en}


def _ref(organisation: Organisation, licensed: bool = True) -> dict:
    """An organisation named by another resource; `url` is its API profile (licensed ones only)."""
    return {
        "id": organisation.id,
        "name": organisation.display_name,
        "url": _absolute("api.organisation", organisation_id=organisation.id) if licensed else None,
        "page_url": _absolute("organisations.profile", organisation_id=organisation.id),
    }


def _certificate_ref(certificate: Certificate) -> dict:
    return {
        "number": certificate.number,
        "status": effective_status(certificate).value,
        "valid_from": certificate.valid_from.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "url": _absolute("api.certificate", number=certificate.number),
    }


def _allergens(data: dict) -> dict:
    """The allergens of a version: recorded or not, contained (with the ingredients carrying each) and
    possible traces, as Annex II codes."""
    found = allergens(data)
    carriers = {
        code: [i["name"] for i in data.get("ingredients", []) if code in i.get("allergens", [])]
        for code in found["contains"]
    }
    return {
        "recorded": found["recorded"],
        "contains": [{"allergen": code, "ingredients": carriers[code]} for code in found["contains"]],
        "traces": found["traces"],
    }


def offer(found: Offer) -> dict:
    """An offer on sale: price per sales unit (incl. VAT, a decimal string), the unit price per kg or litre,
    the order deadline, and the buyer's shop page. No stock and no orders."""
    per = prices.offer_unit_price(found)
    return {
        "id": found.id,
        "product": {
            "id": found.product.id,
            "name_de": found.product.name_de,
            "name_en": found.product.name_en or None,
        },
        "outlet": {
            "id": found.outlet.id,
            "name": found.outlet.name,
            "town": found.outlet.town,
            "url": _absolute("api.outlet", outlet_id=found.outlet.id),
        },
        "price": offers_shown.decimal_price(found.price_cents),
        "currency": "EUR",
        "vat_percent": found.vat_percent,
        "unit": found.unit.value,
        "pack_size": found.pack_size,
        "measure": found.measure.value if found.measure else None,
        "estimated_amount": found.estimated_amount,
        "unit_price": (
            {"price": offers_shown.decimal_price(per.cents), "per": per.measure.value} if per else None
        ),
        "quantity_per_date": found.quantity_per_date,
        "order_deadline": {
            "days_before": found.deadline_days_before,
            "time": found.deadline_time.strftime("%H:%M"),
        },
        "shop_url": offers_shown.shop_url(found),
    }


def products(entries: list[CertificateProduct], detail: bool = False) -> list[dict]:
    ids = [entry.product_id for entry in entries]
    versions = services.current_data(ids)
    codes = services.codes(ids)
    result = []
    for entry in entries:
        product, rows = entry.product, codes.get(entry.product_id, [])
        main = next((row for row in rows if row.lot is None), None)
        data = versions.get(product.id, {})
        found = data.get("figures", {})
        item = {
            "id": product.id,
            "name_de": product.name_de,
            "name_en": product.name_en or None,
            "category": category(product.category),
            "producer": _ref(product.organisation),
            "gtin": product.gtin,
            "url": main.url if main else None,
            "qr_svg": main.svg_url if main else None,
            "certificate": _certificate_ref(entry.certificate),
            "regional_share": found.get("regional_share"),
            "chain_km": found.get("chain_km"),
            "allergens": _allergens(data),
        }
        if detail:
            item["batches"] = [
                {"lot": row.lot, "url": row.url, "qr_svg": row.svg_url} for row in rows if row.lot is not None
            ]
            item["offers"] = [offer(found) for found in services.product_offers(product.id)]
        result.append(item)
    return result


def organisation(organisation: Organisation, detail: bool = False) -> dict:
    item = {
        "id": organisation.id,
        "name": organisation.display_name,
        "legal_name": organisation.legal_name,
        "kinds": [kind.value for kind in organisation.kinds],
        "description_de": organisation.description_de or None,
        "description_en": organisation.description_en or None,
        "address": {
            "street": organisation.street,
            "postcode": organisation.postcode,
            "town": organisation.town,
            "district": organisation.district or None,
            "state": organisation.state or None,
            "country": organisation.country,
        },
        "coordinates": _coordinates(organisation.latitude, organisation.longitude),
        "contact": {
            "website": organisation.website or None,
            "phone": organisation.phone or None,
            "email": organisation.email or None,
        },
        "founding_year": organisation.founding_year,
        "control_body_code": organisation.control_body_code or None,
        "logo_url": _absolute("media.image", name=organisation.logo) if organisation.logo else None,
        "page_url": _absolute("organisations.profile", organisation_id=organisation.id),
    }
    if detail:
        item["outlets"] = [
            {
                "id": outlet.id,
                "name": outlet.name,
                "kind": outlet.kind.value,
                "url": _absolute("api.outlet", outlet_id=outlet.id),
            }
            for outlet in outlet_services.outlets_of(organisation.id)
        ]
    return item


def outlets(rows: list[Outlet], locale: str) -> list[dict]:
    now = clock.local_now()
    urls = services.product_codes([p.id for outlet in rows for p in outlet.products])
    licensed = services.licensed_among(outlet.organisation_id for outlet in rows)
    result = []
    for outlet in rows:
        status = outlet_services.opening_status(outlet, now, locale)
        result.append(
            {
                "id": outlet.id,
                "name": outlet.name,
                "kind": outlet.kind.value,
                "description": outlet.description or None,
                "organisation": _ref(outlet.organisation, outlet.organisation_id in licensed),
                "address": {
                    "street": outlet.street,
                    "postcode": outlet.postcode,
                    "town": outlet.town,
                    "state": outlet.state or None,
                    "country": outlet.country,
                },
                "coordinates": _coordinates(outlet.latitude, outlet.longitude),
                "opening_hours": outlet.opening_hours or None,
                "open_now": status.is_open if status and status.state != "unknown" else None,
                "opening_state": status.state if status else None,
                "next_change": status.next_change.isoformat() if status and status.next_change else None,
                "holiday": status.holiday if status else None,
                "website": outlet.website or None,
                "delivery_radius_km": outlet.delivery_radius_km,
                "payment": {
                    "cash": outlet.accepts_cash,
                    "card": outlet.accepts_card,
                    "mobile": outlet.accepts_mobile,
                },
                "accessibility": outlet.accessibility or None,
                "products": [
                    {"id": p.id, "name_de": p.name_de, "name_en": p.name_en or None, "url": urls.get(p.id)}
                    for p in outlet.products
                    if not p.is_archived
                ],
                "categories": [category(c) for c in outlet.categories],
                "page_url": _absolute("outlets.page", outlet_id=outlet.id),
            }
        )
    return result


def certificate(certificate: Certificate) -> dict:
    return {
        **_certificate_ref(certificate),
        "holder": _ref(certificate.organisation),
        "body": {
            "id": certificate.certification_body.id,
            "name": certificate.certification_body.display_name,
        },
        "page_url": _absolute("certification.certificate", number=certificate.number),
        "products": [
            {"id": link.product.id, "name_de": link.product.name_de, "name_en": link.product.name_en or None}
            for link in certificate.products
        ],
    }
