"""The public product catalogue (`/produkte`) and the products panel of an organisation's profile."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale

from ..arguments import Refused
from ..catalogue import services as catalogue
from ..geo.places import AmbiguousPlace
from ..organisations.services import districts
from ..organisations.signals import profile_shown
from ..outlets.finder import RADIUS_KM
from ..web import Listing, cells
from . import search
from .signals import cards_shown

bp = Blueprint("discover", __name__)

PROFILE_PRODUCTS = 12  # on an organisation's profile; the catalogue lists them all


@profile_shown.connect
def _products_panel(organisation, **_) -> str | None:
    """An organisation's profile lists its certified products, linked to their pages."""
    found = search.search_products(search.ProductQuery(organisation=organisation.id), PROFILE_PRODUCTS)
    if not found.total:
        return None
    return render_template("discover/_organisation_products.html", result=found, organisation=organisation)


@bp.get("/produkte")
def catalogue_page():
    """Certified products to discover: public, the whole query in the address, usable without JS. A
    place name that means several places answers 200 with the choices as links (as the finder does);
    a search that finds nothing says which filter removed the last products."""
    result, error, query, choices, hints = None, None, None, [], []
    try:
        query = search.parse(request.args)
        result = search.search_products(query)
    except AmbiguousPlace as ambiguous:
        choices = [
            (choice, url_for("discover.catalogue_page", **query.args(near=choice.text, page=1)))
            for choice in ambiguous.choices
        ]
    except Refused as refused:
        error = refused.description
    if result is not None and result.total and query.page > result.pages:
        # A link to a page that no longer exists (fewer products now): the last page there is.
        return redirect(url_for("discover.catalogue_page", **query.args(page=result.pages)))
    categories = catalogue.categories()
    names = {c.slug: c.name(str(get_locale())) for c in categories}
    producer = search.producer_name(query.organisation) if result is not None else ""
    if result is not None and not result.total:
        hints = search.why_nothing(
            result, names, producer, lambda q: url_for("discover.catalogue_page", **q.args())
        )
    pages = Listing(result.cards, query.page, query.page < result.pages) if result is not None else None
    # What later features add to each card (the orders feature's "Pre-order").
    extras = cells(cards_shown, None, product_ids=[card.product.id for card in result.cards]) if pages else {}
    return render_template(
        "discover/catalogue.html",
        result=result,
        pages=pages,
        extras=extras,
        error=error,
        choices=choices,
        hints=hints,
        categories=categories,
        districts=districts(),
        criteria=search.CRITERIA,
        allergens=search.ALLERGENS,
        radii=tuple(km for km in search.RADII if RADIUS_KM[0] <= km <= RADIUS_KM[1]),
        husbandry_levels=search.HUSBANDRY_LEVELS,
        regional_shares=search.REGIONAL_SHARES,
        filters=search.filters(query, names, producer) if result else [],
    ), (400 if error else 200)
