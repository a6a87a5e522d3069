"""What an order adds up to, as the buyer's mail and order page show it: its lines, the VAT it contains
per rate (net, VAT, gross) and which lines are sold by weight (their price an estimate until weighed).

The VAT of a rate is computed once on the rate's gross sum, not per line and added up: that is how a
till and an invoice (§ 14 Abs. 4 Nr. 8 UStG: the amount per rate) state it, and per-line rounding
would drift by a cent for every few lines."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import clock
from ..extensions import db
from .models import Offer, Order, OrderLine, OrderStatus, PaymentMethod, SalesUnit
from .prices import net_cents, vat_contained


@dataclass(frozen=True)
class VatRow:
    percent: int
    gross_cents: int
    vat_cents: int
    net_cents: int


@dataclass(frozen=True)
class Receipt:
    order: Order
    lines: list[OrderLine]
    vat: list[VatRow]  # by rate, lowest first
    weighed: frozenset[int]  # ids of the offers sold by weight (their lines' amounts are estimates)

    @property
    def estimated(self) -> bool:
        return bool(self.weighed)

    @property
    def paid_online(self) -> bool:
        return self.order.payment_method == PaymentMethod.ONLINE and self.order.paid_at is not None


def vat_rows(lines: list[OrderLine]) -> list[VatRow]:
    """The VAT breakdown of `lines`: per rate the gross sum, the VAT it contains (half-up) and the net."""
    gross: dict[int, int] = {}
    for line in lines:
        gross[line.vat_percent] = gross.get(line.vat_percent, 0) + line.line_total_cents
    return [
        VatRow(rate, amount, vat_contained(amount, rate), net_cents(amount, rate))
        for rate, amount in sorted(gross.items())
    ]


def receipt(order: Order) -> Receipt:
    """The order's receipt. Whether a line is sold by weight is its offer's unit (the line copies the
    unit's text, not its kind); one query for all lines."""
    lines = list(order.lines)
    by_weight = frozenset(
        db.session.scalars(
            select(Offer.id).where(
                Offer.id.in_([line.offer_id for line in lines]), Offer.unit == SalesUnit.WEIGHT
            )
        )
    )
    return Receipt(
        order=order,
        lines=lines,
        vat=vat_rows(lines),
        weighed=by_weight,
    )


def pickup_span(day: date, start: time, end: time | None) -> tuple[datetime, datetime]:
    """The pick-up interval as naive local wall-clock moments. An end of None is midnight, and an end
    before the start is the next morning (opening hours past midnight belong to the evening they start)."""
    begins = datetime.combine(day, start)
    ends = datetime.combine(day, end or time(0))
    if ends <= begins:
        ends += timedelta(days=1)
    return begins, ends


# --- what the mails and the order page say (in the language in force when called) -----------------------


def window_text(order: Order) -> str:
    """ "Samstag, 12. Dezember 2026, 08:00–13:00"; an interval open to midnight ends at 24:00."""
    end = format_time(order.pickup_end, "short") if order.pickup_end else "24:00"
    return _(
        "%(day)s, %(start)s–%(end)s",
        day=format_date(order.pickup_date, "full"),
        start=format_time(order.pickup_start, "short"),
        end=end,
    )


def moment_text(moment: datetime) -> str:
    """A stored moment (naive UTC) as local date and time: "Donnerstag, 10. Dezember 2026, 18:00"."""
    local = clock.as_local(moment)
    return _(
        "%(day)s, %(time)s",
        day=format_date(local.date(), "full"),
        time=format_time(local.time().replace(tzinfo=None), "short"),
    )


# Each state as the buyer reads it (the producer's pages name them their own way).
_STATUS = {
    OrderStatus.PENDING: _l("Waiting for the online payment"),
    OrderStatus.PLACED: _l("Ordered: to be picked up"),
    OrderStatus.COLLECTED: _l("Picked up"),
    OrderStatus.NOT_COLLECTED: _l("Not picked up"),
    OrderStatus.CANCELLED: _l("Cancelled"),
    OrderStatus.EXPIRED: _l("Not placed: the payment was not completed"),
}


def status_text(order: Order) -> str:
    return str(_STATUS[OrderStatus(order.status)])
