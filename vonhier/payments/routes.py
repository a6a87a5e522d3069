"""Licence pages for owners, the Stripe webhook and success page, and the admins' payments overview."""

from datetime import date
from decimal import Decimal, InvalidOperation

import stripe
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, DateField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..errors import abort_with
from ..extensions import csrf, db
from ..forms import Form, IntegerField
from ..organisations import services as organisations
from ..permissions import Role, requires, signed_in_user
from ..web import listing, page_number, run
from . import invoice_pdf, overview, services

bp = Blueprint("payments", __name__)


class TermsForm(Form):
    accept = BooleanField(validators=[DataRequired()])


class MarkPaidForm(Form):
    paid_on = DateField(validators=[InputRequired()])
    # Text, not a number field: admins type "142,80" as well as "142.80".
    amount = StringField(validators=[InputRequired(), Length(max=20)])

    def cents(self) -> int | None:
        try:
            value = (
                Decimal(self.amount.data.strip().replace(".", "").replace(",", "."))
                if "," in self.amount.data
                else Decimal(self.amount.data.strip())
            )
        except InvalidOperation:
            return None
        return int(value * 100) if value.is_finite() and 0 <= value <= 100_000 else None

    def validate_amount(self, field):
        if self.cents() is None:
            raise ValidationError(_l("Please enter the date and the amount received."))


class TierForm(Form):
    tier = SelectField(choices=[])


class TierFeeForm(Form):
    name_de = StringField(validators=[DataRequired(), Length(max=120)])
    name_en = StringField(validators=[DataRequired(), Length(max=120)])
    fee_cents = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=10_000_000)])


def _checked(form: Form, refusal: str) -> Form:
    """A form of the licence or the admins' payments page once it holds what the step needs; else 400
    with `refusal` (these are small forms of a button or a row each, with no room for errors by field)."""
    if not form.validate_on_submit():
        abort_with(400, refusal)
    return form


@bp.get("/licence/")
@requires("member")
def licence():
    organisation = organisations.current(signed_in_user())
    current = services.licence_for(organisation.id)
    return render_template(
        "payments/licence.html",
        organisation=organisation,
        licence=current,
        state=services.state(current),
        tier=current.tier if current else services.tier_for(organisation),
        form=TermsForm(),
        stripe_enabled=services.stripe_enabled(),
        this_year=services.this_year(),
        is_owner=organisations.membership(signed_in_user(), organisation).role == "owner",
    )


@bp.post("/licence/accept")
@requires("member")
def accept():
    organisation = organisations.current(signed_in_user())
    _checked(TermsForm(), _("Please confirm that you accept the licence terms."))
    run(
        services.accept_terms,
        signed_in_user(),
        organisation.id,
        success=_("Thank you: the licence terms are accepted."),
    )
    return redirect(url_for("payments.licence"))


def _pending_licence():
    organisation = organisations.current(signed_in_user())
    current = services.licence_for(organisation.id)
    if current is None:
        abort_with(409, _("Please accept the licence terms first."))
    return current


@bp.post("/licence/invoice")
@requires("member")
def create_invoice():
    invoice = run(services.create_invoice, signed_in_user(), _pending_licence())
    return redirect(url_for("payments.invoice", invoice_id=invoice.id))


@bp.post("/licence/checkout")
@requires("member")
def checkout():
    if not services.stripe_enabled():
        abort_with(404, _("Online payment is not set up; please pay by invoice."))
    _checkout, url = run(services.start_checkout, signed_in_user(), _pending_licence())
    return redirect(url, code=303)


@bp.get("/licence/checkout/success")
@requires("member")
def checkout_success():
    session_id = request.args.get("session_id", "")[:255]
    checkout = services.checkout_for_member(signed_in_user(), session_id)
    try:
        services.fulfil_checkout(session_id)
        db.session.commit()
    except stripe.StripeError:
        db.session.rollback()  # the webhook or the reconciliation will catch up
    if services.is_current(checkout.licence.organisation_id):
        flash(_("Thank you: your payment has arrived and the licence is active."), "success")
    else:
        flash(_("Thank you: we will activate the licence as soon as the payment is confirmed."), "info")
    return redirect(url_for("payments.licence"))


@bp.get("/licence/invoices/<int:invoice_id>")
@requires("member", Role.ADMIN)
def invoice(invoice_id):
    return render_template(
        "payments/invoice.html", invoice=services.get_invoice_for_member(signed_in_user(), invoice_id)
    )


@bp.get("/licence/invoices/<int:invoice_id>.pdf")
@requires("member", Role.ADMIN)
def invoice_pdf_view(invoice_id):
    invoice = services.get_invoice_for_member(signed_in_user(), invoice_id)
    return Response(
        invoice_pdf.render(invoice),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{invoice.number}.pdf"'},
    )


@bp.post("/payments/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    """Stripe calls this; the raw body is verified with the endpoint secret before anything happens."""
    if not services.stripe_enabled():
        return {"error": {"status": 404, "message": "not configured"}}, 404
    try:
        outcome = services.handle_webhook(request.get_data(), request.headers.get("Stripe-Signature", ""))
        db.session.commit()
    except (ValueError, stripe.SignatureVerificationError):
        db.session.rollback()
        return {"error": {"status": 400, "message": "invalid payload or signature"}}, 400
    except IntegrityError:
        db.session.rollback()  # the same event, delivered twice at once: the other delivery recorded it
        outcome = "duplicate"
    except stripe.StripeError:
        db.session.rollback()
        # Stripe retries failed deliveries for days; reconciliation catches up as well.
        return {"error": {"status": 503, "message": "payment service unreachable"}}, 503
    return {"received": True, "outcome": outcome}


# --- admins ----------------------------------------------------------------------------------------------


# The admins' page shows each list a page at a time, each with its own page argument `<list>_page`.
ADMIN_LISTS = {
    "invoices": overview.open_invoices,
    "licences": overview.licences,
    "payments": overview.payments,
    "checkouts": overview.checkouts,
    "events": overview.webhook_events,
}
ADMIN_PAGE_SIZE = 50


@bp.get("/admin/payments")
@requires(Role.ADMIN)
def admin_payments():
    pages = {f"{name}_page": page_number(f"{name}_page") for name in ADMIN_LISTS}
    return render_template(
        "payments/admin.html",
        **{name: listing(rows, ADMIN_PAGE_SIZE, pages[f"{name}_page"]) for name, rows in ADMIN_LISTS.items()},
        pages={name: number for name, number in pages.items() if number > 1},  # kept in the pagers' links
        tiers=overview.tiers(),
        mark_form=MarkPaidForm(formdata=None, paid_on=date.today()),
        state=services.state,
    )


@bp.post("/admin/invoices/<int:invoice_id>/paid")
@requires(Role.ADMIN)
def mark_paid(invoice_id):
    invoice = services.get_invoice(invoice_id)
    form = _checked(MarkPaidForm(), _("Please enter the date and the amount received."))
    run(
        services.mark_invoice_paid,
        signed_in_user(),
        invoice,
        form.paid_on.data,
        form.cents(),
        success=_("Invoice %(number)s is paid; the licence is active.", number=invoice.number),
    )
    return redirect(url_for("payments.admin_payments"))


@bp.post("/admin/licences/<int:licence_id>/tier")
@requires(Role.ADMIN)
def change_tier(licence_id):
    licence_ = services.get_licence(licence_id)
    form = TierForm()
    form.tier.choices = [SelectChoice(str(t.id)) for t in overview.tiers()]
    tier = services.get_tier(int(_checked(form, _("Unknown tier.")).tier.data))
    run(services.grant_tier, signed_in_user(), licence_, tier, success=_("The tier has been changed."))
    return redirect(url_for("payments.admin_payments"))


@bp.post("/admin/licences/<int:licence_id>/cancel")
@requires(Role.ADMIN)
def cancel_licence(licence_id):
    licence_ = services.get_licence(licence_id)
    run(services.cancel, signed_in_user(), licence_, success=_("The licence has been cancelled."))
    return redirect(url_for("payments.admin_payments"))


@bp.post("/admin/tiers/<int:tier_id>")
@requires(Role.ADMIN)
def edit_tier(tier_id):
    tier = services.get_tier(tier_id)
    form = _checked(TierFeeForm(), _("Please enter names and a fee of 0 or more cents."))
    names_and_fee = (form.name_de.data, form.name_en.data, form.fee_cents.data)
    run(services.edit_tier, signed_in_user(), tier, *names_and_fee, success=_("The tier has been saved."))
    return redirect(url_for("payments.admin_payments"))
