"""Display names of sales units and measures, and an order deadline in words (see `display_names.py`)."""

from datetime import time

from flask_babel import format_time, ngettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext

from ..display_names import add
from .models import Measure, OrderStatus, PaymentMethod, SalesUnit

SALES_UNIT = add(
    "sales_unit",
    {
        SalesUnit.PIECE: _l("by the piece"),
        SalesUnit.PACK: _l("by the pack"),
        SalesUnit.WEIGHT: _l("by weight or volume"),
    },
)

MEASURE = add("offer_measure", {Measure.KILOGRAM: _l("per kilogram"), Measure.LITRE: _l("per litre")})


def deadline_text(days_before: int, at: time) -> str:
    """ "bis 2 Tage vorher, 18:00 Uhr"; on the day itself "bis zum Abholtag, 10:00 Uhr"."""
    clock_time = format_time(at, "short")
    if days_before == 0:
        return str(_l("until the pick-up day, %(time)s", time=clock_time))
    return ngettext(
        "until %(num)d day before, %(time)s",
        "until %(num)d days before, %(time)s",
        days_before,
        time=clock_time,
    )


ORDER_STATUS = add(
    "order_status",
    {
        OrderStatus.PENDING: _l("payment open"),
        OrderStatus.PLACED: _l("to be picked up"),
        OrderStatus.COLLECTED: _l("collected"),
        OrderStatus.NOT_COLLECTED: _l("not collected"),
        # A licence "cancelled" is „gekündigt“, an order „storniert“: the word with its context (lazy,
        # imported as `pgettext`, which pybabel's default keywords extract with the context).
        OrderStatus.CANCELLED: pgettext("order", "cancelled"),
        OrderStatus.EXPIRED: _l("expired"),
    },
)

PAYMENT_METHOD = add(
    "order_payment_method",
    {PaymentMethod.AT_PICKUP: _l("at pick-up"), PaymentMethod.ONLINE: _l("online")},
)

# What an order's history shows (`OrderEvent.kind`: the state it moved to, or what happened to it).
ORDER_EVENT = add(
    "order_event",
    {
        **{status.value: name for status, name in ORDER_STATUS.items()},
        OrderStatus.PENDING.value: _l("waiting for the online payment"),
        OrderStatus.PLACED.value: _l("placed"),
        "refunded": _l("refunded"),
    },
)
