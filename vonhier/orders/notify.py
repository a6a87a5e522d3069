"""The mails of an order, queued in the outbox in the caller's transaction (a rollback drops them with
the change that caused them), each in its reader's language.

- The buyer (in the order's language): the confirmation when the order is placed — lines, VAT per
  rate, pick-up place and window with a calendar entry, how it is paid, until when and where it can be
  cancelled (the signed link to the order page), the producer's contact — and the cancellation, by
  whomever it was made.
- The producer's members (each in their own): every new order and every cancel by a buyer. A farm shop
  packs orders ahead: an order it hears of only on the start page may be found too late, and a buyer's
  cancel unpacks a box. The producer's own cancel, and a payment that failed before the order was
  placed, tell them nothing new. The organisation's public e-mail address is not written to: it is a
  contact for buyers, in no known language, and not necessarily read by the people packing."""

from flask_babel import lazy_gettext as _l

from ..outbox import mail
from ..permissions import MemberRole
from ..web import external_url
from . import calendar, ledger
from .models import Order
from .prices import money
from .receipt import moment_text, receipt, window_text

CANCELLED_BY = ("buyer", "producer", "payment")


def order_link(order: Order) -> str:
    """The buyer's signed link to the order page, absolute (BASE_URL), for mails."""
    return external_url("orders.order_page", token=ledger.order_token(order))


def _context(order: Order) -> dict:
    """What every order mail shows: the receipt, the pick-up, the deadline in local time."""
    return {
        "order": order,
        "receipt": receipt(order),
        "outlet": order.outlet,
        "address": calendar.address(order.outlet),
        "organisation": order.organisation,
        "money": money,
        "window_text": window_text,
        "moment_text": moment_text,
    }


def _entry(the_receipt, order: Order) -> tuple[str, str, bytes]:
    return (calendar.filename(order), calendar.MAIL_TYPE, calendar.pickup_entry(the_receipt, order.locale))


def _producer_people(order: Order) -> list:
    """Every active member of the order's organisation: owners and staff both sell at the farm shop."""
    people = {
        membership.user
        for membership in order.organisation.memberships
        if membership.user.is_active and membership.role in (MemberRole.OWNER, MemberRole.STAFF)
    }
    return sorted(people, key=lambda person: person.id)


def confirmed(order: Order) -> None:
    """The buyer's confirmation with the calendar entry, and the producer's notice of the new order.
    Called once per order, when it becomes placed (the compare-and-set that placed it decides once)."""
    context = _context(order)
    mail.send(
        order.buyer_email,
        _l("Your order %(reference)s at %(outlet)s", reference=order.reference, outlet=order.outlet.name),
        "order_confirmed",
        locale=order.locale,
        attachments=[_entry(context["receipt"], order)],
        link=order_link(order),
        **context,
    )
    for person in _producer_people(order):
        mail.send(
            person.email,
            _l(
                "New pre-order %(reference)s from %(buyer)s",
                reference=order.reference,
                buyer=order.buyer_name,
            ),
            "order_received",
            locale=person.locale,
            link=external_url("workspace.business"),
            **context,
        )


def cancelled(order: Order) -> None:
    """Tell the buyer that the order was cancelled (`order.cancelled_by`: "buyer" confirms their own
    cancel, "producer" gives the reason and any refund, "payment" says the payment did not go through);
    a buyer's cancel is also told to the producer's members."""
    assert order.cancelled_by in CANCELLED_BY, order.cancelled_by
    context = _context(order)
    # A failed payment never placed the order: no entry was sent that would need cancelling.
    entry = order.cancelled_by != "payment"
    mail.send(
        order.buyer_email,
        _l("Order %(reference)s is cancelled", reference=order.reference),
        "order_cancelled",
        locale=order.locale,
        attachments=[_entry(context["receipt"], order)] if entry else [],
        shop_link=external_url("orders.shop", outlet_id=order.outlet_id),
        entry=entry,
        **context,
    )
    if order.cancelled_by != "buyer":
        return
    for person in _producer_people(order):
        mail.send(
            person.email,
            _l("Pre-order %(reference)s was cancelled by the buyer", reference=order.reference),
            "order_withdrawn",
            locale=person.locale,
            link=external_url("workspace.business"),
            **context,
        )
