"""Licence pages for owners, the Stripe webhook and success page, and the admins' payments overview."""

from datetime import date
from decimal import Decimal, InvalidOperation

import stripe
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..errors import abort_with
from ..extensions import csrf, db
from ..forms import Form, IntegerField
from ..organisations import services as organisations
from ..permissions import Role, requires, signed_in_user
from ..web import run
from . import invoice_pdf, services
from .models import CheckoutSession, Invoice, Licence, LicenceTier, Payment, WebhookEvent

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


class TierForm(Form):
    tier = SelectField(choices=[])


class TierFeeForm(Form):
    name_de = StringField(validators=[DataRequired(), Length(max=120)])
    name_en = StringField(validators=[DataRequired(), Length(max=120)])
    fee_cents = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=10_000_000)])


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
    if not TermsForm().validate_on_submit():
        abort_with(400, _("Please confirm that you accept the licence terms."))
    run(services.accept_terms, signed_in_user(), organisation.id)
    flash(_("Thank you: the licence terms are accepted."), "success")
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
    checkout = db.session.scalar(
        select(CheckoutSession).where(CheckoutSession.stripe_session_id == session_id)
    )
    if checkout is None or organisations.membership(signed_in_user(), checkout.licence.organisation) is None:
        abort_with(404, _("This payment is unknown."))
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


def _invoice_for_member(invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id) or abort_with(404, _("This invoice does not exist."))
    if not (
        signed_in_user().has_role(Role.ADMIN)
        or organisations.membership(signed_in_user(), invoice.licence.organisation)
    ):
        abort_with(403, _("This invoice belongs to another organisation."))
    return invoice


@bp.get("/licence/invoices/<int:invoice_id>")
@requires("member", Role.ADMIN)
def invoice(invoice_id):
    return render_template("payments/invoice.html", invoice=_invoice_for_member(invoice_id))


@bp.get("/licence/invoices/<int:invoice_id>.pdf")
@requires("member", Role.ADMIN)
def invoice_pdf_view(invoice_id):
    invoice = _invoice_for_member(invoice_id)
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


@bp.get("/admin/payments")
@requires(Role.ADMIN)
def admin_payments():
    return render_template(
        "payments/admin.html",
        licences=db.session.scalars(select(Licence).order_by(Licence.year.desc(), Licence.id.desc())).all(),
        invoices=db.session.scalars(select(Invoice).order_by(Invoice.id.desc())).all(),
        payments=db.session.scalars(select(Payment).order_by(Payment.id.desc())).all(),
        checkouts=db.session.scalars(select(CheckoutSession).order_by(CheckoutSession.id.desc())).all(),
        events=db.session.scalars(select(WebhookEvent).order_by(WebhookEvent.id.desc()).limit(200)).all(),
        tiers=db.session.scalars(select(LicenceTier).order_by(LicenceTier.fee_cents)).all(),
        mark_form=MarkPaidForm(formdata=None, paid_on=date.today()),
        state=services.state,
    )


@bp.post("/admin/invoices/<int:invoice_id>/paid")
@requires(Role.ADMIN)
def mark_paid(invoice_id):
    invoice = db.session.get(Invoice, invoice_id) or abort_with(404, _("This invoice does not exist."))
    form = MarkPaidForm()
    if not form.validate_on_submit() or form.cents() is None:
        abort_with(400, _("Please enter the date and the amount received."))
    run(services.mark_invoice_paid, signed_in_user(), invoice, form.paid_on.data, form.cents())
    flash(_("Invoice %(number)s is paid; the licence is active.", number=invoice.number), "success")
    return redirect(url_for("payments.admin_payments"))


@bp.post("/admin/licences/<int:licence_id>/tier")
@requires(Role.ADMIN)
def change_tier(licence_id):
    licence_ = db.session.get(Licence, licence_id) or abort_with(404, _("This licence does not exist."))
    form = TierForm()
    form.tier.choices = [SelectChoice(str(t.id)) for t in db.session.scalars(select(LicenceTier))]
    if not form.validate_on_submit():
        abort_with(400, _("Unknown tier."))
    run(services.grant_tier, signed_in_user(), licence_, db.session.get(LicenceTier, int(form.tier.data)))
    flash(_("The tier has been changed."), "success")
    return redirect(url_for("payments.admin_payments"))


@bp.post("/admin/licences/<int:licence_id>/cancel")
@requires(Role.ADMIN)
def cancel_licence(licence_id):
    licence_ = db.session.get(Licence, licence_id) or abort_with(404, _("This licence does not exist."))
    run(services.cancel, signed_in_user(), licence_)
    flash(_("The licence has been cancelled."), "success")
    return redirect(url_for("payments.admin_payments"))


@bp.post("/admin/tiers/<int:tier_id>")
@requires(Role.ADMIN)
def edit_tier(tier_id):
    tier = db.session.get(LicenceTier, tier_id) or abort_with(404, _("Unknown tier."))
    form = TierFeeForm()
    if not form.validate_on_submit():
        abort_with(400, _("Please enter names and a fee of 0 or more cents."))
    tier.name_de, tier.name_en, tier.fee_cents = form.name_de.data, form.name_en.data, form.fee_cents.data
    db.session.commit()
    flash(_("The tier has been saved."), "success")
    return redirect(url_for("payments.admin_payments"))
