"""The retailer's CSV files: the supplier search (one row per product) and the shortlist (one row per
supplier, with the retailer's note). Written by `spreadsheet.table`, like every CSV handed out:
`;`-separated, UTF-8 with a byte order mark, headers and values in the reader's language, decimals as
their spreadsheet reads them."""

from babel.numbers import format_decimal
from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from .. import spreadsheet
from ..web import external_url
from . import services
from .names import DELIVERY
from .search import SupplierQuery, search

MAX_EXPORT_ROWS = 5000
MAX_EXPORT_SUPPLIERS = 1000

SEARCH_HEADER = (
    _l("Product"),
    _l("Category"),
    _l("Organic control body"),
    _l("GMO-free"),
    _l("Haltungsform"),
    _l("Supplier"),
    _l("Postcode"),
    _l("Town"),
    _l("District"),
    _l("Distance (km)"),
    _l("Delivery"),
    _l("Delivery radius (km)"),
    _l("Capacity"),
    _l("Minimum order"),
    _l("Certificate"),
    _l("Valid until"),
    _l("Supplier page"),
    _l("Product page"),
)


def _options(options: list[str]) -> str:
    return ", ".join(str(DELIVERY[option]) for option in options)


def search_csv(user, query: SupplierQuery, locale: str = "de") -> str:
    """Every product the search finds (up to MAX_EXPORT_ROWS), one row each, in the order of the
    results: supplier by supplier, each supplier's products by name."""
    results = search(user, query, limit=MAX_EXPORT_SUPPLIERS, offset=0, max_products=MAX_EXPORT_ROWS)
    rows = []
    for found in results.suppliers:
        organisation, profile = found.organisation, found.profile
        km = None if found.distance_km is None else format_decimal(found.distance_km, "0.0", locale=locale)
        for hit in found.products:
            product, certificate = hit.product, hit.certificate
            rows.append(
                [
                    product.name(locale),
                    product.category.name(locale),
                    product.organic_control_body,
                    _l("yes") if product.gmo_free else _l("no"),
                    product.husbandry_level,
                    organisation.display_name,
                    organisation.postcode,
                    organisation.town,
                    organisation.district,
                    km,
                    _options(found.delivery),
                    profile.delivery_radius_km if profile else None,
                    profile.capacity_notes if profile else None,
                    profile.min_order_note if profile else None,
                    certificate.number if certificate else None,
                    certificate.valid_until if certificate else None,
                    external_url("suppliers.supplier", organisation_id=organisation.id),
                    _absolute(hit.path),
                ]
            )
    return spreadsheet.table(SEARCH_HEADER, rows)


def _absolute(path: str | None) -> str | None:
    return None if path is None else current_app.config["BASE_URL"] + path


SHORTLIST_HEADER = (
    _l("Supplier"),
    _l("Postcode"),
    _l("Town"),
    _l("District"),
    _l("Delivery options"),
    _l("Delivery radius (km)"),
    _l("Capacity"),
    _l("Minimum order"),
    _l("Your note"),
    _l("Added on"),
    _l("Supplier page"),
)


def shortlist_csv(user) -> str:
    """The retailer's shortlist, one row per supplier, with its note."""
    rows = []
    for entry, profile in services.shortlist(user):
        supplier = entry.supplier
        rows.append(
            [
                supplier.display_name,
                supplier.postcode,
                supplier.town,
                supplier.district,
                _options(profile.delivery_options) if profile else None,
                profile.delivery_radius_km if profile else None,
                profile.capacity_notes if profile else None,
                profile.min_order_note if profile else None,
                entry.note,
                format_date(entry.created_at),
                external_url("suppliers.supplier", organisation_id=supplier.id),
            ]
        )
    return spreadsheet.table(SHORTLIST_HEADER, rows)
