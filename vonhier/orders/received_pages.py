"""The producer's pages of received orders (on the orders blueprint): the pick-up dates with their
orders counted, one date's orders, one order with its history, after the pick-up (collected or not),
cancelling with a reason; the pick list as PDF and CSV; the sales export for the bookkeeping. Refusals
come back on the order's page with what was typed (400)."""

import re
from datetime import date

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import spreadsheet
from ..arguments import Arguments, Refused
from ..errors import RuleError
from ..extensions import db
from ..organisations.services import current_organisation
from ..outlets.services import outlets_of
from ..permissions import login_required, requires, signed_in_user
from ..web import run
from . import picklist, prices, received, sales
from .blueprint import bp
from .received_forms import CancelForm, OutcomeForm

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
NO_DATE = _l("Please choose a date as YYYY-MM-DD.")


def _day(args: Arguments) -> date:
    """The `day` argument (today when not given)."""
    value = args.value("day")
    if value is None or value == "":
        return received.today()
    if not _ISO_DATE.fullmatch(value):
        raise Refused(NO_DATE)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Refused(NO_DATE) from None


def _place(organisation_id: int) -> tuple[date, int | None, list]:
    """The date and outlet a day page or pick list is asked for; an outlet not the organisation's is
    refused like an unknown one."""
    args = Arguments(request.args, optional=("outlet", "day"))
    day = _day(args)
    outlets = outlets_of(organisation_id, include_archived=True)
    chosen = args.choice("outlet", lambda: [str(o.id) for o in outlets], _l("There is no such outlet."))
    return day, int(chosen) if chosen else None, outlets


@bp.get("/received")
@requires("member")
def received_list():
    organisation = current_organisation()
    past = Arguments(request.args).choice("when", ("upcoming", "past")) == "past"
    return render_template(
        "orders/received.html",
        organisation=organisation,
        past=past,
        groups=received.pickup_groups(signed_in_user(), organisation.id, past=past),
        periods=sales.periods(received.today()),
        past_days=received.PAST_DAYS,
    )


@bp.get("/received/day")
@requires("member")
def received_day():
    organisation = current_organisation()
    day, outlet_id, outlets = _place(organisation.id)
    orders = received.day_orders(signed_in_user(), organisation.id, day, outlet_id)
    return render_template(
        "orders/received_day.html",
        day=day,
        outlet_id=outlet_id,
        outlets=outlets,
        orders=orders,
        outcome_form=OutcomeForm(),
        payment_text=picklist.payment_text,
        window_text=picklist.window_text,
        today=received.today(),
    )


@bp.get("/received/<int:order_id>")
@login_required
def received_order(order_id):
    order = received.get_order_for_member(signed_in_user(), order_id)
    return _order_page(order, CancelForm(), OutcomeForm())


def _order_page(order, cancel_form, outcome_form, status=200):
    return render_template(
        "orders/received_order.html",
        order=order,
        events=received.events_of(order),
        cancel_form=cancel_form,
        outcome_form=outcome_form,
        cancellable=order.status in received.CANCELLABLE,
        money=prices.money,
        payment_text=picklist.payment_text,
        window_text=picklist.window_text,
        today=received.today(),
    ), status


@bp.post("/received/<int:order_id>/pickup")
@login_required
def mark_pickup(order_id):
    order = received.get_order_for_member(signed_in_user(), order_id)
    form = OutcomeForm()
    if not form.validate_on_submit():
        return _order_page(order, CancelForm(formdata=None), form, 400)
    try:
        changed = run(received.mark, signed_in_user(), order, form.outcome.data)
    except RuleError as error:
        db.session.rollback()
        form.outcome.errors = list(error.messages)
        return _order_page(order, CancelForm(formdata=None), form, 400)
    if changed:
        done = (
            _("Marked as collected.") if form.outcome.data == "collected" else _("Marked as not collected.")
        )
        flash(f"{order.reference}: {done}", "success")
    return redirect(
        url_for("orders.received_day", day=order.pickup_date.isoformat(), _anchor=f"order-{order.id}")
    )


@bp.post("/received/<int:order_id>/cancel")
@login_required
def cancel_order(order_id):
    order = received.get_order_for_member(signed_in_user(), order_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return _order_page(order, form, OutcomeForm(formdata=None), 400)
    try:
        run(
            received.cancel,
            signed_in_user(),
            order,
            form.reason.data,
            success=_("The order is cancelled; the buyer is told by mail."),
        )
    except RuleError as error:
        db.session.rollback()
        db.session.refresh(order)
        form.reason.errors = [*form.reason.errors, *error.messages]
        return _order_page(order, form, OutcomeForm(formdata=None), 400)
    return redirect(url_for("orders.received_order", order_id=order.id))


@bp.get("/received/picklist.pdf")
@requires("member")
def picklist_pdf():
    pick = _pick_list()
    day = pick.day
    return Response(
        picklist.to_pdf(pick),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="pick-list-{day.isoformat()}.pdf"'},
    )


@bp.get("/received/picklist.csv")
@requires("member")
def picklist_csv():
    pick = _pick_list()
    return spreadsheet.download(picklist.to_csv(pick), f"pick-list-{pick.day.isoformat()}.csv")


def _pick_list() -> picklist.PickList:
    organisation = current_organisation()
    day, outlet_id, _outlets = _place(organisation.id)
    return picklist.pick_list(signed_in_user(), organisation.id, day, outlet_id)


@bp.get("/received/sales.csv")
@requires("member")
def sales_csv():
    organisation = current_organisation()
    period = Arguments(request.args).text("period", 7)
    bounds = sales.period_bounds(period)
    if bounds is None:
        raise Refused(_l("Please choose a month or a year."))
    found = sales.sales(signed_in_user(), organisation.id, *bounds)
    return spreadsheet.download(sales.to_csv(found), f"sales-{period}.csv")
