"""The buyer's order page, opened by the signed link of the confirmation mail (buyers have no account):
the order, its pick-up with the calendar entry, and the cancel button until the deadline.

A link that was tampered with, has expired or names no order is a 404, the same answer for each, so a
guessed link learns nothing. The page is personal: never indexed (`noindex` in the page and the
header), never stored by a shared cache, and its address — the token — sent as the Referer to no other
site (`same-origin`: the site's own requests keep it, which Flask-WTF's CSRF check needs over HTTPS;
`no-referrer` would refuse the cancel button there)."""

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from .. import clock
from ..errors import RuleError, abort_with
from ..extensions import db
from ..web import NO_SUCH_PAGE, run
from . import buyer, calendar, ledger
from .blueprint import bp
from .prices import money
from .receipt import moment_text, receipt, status_text, window_text

PRIVATE_HEADERS = {
    "Referrer-Policy": "same-origin",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "private, no-store",
}


def _order_or_404(token: str):
    order = ledger.order_for_token(token)
    if order is None:
        abort_with(404, str(NO_SUCH_PAGE))
    return order


def _page(token: str, order, problems=(), status: int = 200):
    the_receipt = receipt(order)
    html = render_template(
        "orders/order.html",
        token=token,
        order=order,
        receipt=the_receipt,
        outlet=order.outlet,
        organisation=order.organisation,
        address=calendar.address(order.outlet),
        can_cancel=buyer.can_cancel(order, clock.utcnow()),
        problems=problems,
        money=money,
        window_text=window_text,
        moment_text=moment_text,
        status_text=status_text,
    )
    return html, status, PRIVATE_HEADERS


@bp.get("/order/<token>", endpoint="order_page")
def order_page(token):
    return _page(token, _order_or_404(token))


@bp.get("/order/<token>/calendar.ics", endpoint="order_calendar")
def order_calendar(token):
    """The pick-up as a calendar entry again (the same UID as the mail's: a second import replaces it)."""
    order = _order_or_404(token)
    entry = calendar.pickup_entry(receipt(order), order.locale)
    return Response(
        entry,
        mimetype=calendar.MIME_TYPE,
        headers={
            **PRIVATE_HEADERS,
            "Content-Disposition": f'attachment; filename="{calendar.filename(order)}"',
        },
    )


@bp.post("/order/<token>/cancel", endpoint="order_cancel")
def order_cancel(token):
    """The buyer's cancel: refused on the page (400) after the deadline; a second click finds the order
    cancelled and lands on the page like the first."""
    order = _order_or_404(token)
    try:
        cancelled = run(buyer.cancel_by_buyer, order, clock.utcnow())
    except RuleError as error:
        db.session.rollback()
        return _page(token, _order_or_404(token), error.messages, 400)
    if cancelled:
        flash(_("Your order is cancelled. We have sent you a confirmation by e-mail."), "success")
    return redirect(url_for("orders.order_page", token=token), 303)
