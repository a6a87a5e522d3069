"""The buyer's pages: an outlet's shop with its order form, and the way back from paying online. Buyers
have no account: nothing here asks for a sign-in; their order is reached by its signed link.

The form is one page in two steps that work without JavaScript: the pick-up dates are links (the
soonest chosen at first), and below them the order form of the chosen date lists only what can be
ordered for it, with the units left. On a phone a tap on a date is one step with no form to send, and
the quantities, contact and payment follow on the same page: no date picker (a list of at most 21
dates is shorter), no page that is only a date, and a quantity never offered for a date it cannot be
had on.

Sent, the form is reviewed on the same address before anything is ordered (§ 312j Abs. 2 BGB: the
essentials and the total right above the order button): the review carries everything typed in hidden
fields, so "Change" brings the form back as it was and "zahlungspflichtig bestellen" places it, checked
again, at the prices reviewed — no JavaScript, no state kept on the server, the one-time submission
key travelling along."""

from datetime import date

from flask import current_app, flash, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import NotFound
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields import EmailField, TelField

from ..extensions import db, limiter
from ..forms import Form
from ..payments import connect
from . import buying, calendar, ledger, legal, paying, prices, receipt, shop
from .blueprint import bp
from .models import OrderStatus, PaymentMethod


class OrderForm(Form):
    """The buyer's fields; the quantities (`quantity-<offer id>`) are read by `buying` as typed. Every
    value is checked by `buying.place_order`: the choices here are only what the page offers."""

    day = HiddenField()
    submission_key = HiddenField()
    interval = RadioField(_l("Pick-up time"), choices=[], validate_choice=False)
    name = StringField(_l("Your name"), render_kw={"autocomplete": "name"})
    email = EmailField(_l("E-mail address"), render_kw={"autocomplete": "email"})
    phone = TelField(_l("Phone (optional)"), render_kw={"autocomplete": "tel"})
    note = TextAreaField(_l("Note to the producer (optional)"), render_kw={"rows": 2})
    payment = RadioField(_l("Payment"), choices=[], validate_choice=False)


def _chosen_day(the_shop, text, product_id) -> date | None:
    """The date asked for if it can be ordered for; else the first one the product the buyer came from
    can be ordered for; else the soonest."""
    try:
        asked = date.fromisoformat(text or "")
    except ValueError:
        asked = None
    if asked in the_shop.dates:
        return asked
    for item in the_shop.offers:
        if item.offer.product_id == product_id and item.windows:
            return item.windows[0].day
    return the_shop.dates[0] if the_shop.dates else None


def _page(the_shop, form, day, errors=None, quantities=None, chosen=None):
    window = buying.day_window(the_shop, day) if day else None
    items = buying.orderable(the_shop, day) if day else []
    form.day.data = day.isoformat() if day else ""
    form.interval.choices = [
        (buying.interval_value(i), _interval_text(i)) for i in (window.intervals if window else ())
    ]
    if form.interval.data is None and len(form.interval.choices) == 1:
        form.interval.data = form.interval.choices[0][0]
    _payment_choices(the_shop, form)
    errors = errors or {}
    for name, messages in errors.items():
        if name and hasattr(form, name):
            getattr(form, name).errors = list(messages)
    details = legal.legal_details_of(the_shop.outlet.organisation_id)
    return render_template(
        "orders/shop.html",
        shop=the_shop,
        form=form,
        day=day,
        window=window,
        items=items,
        left=the_shop.remaining.get(day, {}) if day else {},
        allergens=buying.allergens_of([item.offer for item in the_shop.offers]),
        perishable={item.offer.id for item in the_shop.offers if legal.is_perishable(item.product)},
        legal=details,
        can_order=details.complete and the_shop.open and bool(items),
        errors=errors,
        quantities=quantities or {},
        chosen=chosen,
        quantity_prefix=buying.QUANTITY,
    ), (400 if errors else 200)


def _payment_choices(the_shop, form) -> None:
    methods = [(PaymentMethod.AT_PICKUP.value, _("Pay at pick-up"))] if the_shop.pay_at_pickup else []
    if the_shop.pay_online:
        methods.append((PaymentMethod.ONLINE.value, _("Pay online now (card and other methods, via Stripe)")))
    form.payment.choices = methods
    if not form.payment.data and methods:
        form.payment.data = methods[0][0]


def _interval_text(interval) -> str:
    start, end = interval
    return f"{start:%H:%M}–{end:%H:%M}" if end else f"{start:%H:%M}–24:00"


def _order_limit() -> str:
    return current_app.config["RATELIMIT_ORDERS"]


def _only_post() -> bool:
    return request.method != "POST"


@bp.route("/shop/<int:outlet_id>", methods=["GET", "POST"], endpoint="shop")
@limiter.limit(_order_limit, exempt_when=_only_post)
def shop_page(outlet_id):
    """What can be pre-ordered at an outlet and the order form of one pick-up date (`day`); `product`
    (an id) marks the product the buyer came from (its provenance page, the catalogue). Sent, the form
    is reviewed (`step` "review", also when no button is named), brought back to be changed ("change")
    or placed from the review ("place")."""
    the_shop = shop.require_shop(outlet_id)
    chosen = request.args.get("product", type=int)
    form = OrderForm()
    if request.method == "GET":
        form.submission_key.data = buying.new_submission_key()
        return _page(the_shop, form, _chosen_day(the_shop, request.args.get("day"), chosen), chosen=chosen)
    quantities = _quantities()
    day = _chosen_day(the_shop, form.day.data, None)
    if not form.validate_on_submit():
        errors = {name: list(field.errors) for name, field in form._fields.items() if field.errors}
        errors = errors or {"": [_("The form has expired. Please send it again.")]}
        return _page(the_shop, form, day, errors, quantities)
    first = buying.existing_order(form.submission_key.data or "")
    if first is not None:  # sent again after it went through: where the first one led, saying so
        flash(_("This order had already been placed: here it is. Nothing was ordered a second time."), "info")
        return redirect(buying.order_url(first), 303)
    step = request.form.get("step")
    if step == "change":
        return _page(the_shop, form, day, quantities=quantities)
    sent = _sent(form, quantities)
    if step != "place":
        try:
            return _review(the_shop, form, buying.check_order(outlet_id, sent))
        except buying.OrderError as error:
            return _page(the_shop, form, day, error.errors, quantities)
    return _place(the_shop, form, sent, quantities)


def _sent(form, quantities) -> buying.OrderRequest:
    return buying.OrderRequest(
        day=form.day.data or "",
        interval=form.interval.data or "",
        quantities=quantities,
        name=form.name.data or "",
        email=form.email.data or "",
        phone=form.phone.data or "",
        note=form.note.data or "",
        payment=form.payment.data or "",
        submission_key=form.submission_key.data or "",
        locale=str(get_locale()),
    )


def _place(the_shop, form, sent, quantities):
    """The order button of the review: placed at the prices reviewed, or the review again (what changed
    said), or the form with what can no longer be had (stock gone, a deadline passed)."""
    day = _chosen_day(the_shop, form.day.data, None)
    try:
        order = buying.place_order(the_shop.outlet.id, sent, request.form.get("reviewed", ""))
        target = paying.start_checkout(order) if order.status == OrderStatus.PENDING else None
    except buying.ReviewChanged as changed:
        db.session.rollback()
        return _review(the_shop, form, changed.draft, changed.errors)
    except buying.OrderError as error:
        db.session.rollback()
        return _page(the_shop, form, day, error.errors, quantities)
    except connect.ConnectError as error:
        db.session.rollback()
        return _page(the_shop, form, day, {"payment": [str(error)]}, quantities)
    db.session.commit()
    if target:
        return redirect(target, 303)
    flash(_("Thank you! Your order %(reference)s has been placed.", reference=order.reference), "success")
    return redirect(buying.order_url(order), 303)


def _review(the_shop, form, draft, errors=None):
    """The order as it would be placed, nothing saved: lines, total, VAT, pick-up, payment, the buyer's
    details, the legal notes, and the buttons to change it or place it."""
    _payment_choices(the_shop, form)
    order = draft.order
    return render_template(
        "orders/shop_review.html",
        shop=the_shop,
        form=form,
        order=order,
        receipt=draft.receipt,
        reviewed=draft.reviewed,
        payment_text=dict(form.payment.choices).get(order.payment_method.value, ""),
        perishable=[
            offer.product.name(str(get_locale()))
            for offer in draft.offers.values()
            if legal.is_perishable(offer.product)
        ],
        legal=legal.legal_details_of(the_shop.outlet.organisation_id),
        address=calendar.address(the_shop.outlet),
        errors=errors or {},
        quantity_prefix=buying.QUANTITY,
        money=prices.money,
        window_text=receipt.window_text,
        moment_text=receipt.moment_text,
    ), (400 if errors else 200)


def _quantities() -> dict[int, str]:
    """The quantity fields as typed, by offer id (a field whose name is no offer id is ignored)."""
    found = {}
    for name, value in request.form.items():
        if name.startswith(buying.QUANTITY):
            offer_id = name.removeprefix(buying.QUANTITY)
            if offer_id.isascii() and offer_id.isdigit() and len(offer_id) <= 10:
                found[int(offer_id)] = value[:20]
    return found


def _order(token):
    order = ledger.order_for_token(token)
    if order is None:
        raise NotFound()
    return order


@bp.get("/paid/<token>", endpoint="paid")
def paid(token):
    """Stripe's success_url: the session asked from Stripe here too, so the buyer sees the order placed
    without waiting for the webhook (both act alike, and only once)."""
    order = _order(token)
    paying.settle_on_return(order)
    db.session.commit()
    if order.status == OrderStatus.PLACED:
        flash(
            _(
                "Thank you! Your payment was received and your order %(reference)s is placed.",
                reference=order.reference,
            ),
            "success",
        )
    elif order.status == OrderStatus.PENDING:
        flash(_("Your payment is being confirmed. You will get an e-mail as soon as it is."), "info")
    return redirect(buying.order_url(order), 303)


@bp.route("/paid/<token>/left", methods=["GET", "POST"], endpoint="payment_left")
def payment_left(token):
    """Stripe's cancel_url: the buyer came back without paying. They choose: pay after all (back to the
    still open session) or cancel (the session expired at Stripe, the units released at once). Nothing
    changes on the GET: a link preview or a back button must not cancel an order."""
    order = _order(token)
    if request.method == "POST" and Form().validate_on_submit():
        paying.give_up(order)
        db.session.commit()
        if order.status == OrderStatus.EXPIRED:
            flash(str(paying.NOT_PAID), "info")
        return redirect(buying.order_url(order), 303)
    resume = paying.open_session_url(order)
    return render_template("orders/shop_left.html", order=order, resume=resume, form=Form())
