"""Licence rules and payments: terms, invoices with gapless numbers, Stripe Checkout, one fulfilment."""

from dataclasses import dataclass
from datetime import date
from functools import partial

from flask import current_app, url_for
from flask_babel import format_currency, format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Forbidden, NotFound

from .. import clock, region
from ..database import Conflict, flush_or_conflict, unique_constraint
from ..errors import RuleError, abort_with
from ..extensions import db
from ..organisations.models import Organisation
from ..organisations.services import membership
from ..permissions import SYSTEM, MemberRole, Role
from . import notify, signals, years
from .models import (
    ONE_OPEN_INVOICE,
    Invoice,
    InvoiceCounter,
    InvoiceStatus,
    Licence,
    LicenceStatus,
    LicenceTier,
    Payment,
)

MAX_FEE_CENTS = 10_000_000  # 100.000 EUR: a typo, not a fee


class PaymentError(RuleError):
    """A licence or payment step that cannot be done now; str() is a translated message."""


class EmailNotConfirmed(PaymentError):
    """Paying needs a confirmed e-mail address (the licence page offers to send the link again)."""


# --- licences -------------------------------------------------------------------------------------


this_year = years.this_year


def licence_for(organisation_id: int, year: int | None = None) -> Licence | None:
    return db.session.scalar(
        select(Licence).where(
            Licence.organisation_id == organisation_id, Licence.year == (year or this_year())
        )
    )


@dataclass(frozen=True)
class Offer:
    """A licence year the licence page shows: the organisation's licence for it (if any), its state,
    and the fee it costs or would cost if accepted now (the months of the year it pays for)."""

    year: int
    licence: Licence | None
    state: str
    tier: LicenceTier
    months: int
    net_cents: int


def offers(organisation: Organisation) -> list[Offer]:
    """The years whose licence can be taken today: this one, and from LICENCE_NEXT_YEAR_FROM the next."""
    result = []
    for year in years.offered():
        licence = licence_for(organisation.id, year)
        tier = licence.tier if licence else tier_for(organisation)
        months = years.months_charged(year, licence.terms_accepted_at if licence else clock.utcnow())
        net = years.fee_cents(tier.fee_cents, months)
        result.append(Offer(year, licence, state(licence), tier, months, net))
    return result


def state(licence: Licence | None, today: date | None = None) -> str:
    """none, pending_payment, active, expired (after its year) or cancelled."""
    if licence is None:
        return "none"
    if licence.year < (today or years.today()).year:
        return "expired"
    return licence.status.value


# Whether an organisation is licensed is decided here and only here: an active licence for the current
# year (local time). A next year's licence paid ahead of time counts from its first day, 1 January.


def is_current(organisation_id: int) -> bool:
    """May the organisation use the label now: an active licence for this year (paid or zero-fee)."""
    return state(licence_for(organisation_id)) == "active"


def licensed_organisations():
    """A subquery of the ids of organisations whose licence is current (for listings)."""
    return select(Licence.organisation_id).where(
        Licence.year == this_year(), Licence.status == LicenceStatus.ACTIVE
    )


def fee_cents(licence: Licence) -> int:
    """The licence's net fee: its tier's, pro rata for a current year taken late (`years`)."""
    return years.fee_cents(
        licence.tier.fee_cents, years.months_charged(licence.year, licence.terms_accepted_at)
    )


def gross_cents(licence: Licence) -> int:
    net = fee_cents(licence)
    return net + years.vat_cents(net, licence.tier.vat_percent)


def require_confirmed(user) -> None:
    if user is not SYSTEM and not user.is_confirmed:
        raise EmailNotConfirmed(
            str(
                _l(
                    "Please confirm your e-mail address before you accept the terms or pay: open the "
                    "link in the e-mail we sent to %(email)s.",
                    email=user.email,
                )
            )
        )


def get_licence(licence_id: int) -> Licence:
    return db.session.get(Licence, licence_id) or abort_with(404, str(_l("This licence does not exist.")))


def get_tier(tier_id: int) -> LicenceTier:
    return db.session.get(LicenceTier, tier_id) or abort_with(404, str(_l("Unknown tier.")))


def tier_for(organisation: Organisation) -> LicenceTier:
    tier = db.session.scalar(
        select(LicenceTier).where(LicenceTier.size_class == str(organisation.size_class))
    )
    if tier is None:
        raise PaymentError(
            str(_l("There is no fee tier for this size of business. Please contact the office."))
        )
    return tier


def require_owner(user, organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    if user is not SYSTEM:
        member = membership(user, organisation)
        if member is None or member.role != MemberRole.OWNER:
            raise Forbidden()
    return organisation


def accept_terms(user, organisation_id: int, year: int | None = None) -> Licence:
    """The owner accepts the licence terms for `year` (default this year; from LICENCE_NEXT_YEAR_FROM
    next year too); a zero fee makes the licence active at once."""
    organisation = require_owner(user, organisation_id)
    year = year or this_year()
    if year not in years.offered():
        raise PaymentError(
            str(
                _l(
                    "The licence for %(year)d can be taken from %(date)s.",
                    year=year,
                    date=format_date(years.next_year_from(year - 1)),
                )
            ),
            field="year",
        )
    require_confirmed(user)
    licence = licence_for(organisation_id, year)
    if licence is not None and licence.status != LicenceStatus.CANCELLED:
        raise PaymentError(str(_l("The terms for %(year)d have already been accepted.", year=licence.year)))
    tier = tier_for(organisation)
    accepted = _l("The terms for %(year)d have already been accepted.", year=year)
    if licence is None:
        licence = Licence(organisation_id=organisation_id, year=year)
        db.session.add(licence)
    elif not _compare_and_set(Licence, licence.id, LicenceStatus.CANCELLED, LicenceStatus.PENDING_PAYMENT):
        raise Conflict(str(accepted))
    licence.tier = tier
    licence.status = LicenceStatus.PENDING_PAYMENT
    licence.terms_version = current_app.config["LICENCE_TERMS_VERSION"]
    licence.terms_accepted_at = clock.utcnow()
    licence.terms_accepted_by_id = user.id
    # Two first acceptances at once: the licence's (organisation, year) key lets one of them in.
    flush_or_conflict(db.session, {unique_constraint(Licence, "organisation_id", "year"): accepted})
    if fee_cents(licence) == 0:
        fulfil(licence, "zero_fee", _acceptance_key(licence), 0, user)
    return licence


def grant_tier(admin, licence: Licence, tier: LicenceTier) -> None:
    """Admins may move a licence to another tier, e.g. the zero-fee tier for very small producers."""
    if not admin.has_role(Role.ADMIN):
        raise Forbidden()
    if licence.status != LicenceStatus.PENDING_PAYMENT:
        raise PaymentError(str(_l("Only a licence awaiting payment can change its tier.")))
    before = licence.tier.code
    licence.tier = tier
    _cancel_open_invoices(licence)  # they name the old fee
    signals.admin_acted.send(admin, action="grant_tier", target=licence, before=before, after=tier.code)
    if fee_cents(licence) == 0:
        fulfil(licence, "zero_fee", _acceptance_key(licence), 0, admin)


def cancel(admin, licence: Licence) -> None:
    """Ends the licence; the organisation's certificates drop out of the public listings at once."""
    if not admin.has_role(Role.ADMIN):
        raise Forbidden()
    if licence.status == LicenceStatus.CANCELLED:
        raise PaymentError(str(_l("This licence is already cancelled.")))
    licence.status = LicenceStatus.CANCELLED
    _cancel_open_invoices(licence)
    signals.admin_acted.send(admin, action="cancel_licence", target=licence, year=licence.year)


def edit_tier(admin, tier: LicenceTier, name_de: str, name_en: str, fee_cents: int) -> None:
    """Admins name the tiers and set their fees; invoices already written keep the fee they name."""
    if not admin.has_role(Role.ADMIN):
        raise Forbidden()
    if not 0 <= fee_cents <= MAX_FEE_CENTS:
        raise PaymentError(str(_l("Please enter a fee of 0 or more euros.")), field="fee")
    before = {"name_de": tier.name_de, "name_en": tier.name_en, "fee_cents": tier.fee_cents}
    tier.name_de, tier.name_en, tier.fee_cents = name_de, name_en, fee_cents
    after = {"name_de": name_de, "name_en": name_en, "fee_cents": fee_cents}
    changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if changed:
        signals.admin_acted.send(admin, action="edit_tier", target=tier, changed=changed)


def _cancel_open_invoices(licence: Licence) -> None:
    for invoice in licence.invoices:
        if invoice.status == InvoiceStatus.OPEN:
            invoice.status = InvoiceStatus.CANCELLED


def _acceptance_key(licence: Licence) -> str:
    """Zero-fee activation happens once per acceptance of the terms (a cancelled licence may return)."""
    return f"licence-{licence.id}-{licence.terms_accepted_at.isoformat()}"


# --- the one fulfilment ------------------------------------------------------------------------------


def fulfil(
    licence: Licence, method: str, reference: str, amount_cents: int, actor=None, paid_on: date | None = None
) -> bool:
    """Record the payment and activate the licence — at most once per (method, reference).

    Every path ends here: the webhook, a replayed event, the success page, reconciliation, an admin
    marking an invoice paid. Returns False when this payment was already recorded."""
    if db.session.scalar(select(Payment.id).where(Payment.method == method, Payment.reference == reference)):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(
                Payment(
                    licence_id=licence.id,
                    method=method,
                    reference=reference,
                    amount_cents=amount_cents,
                    paid_on=paid_on or years.today(),
                    recorded_by_id=getattr(actor, "id", None),
                )
            )
    except IntegrityError:
        return False  # a concurrent request recorded it first
    _activate(licence, actor)
    return True


def _compare_and_set(model, id_: int, before, after, **values) -> bool:
    """Change a row's status only if it still is `before`: of concurrent requests, one finds it so
    (PostgreSQL: the others wait for its row lock, then see its change; SQLite: one writer at a time)."""
    changed = db.session.execute(
        update(model).where(model.id == id_, model.status == before).values(status=after, **values)
    )
    return changed.rowcount == 1


def _activate(licence: Licence, actor=None) -> bool:
    """Pending payment → active, once per acceptance of the terms; the members hear of it (unless the
    platform itself acted: demo data, tests' fixtures)."""
    activated = _compare_and_set(
        Licence, licence.id, LicenceStatus.PENDING_PAYMENT, LicenceStatus.ACTIVE, activated_at=clock.utcnow()
    )
    if activated and actor is not SYSTEM:
        notify.licence_active(licence)
    return activated


# --- invoices (bank transfer, the default without Stripe) ---------------------------------------------


# Invoice numbers count per year: "VH-R-2026-00001" (payments/packs.py checks the prefix fits the column).
INVOICE_NUMBER = "{prefix}-{year}-{number:05d}"


def _next_invoice_number(year: int) -> str:
    """Raise the year's counter in the current transaction: a rolled-back invoice gives its number back."""
    if db.session.get(InvoiceCounter, year) is None:
        try:
            with db.session.begin_nested():
                db.session.add(InvoiceCounter(year=year, last=0))
        except IntegrityError:
            pass  # created by a concurrent request
    # The UPDATE locks the counter row until this transaction ends: concurrent invoices queue up here.
    number = db.session.execute(
        update(InvoiceCounter)
        .where(InvoiceCounter.year == year)
        .values(last=InvoiceCounter.last + 1)
        .returning(InvoiceCounter.last)
    ).scalar_one()
    return INVOICE_NUMBER.format(prefix=region.pack().operator["invoice_prefix"], year=year, number=number)


def _reference(number: str) -> str:
    """A payment reference people can type: the invoice number and a check digit against typos."""
    digits = "".join(ch for ch in number if ch.isdigit())
    check = sum(int(d) * (i % 3 + 1) for i, d in enumerate(digits)) % 10
    return f"{number}-{check}"


def create_invoice(user, licence: Licence) -> Invoice:
    """The invoice for a licence awaiting payment (the open one if it exists); the owners get it by mail."""
    require_owner(user, licence.organisation_id)
    if licence.status != LicenceStatus.PENDING_PAYMENT:
        raise PaymentError(str(_l("This licence is not awaiting payment.")))
    require_confirmed(user)
    existing = next((i for i in licence.invoices if i.status == InvoiceStatus.OPEN), None)
    if existing:
        return existing
    organisation = licence.organisation
    tier = licence.tier
    net = fee_cents(licence)
    vat = years.vat_cents(net, tier.vat_percent)
    invoice = Invoice(
        number=(number := _next_invoice_number(licence.year)),
        licence=licence,
        issued_on=years.today(),
        recipient={
            "name": organisation.legal_name,
            "street": organisation.street,
            "postcode": organisation.postcode,
            "town": organisation.town,
            "country": organisation.country,
        },
        description=description(licence),
        net_cents=net,
        vat_percent=tier.vat_percent,
        vat_cents=vat,
        gross_cents=net + vat,
        payment_reference=_reference(number),
    )
    db.session.add(invoice)
    flush_or_conflict(
        db.session,
        {ONE_OPEN_INVOICE: _l("An invoice for this licence has just been created.")},
        existing=partial(_open_invoice_url, licence.id),
    )
    if user is not SYSTEM:
        notify.invoice_issued(invoice)
    return invoice


def description(licence: Licence) -> str:
    """What the invoice and Stripe's payment page name (German, as the invoice is)."""
    months = years.months_charged(licence.year, licence.terms_accepted_at)
    part = f" (anteilig {months}/12)" if months < 12 else ""
    return f"{region.label_name()} Siegel-Lizenz {licence.year}{part}, {licence.tier.name_de}"


def get_invoice(invoice_id: int) -> Invoice:
    return db.session.get(Invoice, invoice_id) or abort_with(404, str(_l("This invoice does not exist.")))


def get_invoice_for_member(user, invoice_id: int) -> Invoice:
    """The invoice for a member of the organisation it is addressed to, or an admin; else 404/403."""
    invoice = get_invoice(invoice_id)
    if not (user.has_role(Role.ADMIN) or membership(user, invoice.licence.organisation)):
        abort_with(403, str(_l("This invoice belongs to another organisation.")))
    return invoice


def _open_invoice_url(licence_id: int) -> str | None:
    invoice_id = db.session.scalar(
        select(Invoice.id).where(Invoice.licence_id == licence_id, Invoice.status == InvoiceStatus.OPEN)
    )
    return url_for("payments.invoice", invoice_id=invoice_id) if invoice_id else None


def mark_invoice_paid(admin, invoice: Invoice, paid_on: date, amount_cents: int) -> None:
    if not admin.has_role(Role.ADMIN):
        raise Forbidden()
    if invoice.status != InvoiceStatus.OPEN:
        raise PaymentError(str(_l("This invoice is not open.")))
    if not invoice.issued_on <= paid_on <= years.today():
        raise PaymentError(
            str(_l("The payment date must lie between the invoice date and today.")), field="paid_on"
        )
    if amount_cents != invoice.gross_cents:
        raise PaymentError(
            str(
                _l(
                    "The amount does not match the invoice (%(amount)s).",
                    amount=format_currency(invoice.gross_cents / 100, "EUR"),
                )
            ),
            field="amount",
        )
    if invoice.licence.status != LicenceStatus.PENDING_PAYMENT:
        raise PaymentError(str(_l("The licence is not awaiting payment; cancel this invoice instead.")))
    # The friendly checks above can pass for two requests at once; these two compare-and-sets cannot.
    if not _compare_and_set(Invoice, invoice.id, InvoiceStatus.OPEN, InvoiceStatus.PAID):
        raise Conflict(str(_l("This invoice has just been marked paid.")))
    if not _activate(invoice.licence, admin):
        raise Conflict(str(_l("The licence has just been paid in another way.")))
    fulfil(invoice.licence, "invoice", invoice.number, amount_cents, admin, paid_on)
    signals.admin_acted.send(
        admin, action="mark_paid", target=invoice, amount_cents=amount_cents, paid_on=paid_on.isoformat()
    )
