"""Public product codes and the provenance page's data (scan counts: `scans.py`; what a scan checks
and the stored pages: `pages.py`).

The provenance page is the hot path: `load_page` reads everything it shows in at most four queries
(product with code, current version, first photo and producer; newest certificate with its body;
licence; batch) and evaluates the criteria in memory against the certificate's catalogue, whose
criteria are memoised because published catalogues never change.
"""

import secrets
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from .. import region
from ..catalogue.models import Batch, Product, ProductImage, ProductStatus, ProductVersion, Site
from ..catalogue.signals import product_paths, version_recorded
from ..catalogue.snapshot import allergens
from ..certification import rules
from ..certification.certificates import effective_status
from ..certification.criteria import criteria_of
from ..certification.models import Certificate, CertificateProduct, CertificateStatus
from ..database import german
from ..errors import abort_with
from ..extensions import db
from ..geo.structured import country
from ..organisations import structured as organisations_structured
from ..organisations.models import Organisation
from ..outlets.models import Outlet, outlet_products
from ..payments import services as payments
from ..permissions import Role
from . import gs1
from .models import ProductCode
from .signals import pre_orders as pre_orders_signal

# No 0/o, 1/i/l: a code typed from a label cannot be misread. 10 characters ≈ 49 bits: unguessable.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 10
MAX_OUTLETS = 30  # on one product page; the finder lists them all
# Certificates whose number (and the label's mark) is printed on new labels; not suspended, revoked, expired.
PRINTED_CERTIFICATES = (CertificateStatus.ACTIVE, CertificateStatus.REVIEW_NEEDED)
MAX_AGE = 60  # seconds a shared cache may keep a page; the certificate status is never older


# --- codes and public addresses -----------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def is_code(value: str) -> bool:
    return len(value) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in value)


def ensure_code(product: Product) -> str:
    """The product's short code, created with its first version; codes are never changed or reused."""
    code = db.session.scalar(select(ProductCode.code).where(ProductCode.product_id == product.id))
    if code is None:
        code = new_code()
        db.session.add(ProductCode(code=code, product_id=product.id))
        db.session.flush()
    return code


@version_recorded.connect
def _code_for_new_product(product, previous=None, version=None, **_) -> None:
    if previous is None:
        ensure_code(product)


def public_path(gtin: str | None, code: str, lot: str | None = None) -> str:
    """GS1 Digital Link for products with a GTIN (and lots GS1 can carry), else the short code path."""
    if gtin and (lot is None or gs1.is_gs1_lot(lot)):
        return gs1.path(gtin, lot)
    from urllib.parse import quote

    return f"/p/{code}" + (f"/{quote(lot, safe='')}" if lot is not None else "")


def public_url(gtin: str | None, code: str, lot: str | None = None) -> str:
    return current_app.config["BASE_URL"] + public_path(gtin, code, lot)


@product_paths.connect
def paths(_sender=None, product_ids: list[int] = (), **_) -> dict[int, str]:
    """{product id: provenance page path} (product level, no batch), one query."""
    if not product_ids:
        return {}
    rows = db.session.execute(
        select(Product.id, Product.gtin, ProductCode.code)
        .join(ProductCode, ProductCode.product_id == Product.id)
        .where(Product.id.in_(product_ids))
    )
    return {product_id: public_path(gtin, code) for product_id, gtin, code in rows}


@dataclass
class OfferedProduct:
    product: Product
    url: str | None  # the public provenance page, where the product has one


def offered_products(outlet: Outlet) -> list[OfferedProduct]:
    """The outlet's active products, each with its public page's address if it has a code."""
    active = [p for p in outlet.products if p.status == ProductStatus.ACTIVE]
    codes = dict(
        db.session.execute(
            select(ProductCode.product_id, ProductCode.code).where(
                ProductCode.product_id.in_([p.id for p in active])
            )
        ).all()
    )
    return [OfferedProduct(p, public_url(p.gtin, codes[p.id]) if p.id in codes else None) for p in active]


@dataclass
class CodeRow:
    product_id: int
    lot: str | None
    url: str

    @property
    def svg_url(self) -> str:
        return self.url + "/qr.svg"


def active_codes(product_ids: list[int] | None = None) -> list[CodeRow]:
    """Every active product's URL and each of its batches' URLs (for bulk printing and the API)."""
    statement = (
        select(Product.id, Product.gtin, ProductCode.code)
        .join(ProductCode, ProductCode.product_id == Product.id)
        .where(Product.status == ProductStatus.ACTIVE)
        .order_by(Product.id)
    )
    if product_ids is not None:
        statement = statement.where(Product.id.in_(product_ids))
    products = db.session.execute(statement).all()
    lots: dict[int, list[str]] = {}
    batch_rows = db.session.execute(
        select(Batch.product_id, Batch.lot)
        .where(Batch.product_id.in_([p.id for p in products]))
        .order_by(Batch.product_id, Batch.produced_on, Batch.lot)
    )
    for product_id, lot in batch_rows:
        lots.setdefault(product_id, []).append(lot)
    rows = []
    for product in products:
        rows.append(CodeRow(product.id, None, public_url(product.gtin, product.code)))
        rows += [
            CodeRow(product.id, lot, public_url(product.gtin, product.code, lot))
            for lot in lots.get(product.id, [])
        ]
    return rows


def examples(limit: int = 4) -> list[dict]:
    """A few certified products for the home page: mostly valid ones, one with a withdrawn certificate."""
    statement = (
        select(Product, ProductCode.code, Certificate.status)
        .join(ProductCode, ProductCode.product_id == Product.id)
        .join(CertificateProduct, CertificateProduct.product_id == Product.id)
        .join(Certificate, Certificate.id == CertificateProduct.certificate_id)
        .where(Product.status == ProductStatus.ACTIVE)
        .options(joinedload(Product.organisation).lazyload(Organisation.kind_rows))
        .order_by(Product.id)
    )
    valid = db.session.execute(
        statement.where(Certificate.status == CertificateStatus.ACTIVE).limit(limit - 1)
    ).all()
    withdrawn = db.session.execute(
        statement.where(
            Certificate.status.in_([CertificateStatus.REVOKED, CertificateStatus.SUSPENDED])
        ).limit(1)
    ).all()
    return [
        {
            "product": product,
            "path": public_path(product.gtin, code),
            "status": status,
        }
        for product, code, status in [*valid, *withdrawn]
    ]


def require_label_printer(user, product: Product) -> None:
    """Label sheets are printed by the product's organisation and by admins; 403 for anyone else."""
    if user.has_role(Role.ADMIN) or any(
        m.organisation_id == product.organisation_id for m in user.memberships
    ):
        return
    abort_with(
        403,
        str(
            _l(
                "Labels of %(product)s are printed by %(organisation)s. Please sign in with an account "
                "of that business.",
                product=product.name_de,
                organisation=product.organisation.display_name,
            )
        ),
    )


# --- the provenance page ------------------------------------------------------------------------------


@dataclass
class ProvenancePage:
    """What a product's public provenance page shows for a scanned code (`find`, then `load_page`)."""

    product: Product
    code: str
    version: ProductVersion | None
    image: str | None
    certificate: Certificate | None = None
    status: CertificateStatus | None = None
    criteria: list = field(default_factory=list)  # (rules.Criterion, rules.Result) pairs
    licensed: bool = False
    lot: str | None = None
    batch: Batch | None = None

    @property
    def data(self) -> dict:
        return self.version.data if self.version else {}

    @property
    def is_valid(self) -> bool:
        """May the product carry the label today: a valid certificate and a current licence."""
        return self.status == CertificateStatus.ACTIVE and self.licensed

    @property
    def met(self) -> list:
        # "Evidence missing" counts as met on a certified product: the certifier checked the documents.
        return [
            (c, r)
            for c, r in self.criteria
            if r.outcome in (rules.Outcome.PASSED, rules.Outcome.EVIDENCE_MISSING)
        ]

    @property
    def not_met(self) -> list:
        return [(c, r) for c, r in self.criteria if r.outcome == rules.Outcome.FAILED]

    @property
    def url(self) -> str:
        return public_url(self.product.gtin, self.code, self.lot)


def _first_image():
    return (
        select(ProductImage.filename)
        .where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position, ProductImage.id)
        .limit(1)
        .correlate(Product)
        .scalar_subquery()
    )


def _current_version_id():
    return (
        select(func.max(ProductVersion.number))
        .where(ProductVersion.product_id == Product.id)
        .correlate(Product)
        .scalar_subquery()
    )


def find(gtin: str | None = None, code: str | None = None, lot: str | None = None) -> ProvenancePage | None:
    """The product with this GTIN (14 digits) or short code, with its current data version, its first
    photo, its producer and, when a lot is asked for, that batch (None if nobody entered it)."""
    statement = (
        select(Product, ProductCode.code, ProductVersion, _first_image(), Batch)
        .join(ProductCode, ProductCode.product_id == Product.id)
        .outerjoin(
            ProductVersion,
            and_(ProductVersion.product_id == Product.id, ProductVersion.number == _current_version_id()),
        )
        .outerjoin(Batch, and_(Batch.product_id == Product.id, Batch.lot == lot))
        .options(
            joinedload(Product.organisation).lazyload(Organisation.kind_rows),
            joinedload(Batch.origin_site).lazyload(Site.organisation),
        )
    )
    if gtin is not None:
        statement = statement.where(Product.gtin == gtin)
    else:
        statement = statement.where(ProductCode.code == code)
    row = db.session.execute(statement).first()
    if row is None:
        return None
    product, found_code, version, image, batch = row
    return ProvenancePage(
        product=product, code=found_code, version=version, image=image, lot=lot, batch=batch
    )


def find_product(product_id: int, lot: str | None = None) -> ProvenancePage | None:
    """`find` by the product's id (through its public code); None for a product without one."""
    code = db.session.scalar(select(ProductCode.code).where(ProductCode.product_id == product_id))
    return find(code=code, lot=lot) if code is not None else None


def recent_lots(product_id: int, limit: int = 500) -> list[str]:
    """The lots of the product's newest batches, for the label sheet's choice (any older one can still
    be asked for by its lot number)."""
    return db.session.scalars(
        select(Batch.lot)
        .where(Batch.product_id == product_id)
        .order_by(Batch.produced_on.desc(), Batch.lot)
        .limit(limit)
    ).all()


def load_page(page: ProvenancePage, licensed: bool | None = None) -> ProvenancePage:
    """Add the certificate, the criteria and the licence (unless known) to a found product."""
    link = db.session.scalar(
        select(CertificateProduct)
        .where(CertificateProduct.product_id == page.product.id)
        .order_by(CertificateProduct.certificate_id.desc())
        .limit(1)
        .options(
            joinedload(CertificateProduct.certificate)
            .joinedload(Certificate.certification_body)
            .lazyload(Organisation.kind_rows),
            joinedload(CertificateProduct.certificate).joinedload(Certificate.catalogue),
        )
    )
    if link is not None:
        page.certificate = link.certificate
        page.status = effective_status(link.certificate)
        if page.version is not None:
            criteria = _criteria(link.certificate.catalogue)
            results = rules.evaluate(page.data, criteria)
            page.criteria = list(zip(criteria, results, strict=True))
    if licensed is None:
        licensed = payments.is_current(page.product.organisation_id)
    page.licensed = licensed
    return page


_criteria_cache: dict[tuple, list] = {}


def _criteria(catalogue) -> list[rules.Criterion]:
    """A published catalogue's criteria, read once per process (published versions never change)."""
    key = (catalogue.id, catalogue.published_at)
    if key not in _criteria_cache:
        _criteria_cache[key] = criteria_of(catalogue)
    return _criteria_cache[key]


def where_to_buy(product_id: int) -> list[Outlet]:
    """Active outlets that sell the product, by town; the page sorts them by distance in the browser."""
    return db.session.scalars(
        select(Outlet)
        .join(outlet_products, outlet_products.c.outlet_id == Outlet.id)
        .where(outlet_products.c.product_id == product_id, Outlet.archived_at.is_(None))
        .order_by(german(Outlet.town), german(Outlet.name), Outlet.id)
        .limit(MAX_OUTLETS)
    ).all()


@dataclass(frozen=True)
class PreOrder:
    """Where a product can be pre-ordered for pick-up, as its page shows it (a receiver of
    `signals.pre_orders` makes these: the orders feature)."""

    outlet_id: int
    outlet_name: str
    town: str
    price: str  # "2,49 € / Stück"
    unit_price: str | None  # "9,96 € / kg", where the law asks for one and it can be computed
    url: str  # the buyer's shop page at the outlet, with the product chosen
    structured: dict  # the schema.org `Offer` of the page's JSON-LD


def pre_orders(product_id: int) -> list[PreOrder]:
    """Every outlet where the product can be pre-ordered now, from the features that sell ahead."""
    return [offer for _receiver, found in pre_orders_signal.send(product_id) for offer in found or ()]


def processing_places(page: ProvenancePage) -> list[dict]:
    seen, places = set(), []
    for stage in page.data.get("stages", []):
        if stage["kind"] in ("processing", "packing") and stage["site"]["town"] not in seen:
            seen.add(stage["site"]["town"])
            places.append(stage["site"])
    return places


def main_ingredient(page: ProvenancePage) -> dict | None:
    return next((i for i in page.data.get("ingredients", []) if i["is_main"]), None)


def ingredient_list(page: ProvenancePage) -> list[dict]:
    """Every ingredient, the largest share first (as a label lists them); equal shares in the producer's
    order."""
    return sorted(page.data.get("ingredients", []), key=lambda i: -i["share"])


def allergen_summary(page: ProvenancePage) -> dict:
    """Whether allergens were recorded, those the ingredients contain and the possible traces."""
    return allergens(page.data)


def json_ld(
    page: ProvenancePage,
    locale: str,
    image_url: str | None,
    certificate_url: str | None,
    offers: list[PreOrder] = (),
) -> dict:
    """schema.org Product with its producer, certification and offers, for search engines and apps.

    Everything here is shown on the page, so a change to it raises the page's revision
    (`revisions.py`: the product, its photos, its producer, its certificate and certification body;
    the offers through `signals.rows_shown`)."""
    product, organisation = page.product, page.product.organisation
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "@id": page.url,
        "url": page.url,
        "name": product.name(locale),
        "category": product.category.name(locale),
        "brand": {"@type": "Brand", "name": organisation.display_name},
        "manufacturer": organisations_structured.reference(organisation),
        # Where the producer makes it: a regional product is made where its producer is.
        "countryOfOrigin": country(organisation.country, locale),
    }
    if description := (product.description_en if locale == "en" else "") or product.description_de:
        data["description"] = description
    if product.gtin:
        data["gtin14"] = product.gtin.zfill(14)
    if image_url:
        data["image"] = image_url
    if page.batch is not None:
        data["productionDate"] = page.batch.produced_on.isoformat()
    if page.certificate is not None:
        data["hasCertification"] = _certification(page, certificate_url)
    if offers:
        data["offers"] = [offer.structured for offer in offers]
    return data


def _certification(page: ProvenancePage, certificate_url: str | None) -> dict:
    """schema.org `Certification`: the label's certificate, its number, status, issuer and validity."""
    certificate = page.certificate
    return {
        "@type": "Certification",
        "name": region.label_name(),
        "certificationIdentification": certificate.number,
        "certificationStatus": "CertificationActive" if page.is_valid else "CertificationInactive",
        "issuedBy": {"@type": "Organization", "name": certificate.certification_body.display_name},
        "validFrom": certificate.valid_from.isoformat(),
        "expires": certificate.valid_until.isoformat(),
        "url": certificate_url,
    }
