"""A member's overview: each product's certification, pre-check, public code and scans (`product_rows`,
a fixed number of queries however many products there are), and the next steps in the order they
should be taken (`next_steps`)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .. import clock
from ..catalogue import services as catalogue
from ..catalogue.models import Product, ProductStatus, ProductVersion
from ..certification import rules
from ..certification.certificates import effective_status
from ..certification.criteria import criteria_of, current_catalogue
from ..certification.models import (
    Application,
    ApplicationItem,
    ApplicationStatus,
    Certificate,
    CertificateProduct,
    CertificateStatus,
    Evidence,
)
from ..extensions import db
from ..organisations.models import Organisation
from ..payments import services as payments
from ..provenance import scans
from ..provenance.models import ProductCode
from ..provenance.services import public_path
from ..suppliers import services as suppliers

SCAN_DAYS = 30
EXPIRING_DAYS = 60
# Certificates that are in force: still worth renewing before they end.
IN_FORCE = (CertificateStatus.ACTIVE, CertificateStatus.REVIEW_NEEDED)


@dataclass
class ProductRow:
    """What the start page, the product list and the product page show about one product."""

    product: Product
    path: str | None  # the public page's path (the QR code's address without the host); None without code
    certificate: Certificate | None  # the newest certificate naming the product
    status: CertificateStatus | None  # that certificate's status today
    application: Application | None  # the product's open application
    results: list[rules.Result] = field(default_factory=list)  # the pre-check of the current data
    scans: int = 0  # scans of the last SCAN_DAYS days

    @property
    def outcome(self) -> rules.Outcome:
        return rules.summary(self.results)

    @property
    def failing(self) -> int:
        return sum(1 for r in self.results if r.outcome == rules.Outcome.FAILED)

    @property
    def evidence_missing(self) -> int:
        return sum(1 for r in self.results if r.outcome == rules.Outcome.EVIDENCE_MISSING)

    @property
    def printable(self) -> bool:
        """Labels (they carry the label's name) are offered for an active, certified product with a
        public code."""
        return (
            self.path is not None and self.product.status == ProductStatus.ACTIVE and self.status in IN_FORCE
        )


def _products(organisation_id: int, product_ids: list[int] | None):
    """The products (active ones of the organisation, or those named) with their current data and code."""
    latest = (
        select(func.max(ProductVersion.number))
        .where(ProductVersion.product_id == Product.id)
        .correlate(Product)
        .scalar_subquery()
    )
    statement = (
        select(Product, ProductVersion.data, ProductCode.code)
        .outerjoin(
            ProductVersion, (ProductVersion.product_id == Product.id) & (ProductVersion.number == latest)
        )
        .outerjoin(ProductCode, ProductCode.product_id == Product.id)
        .where(Product.organisation_id == organisation_id)
    )
    if product_ids is None:
        statement = statement.where(Product.status == ProductStatus.ACTIVE)
    else:
        statement = statement.where(Product.id.in_(product_ids))
    return db.session.execute(statement.order_by(Product.name_de, Product.id)).all()


def _newest_certificates(product_ids: list[int]) -> dict[int, Certificate]:
    rows = db.session.execute(
        select(CertificateProduct.product_id, Certificate)
        .join(Certificate, Certificate.id == CertificateProduct.certificate_id)
        .where(CertificateProduct.product_id.in_(product_ids))
        .order_by(Certificate.valid_from, Certificate.id)
    ).all()
    return dict((product_id, certificate) for product_id, certificate in rows)  # the last one wins


def _open_applications(product_ids: list[int]) -> dict[int, Application]:
    rows = db.session.execute(
        select(ApplicationItem.product_id, Application)
        .join(Application, Application.id == ApplicationItem.application_id)
        .where(ApplicationItem.product_id.in_(product_ids), ApplicationItem.is_open)
    ).all()
    return dict(rows)


def _evidence(application_ids: set[int]) -> dict[int, set[str]]:
    """The document kinds uploaded to each of these applications."""
    kinds: dict[int, set[str]] = {}
    if application_ids:
        for application_id, kind in db.session.execute(
            select(Evidence.application_id, Evidence.kind).where(Evidence.application_id.in_(application_ids))
        ):
            kinds.setdefault(application_id, set()).add(kind)
    return kinds


def _scans(organisation_id: int, today: date) -> Counter:
    counts: Counter = Counter()
    since = today - timedelta(days=SCAN_DAYS - 1)
    for product_id, _language, count in scans.summary(organisation_id, since, today):
        counts[product_id] += int(count)
    return counts


def product_rows(organisation_id: int, product_ids: list[int] | None = None) -> list[ProductRow]:
    """A row per active product of the organisation (or per product named, archived ones too), in the
    order of their names: seven queries for any number of products. The pre-check counts the documents
    of the product's open application; a product whose certificate is in force and has no open
    application misses no evidence: the certifier's evidence gate let the approval through only with
    each document checked or seen by an audit."""
    found = _products(organisation_id, product_ids)
    if not found:
        return []
    ids = [product.id for product, _data, _code in found]
    certificates = _newest_certificates(ids)
    applications = _open_applications(ids)
    documents = _evidence(
        {a.id for a in applications.values()} | {c.application_id for c in certificates.values()}
    )
    criteria = criteria_of(current_catalogue())
    counted = _scans(organisation_id, clock.local_now().date())
    rows = []
    for product, data, code in found:
        certificate, application = certificates.get(product.id), applications.get(product.id)
        status = effective_status(certificate) if certificate else None
        if application:
            evidence = documents.get(application.id, set())
        elif status in IN_FORCE:
            evidence = set(rules.EVIDENCE_KINDS)
        else:
            evidence = documents.get(certificate.application_id, set()) if certificate else set()
        rows.append(
            ProductRow(
                product=product,
                path=public_path(product.gtin, code) if code else None,
                certificate=certificate,
                status=status,
                application=application,
                results=rules.evaluate(data, criteria, evidence) if data else [],
                scans=counted[product.id],
            )
        )
    return rows


# --- next steps -----------------------------------------------------------------------------------


@dataclass
class Step:
    """One thing to do: a sentence and the link that helps (`key` names the kind, for tests and CSS)."""

    key: str
    text: str
    link: str
    link_text: str


def _step(key: str, found, text, link: str, link_text) -> list[Step]:
    """The step `key` if `found` holds anything (a list, a count), else none."""
    return [Step(key, str(text), link, str(link_text))] if found else []


def _licence_step(organisation: Organisation) -> list[Step]:
    if payments.is_current(organisation.id):
        return []
    year = payments.this_year()
    if payments.state(payments.licence_for(organisation.id)) == "pending_payment":
        text = _l("The licence for %(year)d is not paid yet: pay the invoice, then you can apply.", year=year)
    else:
        text = _l(
            "%(name)s has no licence for %(year)d yet: accept the licence terms, then you can apply.",
            name=organisation.display_name,
            year=year,
        )
    return _step("licence", True, text, url_for("payments.licence"), _l("Licence"))


def _product_steps(rows: list[ProductRow]) -> list[Step]:
    failing = [r for r in rows if r.outcome == rules.Outcome.FAILED]
    missing = [r for r in rows if r.outcome == rules.Outcome.EVIDENCE_MISSING]
    one = len(failing) == 1
    return [
        *_step(
            "failing",
            failing,
            ngettext(
                "%(num)d product does not meet every criterion: change its data or its recipe.",
                "%(num)d products do not meet every criterion: change their data or their recipes.",
                len(failing),
            ),
            url_for("catalogue.product", product_id=failing[0].product.id)
            if one
            else url_for("catalogue.products"),
            _l("Show the product") if one else _l("Show the products"),
        ),
        *_step(
            "evidence",
            missing,
            ngettext(
                "Evidence is missing for %(num)d product: upload the documents with an application.",
                "Evidence is missing for %(num)d products: upload the documents with an application.",
                len(missing),
            ),
            url_for("certification.index"),
            _l("Certification"),
        ),
    ]


def _changes_requested(organisation_id: int) -> list[Application]:
    return db.session.scalars(
        select(Application)
        .where(
            Application.organisation_id == organisation_id,
            Application.status == ApplicationStatus.CHANGES_REQUESTED,
        )
        .order_by(Application.id)
    ).all()


def expiring_certificates(organisation_id: int | None, today: date, body_id: int | None = None):
    """Certificates in force that end within EXPIRING_DAYS days, the soonest first: an organisation's
    (`organisation_id`) or those a certification body issued (`body_id`)."""
    statement = (
        select(Certificate)
        .options(joinedload(Certificate.organisation).lazyload(Organisation.kind_rows))
        .where(
            Certificate.status.in_(IN_FORCE),
            Certificate.valid_until.between(today, today + timedelta(days=EXPIRING_DAYS)),
        )
    )
    if organisation_id is not None:
        statement = statement.where(Certificate.organisation_id == organisation_id)
    if body_id is not None:
        statement = statement.where(Certificate.certification_body_id == body_id)
    return db.session.scalars(statement.order_by(Certificate.valid_until, Certificate.id)).all()


def _application_steps(organisation_id: int, today: date) -> list[Step]:
    waiting = _changes_requested(organisation_id)
    ending = expiring_certificates(organisation_id, today)
    first = waiting[0].id if waiting else 0
    return [
        *_step(
            "changes",
            waiting,
            ngettext(
                "The certifier asks for changes to %(num)d application: make them, then submit again.",
                "The certifier asks for changes to %(num)d applications: make them, then submit again.",
                len(waiting),
            ),
            url_for("certification.application", application_id=first),
            _l("Application #%(id)d", id=first),
        ),
        *_step(
            "expiring",
            ending,
            ngettext(
                "%(num)d certificate ends within 60 days: start its renewal in time.",
                "%(num)d certificates end within 60 days: start their renewal in time.",
                len(ending),
            ),
            url_for("certification.index"),
            _l("Certification"),
        ),
    ]


def _contact_steps(user, organisation: Organisation) -> list[Step]:
    pending = [r for r in catalogue.supplier_requests(organisation.id) if r.status == "pending"]
    unread = suppliers.unread_count(user, organisation)
    return [
        *_step(
            "suppliers",
            pending,
            ngettext(
                "%(num)d organisation names you as a supplier and waits for your answer.",
                "%(num)d organisations name you as a supplier and wait for your answer.",
                len(pending),
            ),
            url_for("catalogue.supplier_requests"),
            _l("Supplier confirmations"),
        ),
        *_step(
            "inquiries",
            unread,
            ngettext(
                "%(num)d inquiry holds messages you have not read.",
                "%(num)d inquiries hold messages you have not read.",
                unread,
            ),
            url_for("suppliers.threads"),
            _l("Inquiries"),
        ),
    ]


def next_steps(
    user, organisation: Organisation, rows: list[ProductRow], today: date | None = None
) -> list[Step]:
    """What to do next, in this order: confirm the e-mail address, the licence, products failing a
    criterion or missing evidence, applications waiting for changes, certificates ending within 60 days,
    supplier requests to answer, unread inquiries. `rows` are the organisation's `product_rows`."""
    today = today or clock.utcnow().date()
    confirm = _l(
        "Please confirm your e-mail address with the link we sent to %(email)s: applying and paying "
        "need a confirmed address.",
        email=user.email,
    )
    return [
        *_step("confirm", not user.is_confirmed, confirm, url_for("accounts.account"), _l("My account")),
        *_licence_step(organisation),
        *_step(
            "first_product",
            not rows,
            _l("No products yet: register the places where you produce (sites), then your products."),
            url_for("catalogue.index"),
            _l("Catalogue"),
        ),
        *_product_steps(rows),
        *_application_steps(organisation.id, today),
        *_contact_steps(user, organisation),
    ]
