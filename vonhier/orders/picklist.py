"""The pick list of a pick-up date: per outlet the units to set aside per product first, then each
buyer's order with its lines, phone, note and payment, as a PDF to print (A4, fpdf2 with the platform's
font, as the invoices) and as a CSV (the one writer, `spreadsheet`: formula cells kept as text).

It lists the orders that hold units (`HOLDS_STOCK`): to hand over, handed over, not fetched, and those
whose online payment is still open (the buyer is at Stripe's page; their units are set aside until the
session ends). So the totals per product are exactly the units the stock counts as sold that day."""

import textwrap
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel.numbers import format_decimal
from flask_babel import format_date, format_datetime, format_time, get_locale, ngettext
from flask_babel import gettext as _
from fpdf import FPDF

from .. import clock, fonts, spreadsheet
from ..database import german_key
from ..outlets.models import Outlet
from . import received
from .models import HOLDS_STOCK, Order, OrderStatus, PaymentMethod
from .names import ORDER_STATUS
from .prices import money


@dataclass
class ProductTotal:
    name: str
    unit_text: str
    quantity: int = 0


@dataclass
class OutletList:
    outlet: Outlet
    orders: list[Order] = field(default_factory=list)
    totals: list[ProductTotal] = field(default_factory=list)


@dataclass
class PickList:
    day: date
    sections: list[OutletList]

    @property
    def orders(self) -> int:
        return sum(len(section.orders) for section in self.sections)


def pick_list(user, organisation_id: int, day: date, outlet_id: int | None = None) -> PickList:
    """The pick list of `day` (at one outlet, or one section per outlet): three queries."""
    orders = received.day_orders(user, organisation_id, day, outlet_id, states=HOLDS_STOCK)
    sections: dict[int, OutletList] = {}
    for order in orders:
        section = sections.setdefault(order.outlet_id, OutletList(order.outlet))
        section.orders.append(order)
    for section in sections.values():
        totals: dict[tuple[str, str], ProductTotal] = {}
        for order in section.orders:
            for line in order.lines:
                key = (line.product_name, line.unit_text)
                totals.setdefault(key, ProductTotal(*key)).quantity += line.quantity
        section.totals = sorted(totals.values(), key=lambda t: (german_key(t.name), german_key(t.unit_text)))
    return PickList(day, list(sections.values()))


def due_cents(order: Order) -> int:
    """What the buyer still pays at pick-up (0 when paid online)."""
    return order.total_cents if order.payment_method == PaymentMethod.AT_PICKUP else 0


def payment_text(order: Order) -> str:
    """ "paid online", "pay at pick-up: 4,98 €", "payment open"; a refund said with its amount."""
    if order.status == OrderStatus.PENDING:
        text = _("online payment still open")
    elif order.payment_method == PaymentMethod.AT_PICKUP and order.status not in HOLDS_STOCK:
        text = _("nothing to pay")  # cancelled or expired
    elif order.payment_method == PaymentMethod.AT_PICKUP:
        text = _("pay at pick-up: %(amount)s", amount=money(order.total_cents))
    else:
        text = _("paid online: %(amount)s", amount=money(order.total_cents))
    if order.refunded_cents:
        text += " · " + _("refunded: %(amount)s", amount=money(order.refunded_cents))
    return text


def window_text(order: Order) -> str:
    start = format_time(order.pickup_start, "short")
    end = format_time(order.pickup_end, "short") if order.pickup_end else "24:00"
    return f"{start}–{end}"


def csv_amount(cents: int) -> str:
    """An amount as a spreadsheet of the reader's language reads it: "4,98" in German, "4.98" in English
    (text, so that no program takes "4.98" for a date)."""
    return format_decimal(Decimal(cents) / 100, "0.00", locale=str(get_locale()))


def title(pick: PickList, outlet: Outlet | None) -> str:
    where = f" – {outlet.name}" if outlet else ""
    return _("Pick list %(date)s", date=format_date(pick.day, "full")) + where


# --- CSV -----------------------------------------------------------------------------------------------


def to_csv(pick: PickList) -> str:
    """Two tables in one file, as on paper: the totals per product, an empty row, then one row per
    order line with its order's buyer, phone, note and payment."""
    rows: list[list] = []
    for section in pick.sections:
        rows += [[section.outlet.name, t.name, t.unit_text, t.quantity] for t in section.totals]
    rows.append([])
    rows.append(
        [
            _("Outlet"),
            _("Order"),
            _("Pick-up"),
            _("Buyer"),
            _("Phone"),
            _("Payment"),
            _("Due at pick-up"),
            _("Product"),
            _("Unit"),
            _("Quantity"),
            _("Note"),
        ]
    )
    for section in pick.sections:
        for order in section.orders:
            head = [section.outlet.name, order.reference, window_text(order), order.buyer_name]
            head += [order.buyer_phone, payment_text(order), csv_amount(due_cents(order))]
            for line in order.lines:
                rows.append([*head, line.product_name, line.unit_text, line.quantity, order.note])
    return spreadsheet.table([_("Outlet"), _("Product"), _("Unit"), _("Quantity")], rows)


# --- PDF -----------------------------------------------------------------------------------------------


class _PickListPDF(FPDF):
    def cell(self, w=None, h=None, text="", *args, **kwargs):
        return super().cell(w, h, fonts.printable(str(text)), *args, **kwargs)

    def multi_cell(self, w, h=None, text="", *args, **kwargs):
        return super().multi_cell(w, h, fonts.printable(str(text)), *args, **kwargs)

    def footer(self):
        self.set_y(-12)
        self.set_font(fonts.FAMILY, size=8)
        self.cell(0, 5, self.footer_text, align="L")
        self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="R")


LINE = 5.5  # mm, one line of 10 pt


def to_pdf(pick: PickList) -> bytes:
    pdf = _PickListPDF(format="A4")
    fonts.register(pdf)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.footer_text = _("Made %(moment)s", moment=format_datetime(clock.utcnow(), "short"))
    if not pick.sections:
        pdf.add_page()
        _heading(pdf, title(pick, None))
        pdf.set_font(fonts.FAMILY, size=10)
        pdf.cell(0, LINE, _("No orders for this date."), new_x="LMARGIN", new_y="NEXT")
    for section in pick.sections:
        pdf.add_page()
        _heading(pdf, title(pick, section.outlet))
        _totals(pdf, section)
        _orders(pdf, section)
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_font(fonts.FAMILY, style="B", size=14)
    pdf.multi_cell(0, 7, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _totals(pdf: FPDF, section: OutletList) -> None:
    pdf.set_font(fonts.FAMILY, style="B", size=11)
    pdf.cell(0, 7, _("Per product"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(fonts.FAMILY, size=10)
    for total in section.totals:
        pdf.cell(20, LINE, str(total.quantity), border="B", align="R")
        pdf.cell(4, LINE, "", border="B")
        pdf.cell(110, LINE, total.name, border="B")
        pdf.cell(0, LINE, total.unit_text, border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(fonts.FAMILY, style="B", size=11)
    orders = len(section.orders)
    heading = ngettext("Per buyer (%(num)d order)", "Per buyer (%(num)d orders)", orders)
    pdf.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")


def _orders(pdf: FPDF, section: OutletList) -> None:
    """Each buyer's order: name, number and pick-up time; phone and payment; the lines; the note.
    Written with `text` at positions of its own, not `cell`: fpdf2's cell measures, aligns and wraps
    every call, five times the cost, and a busy Saturday's thousand orders must print in a second or
    two. An order moves whole to the next page when it does not fit (and fits on one)."""
    left, right = pdf.l_margin, pdf.w - pdf.r_margin
    known: dict[tuple, str] = {}  # babel formats the same window or payment once, not a thousand times
    for order in section.orders:
        window = known.get(("w", order.pickup_start, order.pickup_end)) or known.setdefault(
            ("w", order.pickup_start, order.pickup_end), window_text(order)
        )
        key = ("p", order.status, order.payment_method, order.total_cents, order.refunded_cents)
        payment = known.get(key) or known.setdefault(key, _state_and_payment(order))
        note = [part for line in order.note.splitlines() for part in textwrap.wrap(line, NOTE_WIDTH) or [""]]
        rows = 2 + len(order.lines) + len(note)
        y = pdf.get_y()
        if y + rows * ROW > pdf.page_break_trigger and rows * ROW < pdf.eph:
            pdf.add_page()
            y = pdf.get_y()
        pdf.line(left, y, right, y)
        pdf.set_font(fonts.FAMILY, style="B", size=10)
        _text(pdf, right, y, window, align_right=True)
        # A long name (120 characters are allowed) is cut short of the window, never printed over it.
        number = f" · {order.reference}"
        room = right - left - pdf.get_string_width(window) - pdf.get_string_width(number) - 4
        _text(pdf, left, y, _fit(pdf, f"☐  {order.buyer_name}", room) + number)
        pdf.set_font(fonts.FAMILY, size=9)
        y = _next(pdf, y)
        _text(pdf, left + 6, y, order.buyer_phone or _("no phone"))
        _text(pdf, right, y, payment, align_right=True)
        pdf.set_font(fonts.FAMILY, size=10)
        for line in order.lines:
            y = _next(pdf, y)
            _text(pdf, left + 6, y, f"{line.quantity} × {line.product_name} ({line.unit_text})")
        pdf.set_font(fonts.FAMILY, size=9)
        for number, text in enumerate(note):
            y = _next(pdf, y)
            _text(pdf, left + 6, y, _("Note: %(note)s", note=text) if number == 0 else text)
        pdf.set_y(y + ROW + 1.5)


def _state_and_payment(order: Order) -> str:
    """The payment, and the state when the order is not simply to be handed over (collected already)."""
    if order.status in (OrderStatus.PLACED, OrderStatus.PENDING):
        return payment_text(order)
    return f"{ORDER_STATUS[order.status]} · {payment_text(order)}"


ROW = 4.8  # mm, one line of the orders
NOTE_WIDTH = 95  # characters of 9 pt in the width of a line


def _next(pdf: FPDF, y: float) -> float:
    """The next row's top, on a new page when this one is full (a note longer than a page)."""
    y += ROW
    if y + ROW > pdf.page_break_trigger:
        pdf.add_page()
        y = pdf.get_y()
    return y


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text`, cut with an ellipsis to `width` mm in the current font (most names fit: measured once)."""
    text = fonts.printable(text)
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _text(pdf: FPDF, x: float, top: float, text: str, align_right: bool = False) -> None:
    text = fonts.printable(text)
    if align_right:
        x -= pdf.get_string_width(text)
    pdf.text(x, top + 3.6, text)  # the baseline of a row of 10 pt
