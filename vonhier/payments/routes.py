"""Licence pages for owners, the Stripe webhook and success page, the producer's online payment page
(Stripe Connect) and its webhook, and the admins' payments overview."""

import stripe
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..errors import abort_with
from ..extensions import csrf, db
from ..forms import EuroField, Form, IntegerField, euros
from ..organisations import services as organisations
from ..permissions import Role, requires, signed_in_user
from ..web import listing, page_number, run
from . import checkout, connect, invoice_pdf, overview, services, years

bp = Blueprint("payments", __name__)


class TermsForm(Form):
    accept = BooleanField(validators=[DataRequired()])
    year = IntegerField(validators=[Optional()])  # this year's licence when not given


class YearForm(Form):
    """The licence year a payment button is for (this year's when not given)."""

    year = IntegerField(validators=[Optional()])


class MarkPaidForm(Form):
    paid_on = DateField(validators=[InputRequired()])
    # Text: admins type "142,80" as well as "142.80" (`hygiene.euro_cents`).
    amount = EuroField(validators=[InputRequired()])


class TierForm(Form):
    tier = SelectField(choices=[])


class TierFeeForm(Form):
    name_de = StringField(validators=[DataRequired(), Length(max=120)])
    name_en = StringField(validators=[DataRequired(), Length(max=120)])
    fee = EuroField(validators=[InputRequired()])


def _checked(form: Form, refusal: str) -> Form:
    """A form of the admins' payments page once it holds what the step needs; else 400 with `refusal`
    (these are small forms of a button each, with no room for errors by field)."""
    if not form.validate_on_submit():
        abort_with(400, refusal)
    return form


def _licence_page(error: services.PaymentError | None = None, status: int = 200):
    """The licence page: a panel per year that can be taken now, a refusal (if any) above them."""
    user = signed_in_user()
    organisation = organisations.current(user)
    page = render_template(
        "payments/licence.html",
        organisation=organisation,
        offers=services.offers(organisation),
        form=TermsForm(formdata=None),
        stripe_enabled=checkout.stripe_enabled(),
        this_year=services.this_year(),
        next_year_from=years.next_year_from(services.this_year()),
        is_owner=organisations.membership(user, organisation).role == "owner",
        error=error,
        unconfirmed=not user.is_confirmed,
    )
    return page, status


def _step(action, *args, success: str | None = None):
    """Run a licence step; a refusal is shown on the licence page (409) with what helps."""
    try:
        return run(action, *args, success=success)
    except services.PaymentError as error:
        db.session.rollback()
        raise _Refused(error) from None


class _Refused(Exception):
    """A licence step refused (by the rules or for its form): answered with the licence page, the reason
    above the years and, for an unconfirmed address, the button that sends the link again."""

    def __init__(self, error):
        self.error = error


@bp.errorhandler(_Refused)
def _refused(refused):
    return _licence_page(refused.error, 409)


@bp.get("/licence/")
@requires("member")
def licence():
    return _licence_page()


def _year(form: Form) -> int:
    return form.year.data or services.this_year()


@bp.post("/licence/accept")
@requires("member")
def accept():
    organisation = organisations.current(signed_in_user())
    form = TermsForm()
    if not form.validate_on_submit():
        if form.year.errors:
            return _licence_page(services.PaymentError(_("This licence year is unknown."), field="year"), 400)
        refusal = _("Please confirm that you accept the licence terms.")
        return _licence_page(services.PaymentError(refusal, field="accept"), 400)
    _step(
        services.accept_terms,
        signed_in_user(),
        organisation.id,
        _year(form),
        success=_("Thank you: the licence terms are accepted."),
    )
    return redirect(url_for("payments.licence"))


def _pending_licence():
    form = YearForm()
    if not form.validate_on_submit():
        raise _Refused(services.PaymentError(_("This licence year is unknown.")))
    organisation = organisations.current(signed_in_user())
    current = services.licence_for(organisation.id, _year(form))
    if current is None:
        raise _Refused(services.PaymentError(_("Please accept the licence terms first.")))
    return current


@bp.post("/licence/invoice")
@requires("member")
def create_invoice():
    invoice = _step(services.create_invoice, signed_in_user(), _pending_licence())
    return redirect(url_for("payments.invoice", invoice_id=invoice.id))


@bp.post("/licence/checkout", endpoint="checkout")
@requires("member")
def checkout_start():
    if not checkout.stripe_enabled():
        abort_with(404, _("Online payment is not set up; please pay by invoice."))
    _checkout, url = _step(checkout.start_checkout, signed_in_user(), _pending_licence())
    return redirect(url, code=303)


@bp.get("/licence/checkout/success")
@requires("member")
def checkout_success():
    session_id = request.args.get("session_id", "")[:255]
    session = checkout.checkout_for_member(signed_in_user(), session_id)
    try:
        checkout.fulfil_checkout(session_id)
        db.session.commit()
    except stripe.StripeError:
        db.session.rollback()  # the webhook or the reconciliation will catch up
    if session.licence.status == "active":
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
    return _webhook(checkout.stripe_enabled(), checkout.handle_webhook)


def _webhook(enabled: bool, handle):
    """A webhook delivery: `handle` verifies the raw body with its endpoint's secret before anything
    happens, then records and acts on the event; answered as Stripe expects (it retries non-2xx)."""
    if not enabled:
        return {"error": {"status": 404, "message": "not configured"}}, 404
    try:
        outcome = handle(request.get_data(), request.headers.get("Stripe-Signature", ""))
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


# --- online payment of pre-orders (Stripe Connect) ---------------------------------------------------


def _connect_page(error: services.PaymentError | None = None, status: int = 200):
    user = signed_in_user()
    organisation = organisations.current_organisation()
    account = connect.account_for(organisation.id)
    return render_template(
        "payments/connect.html",
        organisation=organisation,
        state=connect.online_payment_state(organisation.id),
        account=account,
        is_owner=organisations.membership(user, organisation).role == "owner",
        error=error,
    ), status


@bp.get("/payments/online", endpoint="connect")
@requires("member")
def connect_page():
    return _connect_page()


def _connect_step(action, flashed: bool = False):
    """Run a Connect step for the current organisation and commit: (its result, None), or (None, the
    refusal) with nothing kept; `flashed`: the refusal is also flashed for the page redirected to."""
    organisation = organisations.current_organisation()
    try:
        return run(action, signed_in_user(), organisation.id), None
    except connect.ConnectError as error:
        db.session.rollback()
        if flashed:
            flash(str(error), "error")
        return None, error


@bp.post("/payments/online/connect")
@requires("member")
def connect_start():
    """Create the organisation's Stripe account (once) and send the owner to Stripe's onboarding."""
    url, error = _connect_step(connect.start_onboarding)
    return _connect_page(error, 409) if error else redirect(url, code=303)


RETURN_MESSAGES = {
    "ready": (_l("Your Stripe account is connected: buyers can now pay your pre-orders online."), "success"),
    "pending": (_l("Thank you: Stripe is checking your details; we will show here when it is done."), "info"),
    "incomplete": (_l("Stripe still needs some details from you: please continue the set-up."), "info"),
}


@bp.get("/payments/online/return")
@requires("member")
def connect_return():
    """Stripe sends the producer back here: its flags are asked from Stripe, not read off the address."""
    account, error = _connect_step(connect.refresh, flashed=True)
    if not error and account is not None and connect.state(account) in RETURN_MESSAGES:
        message, category = RETURN_MESSAGES[connect.state(account)]
        flash(str(message), category)
    return redirect(url_for("payments.connect"))


@bp.get("/payments/online/refresh")
@requires("member")
def connect_refresh():
    """Stripe's link had expired or was used: a fresh one, for an account that exists (none is made here)."""
    url, _error = _connect_step(connect.continue_onboarding, flashed=True)
    return redirect(url, code=303) if url else redirect(url_for("payments.connect"))


@bp.post("/payments/stripe/connect/webhook")
@csrf.exempt
def stripe_connect_webhook():
    """Stripe calls this for events of the producers' accounts, signed with the Connect endpoint's own
    secret; recorded once, the object asked from Stripe again on its account."""
    return _webhook(connect.webhook_enabled(), connect.handle_webhook)


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
    return _admin_page()


def _admin_page(failed: tuple[str, int, Form] | None = None, status: int = 200):
    """The admins' payments page; `failed` is the row form ("invoice" or "tier", its id, the form) whose
    submission was refused: that row shows what was typed with a message at each field."""
    pages = {f"{name}_page": page_number(f"{name}_page") for name in ADMIN_LISTS}
    return render_template(
        "payments/admin.html",
        **{name: listing(rows, ADMIN_PAGE_SIZE, pages[f"{name}_page"]) for name, rows in ADMIN_LISTS.items()},
        pages={name: number for name, number in pages.items() if number > 1},  # kept in the pagers' links
        tiers=overview.tiers(),
        paid_on=years.today(),
        failed=failed or ("", 0, None),
        euros=euros,
        state=services.state,
    ), status


def _admin_step(failed: tuple[str, int, Form], action, *args, success: str):
    """Run an admin step on a row; the form's own errors and the rules' refusals are shown at that row."""
    form = failed[2]
    if not form.validate_on_submit():
        return _admin_page(failed, 400)
    try:
        run(action, *args, success=success)
    except services.PaymentError as error:
        db.session.rollback()
        field = getattr(form, error.field, None) if error.field else None
        (field.errors if field is not None else form.form_errors).extend(error.messages)
        return _admin_page(failed, 409)
    return redirect(url_for("payments.admin_payments"))


@bp.post("/admin/invoices/<int:invoice_id>/paid")
@requires(Role.ADMIN)
def mark_paid(invoice_id):
    invoice = services.get_invoice(invoice_id)
    form = MarkPaidForm()
    return _admin_step(
        ("invoice", invoice.id, form),
        lambda: services.mark_invoice_paid(signed_in_user(), invoice, form.paid_on.data, form.amount.data),
        success=_("Invoice %(number)s is paid; the licence is active.", number=invoice.number),
    )


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
    form = TierFeeForm()
    return _admin_step(
        ("tier", tier.id, form),
        lambda: services.edit_tier(
            signed_in_user(), tier, form.name_de.data, form.name_en.data, form.fee.data
        ),
        success=_("The tier has been saved."),
    )
