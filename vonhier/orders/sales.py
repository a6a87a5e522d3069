"""Sales for the bookkeeping: the order lines of a month or a year, with net, VAT and gross per line and
per VAT rate (7 % and 19 %), as a CSV (the one writer, `spreadsheet`).

What counts as sold, by pick-up date (the day the goods are handed over, the date of the supply):
- collected orders: handed over;
- placed orders: to be handed over (from today on), or of a past date nobody marked — at a farm shop
  most are fetched without anyone clicking, so leaving them out would understate the sales; the status
  column lets the bookkeeper tell them apart;
- orders paid online that the buyer did not fetch: the money was kept, so it is a sale.
Not counted: cancelled orders (refunded, or never paid), expired ones (never paid), pending ones (the
payment still open), and orders to be paid at pick-up that were not fetched (nothing was paid).

VAT per rate is computed from the rate's gross sum (gross × rate / (100 + rate), half-up), as on an
invoice: that is the amount owed. The VAT of each line, shown for reading, can add up to a cent or two
more or less."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import contains_eager

from .. import spreadsheet
from ..extensions import db
from ..organisations.services import require_member
from .models import VAT_RATES, Order, OrderLine, OrderStatus, PaymentMethod
from .names import ORDER_STATUS, PAYMENT_METHOD
from .picklist import csv_amount
from .prices import net_cents, vat_contained

FIRST_YEAR = 2025  # pre-orders started after this; earlier periods hold nothing
MONTHS_OFFERED = 24  # the months the export form offers (older ones by year)


@dataclass
class RateSum:
    vat_percent: int
    gross_cents: int = 0

    @property
    def vat_cents(self) -> int:
        return vat_contained(self.gross_cents, self.vat_percent)

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.vat_cents


@dataclass
class Sales:
    start: date
    end: date  # exclusive
    lines: list[OrderLine] = field(default_factory=list)
    sums: list[RateSum] = field(default_factory=list)


def counted():
    """The SQL condition of an order whose lines count as sold (see the module's docstring)."""
    return or_(
        Order.status.in_((OrderStatus.COLLECTED, OrderStatus.PLACED)),
        and_(Order.status == OrderStatus.NOT_COLLECTED, Order.payment_method == PaymentMethod.ONLINE),
    )


def period_bounds(period: str) -> tuple[date, date] | None:
    """ "2026" → the year, "2026-06" → the month; None for anything else."""
    try:
        if len(period) == 4 and period.isdigit():
            year = int(period)
            return (date(year, 1, 1), date(year + 1, 1, 1)) if year >= FIRST_YEAR else None
        if len(period) == 7 and period[4] == "-" and period[:4].isdigit() and period[5:].isdigit():
            year, month = int(period[:4]), int(period[5:])
            if year < FIRST_YEAR:
                return None
            start = date(year, month, 1)
            return start, date(year + month // 12, month % 12 + 1, 1)
    except ValueError:  # month 13, year 9999 + 1
        return None
    return None


def periods(today: date) -> list[tuple[str, str]]:
    """The periods the export form offers, newest first: the last 24 months, then the years."""
    offered = []
    year, month = today.year, today.month
    for _step in range(MONTHS_OFFERED):
        if year < FIRST_YEAR:
            break
        offered.append((f"{year:04d}-{month:02d}", format_date(date(year, month, 1), "MMMM yyyy")))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    offered += [(str(y), str(y)) for y in range(today.year, FIRST_YEAR - 1, -1)]
    return offered


def sales(user, organisation_id: int, start: date, end: date) -> Sales:
    """The counted lines of orders picked up from `start` to before `end`, and the sums per VAT rate."""
    require_member(user, organisation_id)
    lines = list(
        db.session.scalars(
            select(OrderLine)
            .join(OrderLine.order)
            .options(contains_eager(OrderLine.order))
            .where(
                Order.organisation_id == organisation_id,
                Order.pickup_date >= start,
                Order.pickup_date < end,
                counted(),
            )
            .order_by(Order.pickup_date, Order.reference, OrderLine.id)
        )
    )
    sums = {rate: RateSum(rate) for rate in VAT_RATES}
    for line in lines:
        sums[line.vat_percent].gross_cents += line.line_total_cents
    return Sales(start, end, lines, list(sums.values()))


def to_csv(found: Sales) -> str:
    """One row per line, then one row per VAT rate with its sums (the Status column says "Sum")."""
    rows = []
    for line in found.lines:
        order = line.order
        vat = vat_contained(line.line_total_cents, line.vat_percent)
        rows.append(
            [
                order.pickup_date,
                order.reference,
                _status(order),
                _payment(order),
                line.product_name,
                line.unit_text,
                line.quantity,
                csv_amount(line.unit_price_cents),
                line.vat_percent,
                csv_amount(net_cents(line.line_total_cents, line.vat_percent)),
                csv_amount(vat),
                csv_amount(line.line_total_cents),
            ]
        )
    for rate in found.sums:
        label = _("Sum %(rate)d %%", rate=rate.vat_percent)
        amounts = [csv_amount(c) for c in (rate.net_cents, rate.vat_cents, rate.gross_cents)]
        rows.append([found.start, "", label, "", "", "", "", "", rate.vat_percent, *amounts])
    header = [
        _("Pick-up date"),
        _("Order"),
        _("Status"),
        _("Payment"),
        _("Product"),
        _("Unit"),
        _("Quantity"),
        _("Unit price (gross)"),
        _("VAT rate %"),
        _("Net"),
        _("VAT"),
        _("Gross"),
    ]
    return spreadsheet.table(header, rows)


def _status(order: Order) -> str:
    return str(ORDER_STATUS.get(order.status, order.status))


def _payment(order: Order) -> str:
    return str(PAYMENT_METHOD.get(order.payment_method, order.payment_method))
