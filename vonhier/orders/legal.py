"""What German law asks a seller to show before a buyer orders at a distance, and when a shop may open.

- Impressum (§ 5 DDG) and the seller's identity (Art. 246a § 1 EGBGB): legal name, address, a fast way
  to reach them (e-mail; a phone where given), who represents the business, its register entry and VAT
  ID where it has them. Name, address and contact are the organisation's own; the rest is the shop
  settings'. A shop takes orders only when nothing required is missing: a buyer must know whom they buy
  from, and an incomplete Impressum is a warnable offence for the producer.
- The right of withdrawal does not apply to goods that can spoil quickly (§ 312g Abs. 2 Nr. 2 BGB).
  Which goods those are is decided by the product's category, not by a flag on each offer: the
  producer need not judge the law per product, the same product is treated alike at every outlet, and a
  product without a category keeps the buyer's right (the safe side). Potatoes, flour, honey, oils,
  drinks, preserves, dried herbs and crafts keep for weeks: the right applies to them.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..organisations.models import Organisation
from ..payments.checkout import stripe_enabled
from ..payments.models import ConnectedAccount
from .models import ShopSettings

PERISHABLE_CATEGORIES = frozenset(
    {
        "fruit-vegetables",
        "bakery",
        "dairy-cheese",
        "eggs",
        "meat-sausage",
        "poultry",
        "fish",
        "plants-flowers",
    }
)


def is_perishable(product) -> bool:
    return product.category is not None and product.category.slug in PERISHABLE_CATEGORIES


@dataclass
class LegalDetails:
    """The seller as the shop page names it, and what is still missing before it may take orders."""

    legal_name: str
    street: str
    postcode: str
    town: str
    email: str
    phone: str
    representative: str
    register_entry: str
    vat_id: str
    missing: list[str] = field(default_factory=list)  # translated names of the missing details

    @property
    def complete(self) -> bool:
        return not self.missing


def legal_details(organisation: Organisation, settings: ShopSettings | None) -> LegalDetails:
    details = LegalDetails(
        legal_name=organisation.legal_name or "",
        street=organisation.street or "",
        postcode=organisation.postcode or "",
        town=organisation.town or "",
        email=organisation.email or "",
        phone=organisation.phone or "",
        representative=settings.representative if settings else "",
        register_entry=settings.register_entry if settings else "",
        vat_id=settings.vat_id if settings else "",
    )
    required = (
        (details.legal_name, _l("legal name")),
        (details.street and details.postcode and details.town, _l("address (street, postcode, town)")),
        (details.email, _l("e-mail address")),
        (details.representative, _l("representative (the person who represents the business)")),
    )
    details.missing = [str(name) for value, name in required if not (value or "").strip()]
    return details


def legal_details_of(organisation_id: int) -> LegalDetails:
    organisation = db.session.get(Organisation, organisation_id)
    settings = db.session.scalar(select(ShopSettings).where(ShopSettings.organisation_id == organisation_id))
    return legal_details(organisation, settings)


def takes_orders(organisation_id):
    """The rule of `legal_details(...).complete` and of a way to pay (`Shop.open`) as one SQL condition on
    an organisation id column: where offers show (provenance, outlet pages, catalogue, finder, API), a shop
    that takes no orders is not advertised. Kept beside `legal_details`: the same fields, one rule."""

    def filled(column):
        return func.trim(func.coalesce(column, "")) != ""

    seller = aliased(Organisation)  # never correlated with an organisation of the enclosing query

    pays = ShopSettings.pay_at_pickup.is_(True)
    if stripe_enabled():
        pays = or_(
            pays,
            exists().where(
                ConnectedAccount.organisation_id == ShopSettings.organisation_id,
                ConnectedAccount.charges_enabled.is_(True),
            ),
        )
    return exists().where(
        ShopSettings.organisation_id == organisation_id,
        filled(ShopSettings.representative),
        pays,
        seller.id == ShopSettings.organisation_id,
        filled(seller.legal_name),
        filled(seller.street),
        filled(seller.postcode),
        filled(seller.town),
        filled(seller.email),
    )
