"""Placing an order: a buyer without an account orders offers of one outlet for one pick-up date.

Everything the form sends is checked here, at the moment of ordering, against the shop as it is now:
the date and interval through the pick-up windows (a deadline that passed while the buyer typed is
refused), each offer of this outlet and active, quantities whole numbers 1…MAX_LINE_QUANTITY within
what remains; prices come from the offers, never from the form. Every problem of the form is refused
at once (`OrderError`: field → sentence), so the page shows them all with what was typed.

Ordering is two steps (§ 312j Abs. 2 BGB: the total and the essentials right before the order button):
`check_order` makes the order as placing would, unsaved, for the review; `place_order` checks again and
refuses (`ReviewChanged`) when its lines or prices are not what the review showed, so an order is never
placed at a price the buyer did not see.

The database decides the rest: the order's one-time submission key is unique (a double click or a
resent form finds the first order), and stock is reserved by `ledger.reserve`, offer by offer in id
order; a line that cannot be had voids the whole transaction."""

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, time

from email_validator import EmailNotValidError, validate_email
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from .. import hygiene
from ..catalogue.models import ProductVersion
from ..catalogue.snapshot import allergens
from ..database import flush_or_conflict, unique_constraint
from ..errors import RuleError
from ..extensions import db
from . import ledger, legal, notify, prices
from .models import MAX_LINE_QUANTITY, Offer, Order, OrderLine, OrderStatus, PaymentMethod, SalesUnit
from .receipt import Receipt, vat_rows
from .shop import Shop, ShopOffer, shop_for
from .windows import PickupError, Window, check_pickup

MAX_NOTE = 2000
QUANTITY = "quantity-"  # the form's field of an offer's quantity: "quantity-17"


class OrderError(RuleError):
    """An order refused: `errors` maps each form field to its sentences (the first is `field`)."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        first = next(iter(errors))
        super().__init__([m for messages in errors.values() for m in messages], first)


@dataclass
class OrderRequest:
    """What the buyer sent, as text (the form's fields; `quantities` by offer id as typed)."""

    day: str = ""
    interval: str = ""
    quantities: dict[int, str] = field(default_factory=dict)
    name: str = ""
    email: str = ""
    phone: str = ""
    note: str = ""
    payment: str = ""
    submission_key: str = ""
    locale: str = "de"


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


# --- what the form offers ------------------------------------------------------------------------------


def interval_value(interval) -> str:
    """An interval as the form sends it: "09:00-18:00", "18:00-" for one ending at midnight."""
    start, end = interval
    return f"{start:%H:%M}-{end:%H:%M}" if end else f"{start:%H:%M}-"


# Exactly what `interval_value` writes: `time.fromisoformat` would also read "18:00-20:00" as a time with
# a UTC offset, which no wall-clock comparison can take.
_INTERVAL = re.compile(r"([0-2]\d):([0-5]\d)-(?:([0-2]\d):([0-5]\d))?")


def _parse_interval(text: str):
    found = _INTERVAL.fullmatch((text or "").strip())
    if found is None:
        return None
    hours, minutes, end_hours, end_minutes = found.groups()
    try:
        end = time(int(end_hours), int(end_minutes)) if end_hours else None
        return time(int(hours), int(minutes)), end
    except ValueError:  # 25:00
        return None


def day_window(shop: Shop, day: date) -> Window | None:
    """The window whose intervals every offer orderable on `day` admits: the one with the latest
    deadline (only a same-day deadline cuts a day's hours, and the latest cuts the most)."""
    windows = list(shop.windows_on(day).values())
    return max(windows, key=lambda w: w.deadline.timestamp()) if windows else None


def orderable(shop: Shop, day: date) -> list[ShopOffer]:
    """The offers that can be ordered for `day`, in the shop's order."""
    on_day = shop.windows_on(day)
    return [item for item in shop.offers if item.offer.id in on_day]


def allergens_of(offers: list[Offer]) -> dict[int, dict]:
    """Product id → its allergens as its provenance page shows them (the current snapshot's); one query."""
    product_ids = {offer.product_id for offer in offers}
    if not product_ids:
        return {}
    newest = {}
    for version in db.session.scalars(
        select(ProductVersion)
        .where(ProductVersion.product_id.in_(product_ids))
        .order_by(ProductVersion.number)
    ):
        newest[version.product_id] = version
    return {product_id: allergens(version.data) for product_id, version in newest.items()}


def unit_text(offer: Offer) -> str:
    """The ordered unit as the producer's offer says it, in German for the pick list and bookkeeping."""
    if offer.unit == SalesUnit.PACK:
        return f"{offer.pack_size}er-Packung"
    if offer.unit == SalesUnit.WEIGHT:
        return f"ca. {offer.estimated_amount} {prices.SMALL_MEASURE[offer.measure]}"
    product = offer.product
    if product.package_size and product.package_unit:
        size = format(product.package_size.normalize(), "f").replace(".", ",")
        return f"Stück ({size} {product.package_unit.value})"
    return "Stück"


# --- placing -------------------------------------------------------------------------------------------


def existing_order(submission_key: str) -> Order | None:
    """The order a form with this key already made (a double click, a resent form)."""
    if not submission_key:
        return None
    return db.session.scalar(select(Order).where(Order.submission_key == submission_key[:64]))


@dataclass
class Draft:
    """An order as placing it would save it, checked but not saved (never added to the session): the
    review shows it, `place_order` saves it."""

    order: Order
    offers: dict[int, Offer]  # its lines' offers by id
    weighed: frozenset[int]  # ids of the offers sold by weight (their amounts are estimates)

    @property
    def reviewed(self) -> str:
        """What the review showed, for the order button to send back: each line's offer, quantity and
        price ("17x2@249 18x1@390"). Not signed: it only lets `place_order` refuse what differs, the
        prices always come from the offers."""
        return review_mark((line.offer_id, line.quantity, line.unit_price_cents) for line in self.order.lines)

    @property
    def receipt(self) -> Receipt:
        lines = list(self.order.lines)
        return Receipt(order=self.order, lines=lines, vat=vat_rows(lines), weighed=self.weighed)


def review_mark(lines) -> str:
    """(offer id, quantity, cents of one unit) of each line, as the review sends them."""
    return " ".join(f"{offer_id}x{quantity}@{cents}" for offer_id, quantity, cents in sorted(lines))


def _total_of(mark: str) -> int | None:
    """The total a review mark stands for; None for one that is no mark (none sent, tampered)."""
    lines = [re.fullmatch(r"(\d{1,10})x(\d{1,3})@(\d{1,9})", part) for part in mark[:2000].split()]
    return sum(int(m[2]) * int(m[3]) for m in lines) if lines and all(lines) else None


class ReviewChanged(OrderError):
    """The order button was pressed for other prices or lines than the order has now (a price, the lines
    sent): `draft` is the order as it would be now, to be reviewed again."""

    def __init__(self, draft: Draft, reviewed: str):
        self.draft = draft
        was, now = _total_of(reviewed), draft.order.total_cents
        if was is None:
            message = _l("Please check your order before you place it.")
        elif was != now:
            message = _l(
                "The prices have changed since you checked your order: the total is now %(now)s "
                "instead of %(was)s. Please check it again.",
                now=prices.money(now),
                was=prices.money(was),
            )
        else:
            message = _l("Your order has changed since you checked it. Please check it again.")
        super().__init__({"": [str(message)]})


def check_order(outlet_id: int, sent: OrderRequest, now=None) -> Draft:
    """Check `sent` against the outlet's shop as it is now (`now`: local, for tests) and return the
    order it makes, unsaved, nothing reserved; raises OrderError with every problem. The review and
    placing both call this: what was reviewed is what placing checks."""
    shop = shop_for(outlet_id, now)
    details = legal.legal_details_of(shop.outlet.organisation_id)
    if not details.complete or not shop.open:
        raise OrderError({"": [str(_l("This shop does not take pre-orders at the moment."))]})
    errors: dict[str, list[str]] = {}
    day, interval = _pickup(shop, sent, errors)
    lines = _lines(shop, sent, day, errors)
    buyer = _buyer(sent, errors)
    method = _payment(shop, sent.payment, errors)
    key = (sent.submission_key or "").strip()
    if not (16 <= len(key) <= 64) or hygiene.text_problem(key):
        errors.setdefault("", []).append(str(_l("The form is incomplete. Please load the page again.")))
    if errors:
        raise OrderError(errors)
    # Ids only, no related objects: a relationship to a loaded row would cascade the draft into the session.
    order = Order(
        submission_key=key,
        organisation_id=shop.outlet.organisation_id,
        outlet_id=shop.outlet.id,
        pickup_date=day,
        pickup_start=interval[0],
        pickup_end=interval[1],
        cancel_until=min(w.deadline for _, _, w, _ in lines).astimezone(UTC).replace(tzinfo=None),
        locale=sent.locale if sent.locale in ("de", "en") else "de",
        payment_method=method,
        total_cents=sum(each * quantity for _, quantity, _, each in lines),
        status=OrderStatus.PLACED if method == PaymentMethod.AT_PICKUP else OrderStatus.PENDING,
        **buyer,
    )
    for offer, quantity, _, each in lines:
        order.lines.append(
            OrderLine(
                offer_id=offer.id,
                product_id=offer.product_id,
                product_name=offer.product.name_de[:200],
                unit_text=unit_text(offer)[:80],
                quantity=quantity,
                unit_price_cents=each,
                vat_percent=offer.vat_percent,
                line_total_cents=each * quantity,
            )
        )
    weighed = frozenset(offer.id for offer, *_ in lines if offer.unit == SalesUnit.WEIGHT)
    return Draft(order=order, offers={offer.id: offer for offer, *_ in lines}, weighed=weighed)


def place_order(outlet_id: int, sent: OrderRequest, reviewed: str, now=None) -> Order:
    """Check `sent` as `check_order` does, refuse it unless its lines and prices are those the buyer
    reviewed (`reviewed`, the review's `Draft.reviewed`; `ReviewChanged`), save the order with its lines
    and reserve its units; raises OrderError (nothing saved: the caller rolls back).
    Pay at pick-up: placed and confirmed. Online: pending, for `paying.start_checkout`."""
    draft = check_order(outlet_id, sent, now)
    if reviewed != draft.reviewed:
        raise ReviewChanged(draft, reviewed)
    order = draft.order
    order.reference = ledger.new_reference()
    db.session.add(order)
    # First the order, under its unique key: a second click waits here for the first and lands on it.
    flush_or_conflict(
        db.session,
        {unique_constraint(Order, "submission_key"): _l("This order has already been placed.")},
        existing=lambda: _page_of_key(order.submission_key),
    )
    day = order.pickup_date
    _reserve([(draft.offers[line.offer_id], line.quantity) for line in order.lines], day)
    hours = interval_value((order.pickup_start, order.pickup_end))
    ledger.record(order, order.status.value, "buyer", f"{day.isoformat()} {hours}")
    if order.status == OrderStatus.PLACED:
        notify.confirmed(order)
    db.session.flush()
    return order


def order_url(order: Order) -> str:
    """The buyer's page of an order (their signed link; they have no account)."""
    return url_for("orders.order_page", token=ledger.order_token(order))


def _page_of_key(key: str) -> str | None:
    order = existing_order(key)
    return order_url(order) if order else None


def _pickup(shop: Shop, sent: OrderRequest, errors) -> tuple[date | None, tuple]:
    try:
        day = date.fromisoformat((sent.day or "").strip())
    except ValueError:
        errors["pickup"] = [str(_l("Please choose a pick-up date."))]
        return None, (None, None)
    window = day_window(shop, day)
    interval = _parse_interval(sent.interval)
    if not (sent.interval or "").strip() and window is not None and len(window.intervals) == 1:
        interval = window.intervals[0]  # one interval that day: nothing to choose
    if interval is None:
        interval = (time(0), None)  # refused below with the day's hours
    try:
        check_pickup([window] if window else [], day, *interval)
    except PickupError as error:
        errors["pickup"] = error.messages
    return day, interval


def _lines(shop: Shop, sent: OrderRequest, day: date | None, errors) -> list[tuple]:
    """(offer, quantity, its window, the price of one unit) of every line the buyer wants, in offer-id
    order; each refusal goes to `errors` under its field."""
    by_id = {item.offer.id: item.offer for item in shop.offers}
    on_day = shop.windows_on(day) if day else {}
    left = shop.remaining.get(day, {}) if day else {}
    lines = []
    for offer_id, text in sorted(sent.quantities.items()):
        name = f"{QUANTITY}{offer_id}"
        text = (text or "").strip()
        if not text:
            continue
        try:
            quantity = hygiene.integer(text)
        except ValueError as error:
            errors[name] = [str(error)]
            continue
        if quantity == 0:
            continue
        offer = by_id.get(offer_id)
        if offer is None:
            errors[""] = [str(_l("One of the products cannot be ordered here (any more)."))]
        elif problem := _line_problem(offer, quantity, on_day, left) if day else "":
            errors[name] = [problem]
        elif day:
            each = prices.estimated_cents(offer.price_cents, offer.unit, offer.estimated_amount)
            lines.append((offer, quantity, on_day[offer.id], each))
    if not lines and not any(key.startswith(QUANTITY) or key == "" for key in errors) and day:
        errors[""] = [str(_l("Please choose at least one product."))]
    return lines


def _line_problem(offer: Offer, quantity: int, on_day: dict, left: dict) -> str | None:
    if quantity < 0:
        return str(_l("Please enter how many you want (a whole number, 1 or more)."))
    if quantity > MAX_LINE_QUANTITY:
        return str(_l("At most %(max)d per product and order.", max=MAX_LINE_QUANTITY))
    if offer.id not in on_day:
        return str(_l("This product cannot be ordered for this date."))
    if left.get(offer.id) is not None and quantity > left[offer.id]:
        return _only_left(left[offer.id])
    return None


def _only_left(count: int) -> str:
    if count == 0:
        return str(_l("Sold out for this date."))
    return ngettext("Only %(num)d left for this date.", "Only %(num)d left for this date.", count)


def _buyer(sent: OrderRequest, errors) -> dict:
    values = {}
    for name, limit, required in (("name", 120, True), ("email", 254, True), ("phone", 40, False)):
        text = (getattr(sent, name) or "").strip()
        problem = hygiene.text_problem(text)
        if problem:
            errors[name] = [problem]
        elif required and not text:
            errors[name] = [str(_l("Please fill in this field."))]
        elif len(text) > limit:
            errors[name] = [str(_l("At most %(max)d characters.", max=limit))]
        values[name] = text
    if "email" not in errors:
        try:
            values["email"] = validate_email(values["email"], check_deliverability=False).normalized
        except EmailNotValidError:
            errors["email"] = [str(_l("Please enter a valid email address."))]
    note = (sent.note or "").strip()
    if problem := hygiene.text_problem(note, multi_line=True):
        errors["note"] = [problem]
    elif len(note) > MAX_NOTE:
        errors["note"] = [str(_l("At most %(max)d characters.", max=MAX_NOTE))]
    return {
        "buyer_name": values["name"],
        "buyer_email": values["email"][:254],
        "buyer_phone": values["phone"],
        "note": note,
    }


def _payment(shop: Shop, text: str, errors) -> PaymentMethod | None:
    allowed = [
        m
        for m, ok in ((PaymentMethod.AT_PICKUP, shop.pay_at_pickup), (PaymentMethod.ONLINE, shop.pay_online))
        if ok
    ]
    if not text and len(allowed) == 1:
        return allowed[0]
    if text not in {m.value for m in allowed}:
        errors["payment"] = [str(_l("Please choose one of the ways to pay."))]
        return None
    return PaymentMethod(text)


def _reserve(lines: list[tuple[Offer, int]], day: date) -> None:
    """Reserve every line's units in offer-id order; the first that cannot be had refuses the order
    (the caller's rollback gives back what was reserved before it)."""
    for offer, quantity in sorted(lines, key=lambda line: line[0].id):
        if not ledger.reserve(offer, day, quantity):
            left = ledger.remaining([offer], [day])[day][offer.id] or 0
            raise OrderError({f"{QUANTITY}{offer.id}": [_only_left(left)]})
