"""Where offers show outside the producer's pages: "Pre-order" on a product's provenance page (and its
JSON-LD `offers`), on an outlet's public page and on the product catalogue's cards; the finder's
"pre-order available"; the public API's offers. Each of those features comes before orders, so they ask
through their signals and the receivers here answer; none of them imports this feature.

An offer is on sale (`on_sale`) while it is active, its product active and its outlet open to the public
with opening hours (buyers pick up while it is open). Every place below shows exactly those, and every
link leads to the buyer's shop page of the outlet (`orders.shop`), with the product chosen.

Stock is not read for any of it: what is left changes with every order, and the provenance page is a
stored page whose revision would then follow every order. An offer on sale is `InStock` for search
engines; the shop page says what is left for each pick-up date.
"""

from decimal import Decimal

from flask import render_template
from sqlalchemy import exists, inspect, select
from sqlalchemy.orm import contains_eager

from ..catalogue.models import Product, ProductStatus
from ..database import german
from ..discover.signals import cards_shown
from ..extensions import db
from ..geo.structured import postal_address
from ..organisations import structured as organisations_structured
from ..outlets.models import Outlet
from ..outlets.signals import page_shown, pre_order_condition
from ..payments.models import ConnectedAccount
from ..provenance import services as provenance
from ..provenance.signals import pre_orders, rows_shown
from ..web import external_url
from . import legal, prices
from .models import Measure, Offer, ShopSettings

# On a catalogue card: the nearest choices; the product's page lists every outlet.
OUTLETS_ON_CARD = 2
# UN/CEFACT codes of the unit price's base, as schema.org's `unitCode` takes them.
UNIT_CODES = {Measure.KILOGRAM: "KGM", Measure.LITRE: "LTR"}
IN_STOCK = "https://schema.org/InStock"


def on_sale():
    """The conditions of an offer buyers see, on `Offer` joined to its `Product` and `Outlet`."""
    return (
        Offer.is_active.is_(True),
        Product.status == ProductStatus.ACTIVE,
        Outlet.archived_at.is_(None),
        Outlet.opening_hours != "",
        legal.takes_orders(Offer.organisation_id),
    )


def offers_statement(product_ids=None, outlet_id: int | None = None):
    """Offers on sale (of these products, at this outlet), with product and outlet, by the outlet's town
    and name, then the product's name: the order a shopper chooses in."""
    statement = (
        select(Offer)
        .join(Offer.product)
        .join(Offer.outlet)
        .where(*on_sale())
        .options(contains_eager(Offer.product), contains_eager(Offer.outlet))
        .order_by(german(Outlet.town), german(Outlet.name), german(Product.name_de), Offer.id)
    )
    if product_ids is not None:
        statement = statement.where(Offer.product_id.in_(product_ids))
    if outlet_id is not None:
        statement = statement.where(Offer.outlet_id == outlet_id)
    return statement


def offers_of(product_ids) -> list[Offer]:
    """The offers on sale of these products: one query."""
    return db.session.scalars(offers_statement(product_ids=list(product_ids))).all() if product_ids else []


def offers_at(outlet_id: int) -> list[Offer]:
    return db.session.scalars(offers_statement(outlet_id=outlet_id)).all()


def shop_url(offer: Offer) -> str:
    """The buyer's shop page of the offer's outlet with its product chosen."""
    return external_url("orders.shop", outlet_id=offer.outlet_id, product=offer.product_id)


def decimal_price(cents: int) -> str:
    """ "2.49": schema.org's and the API's price, a decimal string (never a float)."""
    return f"{Decimal(cents) / 100:.2f}"


def structured(offer: Offer) -> dict:
    """The schema.org `Offer`: price per sales unit, in stock, sold by the producer at the outlet; with
    the unit price per kg or litre as a `UnitPriceSpecification` of one reference unit where there is one
    (by weight the price itself is per kg or litre)."""
    outlet = offer.outlet
    data = {
        "@type": "Offer",
        "url": shop_url(offer),
        "price": decimal_price(offer.price_cents),
        "priceCurrency": "EUR",
        "availability": IN_STOCK,
        "seller": organisations_structured.reference(offer.product.organisation),
        "availableAtOrFrom": {
            "@type": "Place",
            "@id": external_url("outlets.page", outlet_id=outlet.id),
            "name": outlet.name,
            "address": postal_address(outlet),
        },
    }
    if found := prices.offer_unit_price(offer):
        data["priceSpecification"] = {
            "@type": "UnitPriceSpecification",
            "price": decimal_price(found.cents),
            "priceCurrency": "EUR",
            "referenceQuantity": {
                "@type": "QuantitativeValue",
                "value": 1,
                "unitCode": UNIT_CODES[found.measure],
            },
        }
    return data


# --- the provenance page ----------------------------------------------------------------------------------


@pre_orders.connect
def _pre_orders(product_id, **_) -> list[provenance.PreOrder]:
    """A product's page lists every outlet where it can be pre-ordered, each with its price and link."""
    return [
        provenance.PreOrder(
            outlet_id=offer.outlet_id,
            outlet_name=offer.outlet.name,
            town=offer.outlet.town,
            price=prices.price_text(offer),
            unit_price=prices.unit_price_text(offer),
            url=shop_url(offer),
            structured=structured(offer),
        )
        for offer in offers_of([product_id])
    ]


@rows_shown.connect
def _pages_showing(_sender, rows, **_) -> list:
    """An offer saved, paused or resumed changes its product's page (and the product it was of, if that
    changed); a changed outlet the pages of the products offered there; a shop opened or closed for
    orders (its settings, its Stripe account) the pages of all its organisation's offers."""
    products, outlets, organisations = set(), set(), set()
    for row in rows:
        if isinstance(row, Offer):
            products.add(row.product_id)
            products.update(inspect(row).attrs.product_id.history.deleted)
        elif isinstance(row, Outlet):
            outlets.add(row.id)
        elif isinstance(row, ShopSettings | ConnectedAccount):  # the shop opened or closed for orders
            organisations.add(row.organisation_id)
    queries = []
    if products:
        queries.append(select(Product.id).where(Product.id.in_(products)))
    if outlets:
        queries.append(select(Offer.product_id).where(Offer.outlet_id.in_(outlets)))
    if organisations:
        queries.append(select(Offer.product_id).where(Offer.organisation_id.in_(organisations)))
    return queries


# --- the outlet's page, the finder, the catalogue ------------------------------------------------------


@page_shown.connect
def _outlet_panel(outlet, **_) -> str | None:
    """An outlet's page lists what can be pre-ordered there, each with a link to the shop page."""
    if offers := offers_at(outlet.id):
        return render_template("orders/_outlet_pre_orders.html", outlet=outlet, offers=offers, prices=prices)
    return None


@pre_order_condition.connect
def _takes_pre_orders(_sender, **_):
    """The finder's "pre-order available": one EXISTS on the outlet's offers (`ix_offers_outlet_id`)."""
    return exists().where(
        Offer.outlet_id == Outlet.id,
        Offer.is_active.is_(True),
        Product.id == Offer.product_id,
        Product.status == ProductStatus.ACTIVE,
        Outlet.opening_hours != "",
        legal.takes_orders(Offer.organisation_id),
    )


@cards_shown.connect
def _card_pre_orders(_sender, product_ids=(), **_) -> dict[int, str]:
    """A catalogue card of a product on pre-order links the shop page of its outlets (the first few)."""
    by_product: dict[int, list[Offer]] = {}
    for offer in offers_of(product_ids):
        by_product.setdefault(offer.product_id, []).append(offer)
    more = [product_id for product_id, offers in by_product.items() if len(offers) > OUTLETS_ON_CARD]
    paths = provenance.paths(product_ids=more) if more else {}
    return {
        product_id: render_template(
            "orders/_card_pre_order.html",
            offers=offers[:OUTLETS_ON_CARD],
            more=len(offers) - OUTLETS_ON_CARD,
            path=paths.get(product_id),
            prices=prices,
        )
        for product_id, offers in by_product.items()
    }
