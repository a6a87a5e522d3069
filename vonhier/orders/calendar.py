"""The pick-up of an order as a calendar entry (iCalendar, RFC 5545), attached to the confirmation mail
and downloadable from the order page.

Times are wall-clock times in the region's zone (`TZID=Europe/Berlin` for the default pack) with the
zone's definition (VTIMEZONE) in
the file, not UTC: the pick-up is "Saturday 08:00–13:00 at the farm shop", a local time, and a calendar
that knows the zone (Google, Apple, Thunderbird read the IANA name) keeps it local even if the rules
change; Outlook needs the VTIMEZONE to read a TZID at all. The VTIMEZONE is the EU rule as yearly
RRULEs (last Sunday of March and October, at 01:00 UTC), the form Outlook and Google write themselves,
valid for every year rather than a list of transitions that ends; the zone's names and offsets are read
from the zone (every EU zone follows that rule). A cancelled order's entry is the same event
marked cancelled, attached to the cancellation mail.

The entry carries no link to the order page: calendars are shared and synced, and the link can cancel
the order. Its UID is the order number's, so a second import of the same order replaces the first."""

from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import force_locale, format_currency
from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from .. import clock, region
from .models import Order, OrderStatus
from .receipt import Receipt, pickup_span

MIME_TYPE = "text/calendar"
# As a mail attachment: UTF-8 said, and the method repeated as calendar clients in mail look for it.
MAIL_TYPE = "text/calendar; charset=utf-8; method=PUBLISH"


def _zone() -> Timezone:
    local = clock.zone()
    winter, summer = (datetime(2026, month, 1, 12, tzinfo=local) for month in (1, 7))
    zone = Timezone()
    zone.add("tzid", local.key)
    for part, moment, start, before, month in (
        (TimezoneDaylight, summer, datetime(1970, 3, 29), winter, 3),
        (TimezoneStandard, winter, datetime(1970, 10, 25), summer, 10),
    ):
        observance = part()
        observance.add("tzname", moment.tzname())
        # The change at 01:00 UTC, told in the wall-clock time before it (02:00 and 03:00 in Berlin).
        observance.add("dtstart", start + timedelta(hours=1) + before.utcoffset())
        observance.add("tzoffsetfrom", before.utcoffset())
        observance.add("tzoffsetto", moment.utcoffset())
        observance.add("rrule", vRecur(freq="YEARLY", bymonth=month, byday="-1SU"))
        zone.add_component(observance)
    return zone


def uid(order: Order) -> str:
    """Stable for the order: the same entry whenever it is made (mail, page, again after a month)."""
    host = current_app.config["BASE_URL"].split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"order-{order.reference}@{host or 'vonhier'}"


def address(outlet) -> str:
    """ "Hofladen Templin, Dorfstraße 1, 17268 Templin" (parts left out where the outlet has none)."""
    town = " ".join(part for part in (outlet.postcode, outlet.town) if part)
    return ", ".join(part for part in (outlet.name, outlet.street, town) if part)


def _description(receipt: Receipt) -> str:
    order = receipt.order
    lines = [_("Order %(reference)s", reference=order.reference)]
    lines += [f"{line.quantity} × {line.product_name} ({line.unit_text})" for line in receipt.lines]
    lines.append(_("Total: %(amount)s", amount=format_currency(order.total_cents / 100, "EUR")))
    lines.append(_("Paid online") if receipt.paid_online else _("Pay at pick-up"))
    organisation = order.organisation
    contact = " · ".join(part for part in (organisation.phone, organisation.email) if part)
    lines.append(f"{organisation.display_name}{': ' + contact if contact else ''}")
    return "\n".join(lines)


def pickup_entry(receipt: Receipt, locale: str) -> bytes:
    """The order's pick-up as an .ics file in the buyer's language."""
    order = receipt.order
    begins, ends = pickup_span(order.pickup_date, order.pickup_start, order.pickup_end)
    with force_locale(locale):
        summary = _(
            "Pick up order %(reference)s: %(outlet)s", reference=order.reference, outlet=order.outlet.name
        )
        description = _description(receipt)
    calendar = Calendar()
    calendar.add("prodid", f"-//{region.label_name()}//Vorbestellungen//DE")
    calendar.add("version", "2.0")
    # PUBLISH, not REQUEST: an entry to keep, not an invitation asking the buyer to accept or decline.
    calendar.add("method", "PUBLISH")
    calendar.add_component(_zone())
    event = Event()
    event.add("uid", uid(order))
    event.add("dtstamp", clock.utcnow().replace(tzinfo=UTC))
    event.add("dtstart", begins.replace(tzinfo=clock.zone()))
    event.add("dtend", ends.replace(tzinfo=clock.zone()))
    event.add("summary", summary)
    event.add("description", description)
    event.add("location", address(order.outlet))
    outlet = order.outlet
    if outlet.latitude is not None and outlet.longitude is not None:
        event.add("geo", (outlet.latitude, outlet.longitude))
    event.add("transp", "TRANSPARENT")  # a pick-up window does not make the buyer busy all morning
    # The same UID with a higher SEQUENCE and STATUS:CANCELLED: a calendar that imported the entry
    # marks it cancelled (or drops it) when the cancellation's entry is opened.
    event.add("status", "CANCELLED" if order.status == OrderStatus.CANCELLED else "CONFIRMED")
    event.add("sequence", 1 if order.status == OrderStatus.CANCELLED else 0)
    calendar.add_component(event)
    return calendar.to_ical()


def filename(order: Order) -> str:
    return f"{order.reference}.ics"
