"""The buyer's mails of an order: the confirmation (lines, VAT per rate to the cent, pick-up, payment,
deadline, the signed link, the calendar entry parsed back, across a change of daylight saving time)
and the cancellation by the buyer, the producer or a failed payment; the producer's notices; each in
its reader's language, queued in the caller's transaction."""

from datetime import UTC, date, datetime

import icalendar
import pytest
from sqlalchemy import func, select

from tests import factories
from vonhier import clock
from vonhier.extensions import db
from vonhier.orders import calendar, notify
from vonhier.orders.models import OrderLine, OrderStatus, PaymentMethod
from vonhier.orders.receipt import receipt, vat_rows
from vonhier.outbox.models import OutboxMail

from .placed import BEFORE, place


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: BEFORE)


def body(message) -> str:
    """The text with Babel's no-break spaces (before €, AM) as plain ones, to compare with."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    return text.replace("\xa0", " ").replace("\u202f", " ")


def confirm(app, producer, **values) -> str:
    with app.test_request_context():
        order = place(producer, **values)
        notify.confirmed(order)
        db.session.commit()
        return order.reference


def test_the_vat_of_each_rate_is_computed_once_on_its_sum():
    lines = [
        OrderLine(vat_percent=7, line_total_cents=498),
        OrderLine(vat_percent=19, line_total_cents=998),
        OrderLine(vat_percent=7, line_total_cents=249),
        OrderLine(vat_percent=19, line_total_cents=1),
    ]
    rows = [(r.percent, r.gross_cents, r.vat_cents, r.net_cents) for r in vat_rows(lines)]
    # 747 × 7/107 = 48.869 → 49; 999 × 19/119 = 159.50 → 160 (half-up), not 159 + 0 line by line.
    assert rows == [(7, 747, 49, 698), (19, 999, 160, 839)]
    assert sum(r[1] for r in rows) == 747 + 999 and all(r[2] + r[3] == r[1] for r in rows)


def test_confirmation_in_german_with_everything_the_buyer_needs(app, producer, mailbox):
    reference = confirm(app, producer)
    message = mailbox.last("ada@example.org")
    assert message["Subject"] == f"Ihre Bestellung {reference} bei Hofladen Templin"
    assert message["Content-Language"] == "de"
    text = body(message)
    for expected in (
        "Hallo Ada Lovelace,",
        f"Bestellnummer: {reference}",
        "Abholung: Samstag, 12. Dezember 2026, 08:00–13:00 Uhr",
        "Ort: Hofladen Templin, Dorfstraße 1, 17268 Templin",
        "2 × Speisequark (Becher 500 g) zu je 2,49 €: 4,98 €",
        "1 × Ziegenkäse (ca. 500 g, *) zu je 9,98 €: 9,98 €",
        "Summe: 14,96 €",
        "7 % MwSt.: netto 4,65 €, MwSt. 0,33 €, brutto 4,98 €",
        "19 % MwSt.: netto 8,39 €, MwSt. 1,59 €, brutto 9,98 €",
        "* Nach Gewicht verkauft:",
        "Bezahlung: bei Abholung.",
        "Sie können die Bestellung bis Donnerstag, 10. Dezember 2026, 18:00 Uhr auf ihrer Seite stornieren:",
        "03987 12345, hof@example.org",
    ):
        assert expected in text, expected
    assert "online" not in text.split("Bezahlung:")[1].split("\n")[0]
    link = next(line for line in text.splitlines() if "/orders/order/" in line)
    assert link.startswith("http://localhost/orders/order/")
    page = app.test_client().get(link.removeprefix("http://localhost"))
    assert page.status_code == 200 and reference in page.get_data(as_text=True)
    (attachment,) = message.iter_attachments()
    assert attachment.get_content_type() == "text/calendar"
    assert (attachment.get_param("charset"), attachment.get_param("method")) == ("utf-8", "PUBLISH")
    assert "LOCATION:Hofladen Templin\\, Dorfstraße 1" in attachment.get_content()
    assert attachment.get_filename() == f"{reference}.ics"


def test_confirmation_in_english_paid_online(app, producer, mailbox):
    reference = confirm(
        app, producer, locale="en", payment=PaymentMethod.ONLINE, payment_intent_id="pi_1", paid_at=BEFORE
    )
    message = mailbox.last("ada@example.org")
    assert message["Subject"] == f"Your order {reference} at Hofladen Templin"
    text = body(message)
    for expected in (
        "Hello Ada Lovelace,",
        "Pick-up: Saturday, December 12, 2026, 8:00 AM–1:00 PM",
        "2 × Speisequark (Becher 500 g) at €2.49: €4.98",
        "Total: €14.96",
        "7 % VAT: net €4.65, VAT €0.33, gross €4.98",
        "19 % VAT: net €8.39, VAT €1.59, gross €9.98",
        "A difference to the amount paid online is settled with the producer at pick-up.",
        "Payment: paid online.",
        "You can cancel the order until Thursday, December 10, 2026, 6:00 PM on its page:",
    ):
        assert expected in text, expected


def test_the_producers_members_hear_of_each_new_order_in_their_language(app, producer, mailbox):
    staff = factories.user(app, locale="en")
    with app.app_context():
        from vonhier.organisations.models import Membership
        from vonhier.permissions import MemberRole

        db.session.add(
            Membership(user_id=staff.id, organisation_id=producer.organisation_id, role=MemberRole.STAFF)
        )
        db.session.commit()
    reference = confirm(app, producer, buyer_phone="0170 1234567", note="Bitte ohne Tüte")
    owner_mail = mailbox.last(producer.user.email)
    assert owner_mail["Subject"] == f"Neue Vorbestellung {reference} von Ada Lovelace"
    assert "Telefon: 0170 1234567" in body(owner_mail) and "Hinweis: Bitte ohne Tüte" in body(owner_mail)
    assert not list(owner_mail.iter_attachments())
    assert mailbox.last(staff.email)["Subject"] == f"New pre-order {reference} from Ada Lovelace"


def test_the_mail_is_queued_in_the_callers_transaction(app, producer):
    with app.test_request_context():
        order = place(producer)
        notify.confirmed(order)
        assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 2  # buyer and owner
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def entry(app, producer, day) -> icalendar.Event:
    with app.test_request_context():
        order = place(producer, day=day)
        data = calendar.pickup_entry(receipt(order), "de")
        assert calendar.pickup_entry(receipt(order), "de").split(b"DTSTAMP")[0] == data.split(b"DTSTAMP")[0]
        parsed = icalendar.Calendar.from_ical(data)
        assert parsed["METHOD"] == "PUBLISH"
        (zone,) = parsed.walk("VTIMEZONE")
        assert zone["TZID"] == "Europe/Berlin"
        (event,) = parsed.walk("VEVENT")
        assert str(event["UID"]) == f"order-{order.reference}@localhost"
        assert (event["STATUS"], event["SEQUENCE"]) == ("CONFIRMED", 0)
        return event


def test_the_calendar_entry_parses_back_with_berlin_times_across_daylight_saving(app, producer):
    # Europe/Berlin changes on 29 March and 25 October 2026: the same 08:00 is 07:00 or 06:00 UTC.
    for day, utc_start in (
        (date(2026, 3, 28), datetime(2026, 3, 28, 7, tzinfo=UTC)),
        (date(2026, 4, 4), datetime(2026, 4, 4, 6, tzinfo=UTC)),
        (date(2026, 10, 24), datetime(2026, 10, 24, 6, tzinfo=UTC)),
        (date(2026, 10, 31), datetime(2026, 10, 31, 7, tzinfo=UTC)),
    ):
        event = entry(app, producer, day)
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert (start.hour, end.hour, str(start.tzinfo)) == (8, 13, "Europe/Berlin")
        assert start.astimezone(UTC) == utc_start
        assert end - start == utc_start.replace(hour=utc_start.hour + 5) - utc_start
    assert str(event["LOCATION"]) == "Hofladen Templin, Dorfstraße 1, 17268 Templin"
    assert str(event["SUMMARY"]).startswith("Bestellung ") and "Hofladen Templin" in str(event["SUMMARY"])
    description = str(event["DESCRIPTION"])
    assert "2 × Speisequark (Becher 500 g)" in description and "Summe: 14,96\xa0€" in description
    assert "/orders/order/" not in description  # the link cancels: not in a calendar others may see
    assert (event["GEO"].latitude, event["GEO"].longitude) == (53.1178, 13.5024)


def cancel_mail(app, producer, mailbox, **values) -> str:
    mailbox.clear()
    with app.test_request_context():
        order = place(producer, status=OrderStatus.CANCELLED, cancelled_at=BEFORE, **values)
        notify.cancelled(order)
        db.session.commit()
        reference = order.reference
    message = mailbox.last("ada@example.org")
    entries = [icalendar.Calendar.from_ical(part.get_content()) for part in message.iter_attachments()]
    if values["cancelled_by"] == "payment":
        assert entries == []  # never placed: no calendar entry was sent
    else:  # the confirmation's event, marked cancelled
        (event,) = entries[0].walk("VEVENT")
        assert (str(event["UID"]), event["STATUS"], event["SEQUENCE"]) == (
            f"order-{reference}@localhost",
            "CANCELLED",
            1,
        )
    return body(message)


def test_the_cancellation_says_who_cancelled_and_what_comes_back(app, producer, mailbox):
    text = cancel_mail(app, producer, mailbox, cancelled_by="buyer")
    assert "wie gewünscht ist Ihre Bestellung" in text and "Sie müssen nichts bezahlen." in text
    assert "in Ihrem Kalender als abgesagt" in text
    assert mailbox.last(producer.user.email)["Subject"].endswith(
        "wurde von der Kundin oder dem Kunden storniert"
    )
    text = cancel_mail(
        app,
        producer,
        mailbox,
        cancelled_by="producer",
        cancel_reason="Die Kuh ist krank.",
        payment=PaymentMethod.ONLINE,
        payment_intent_id="pi_2",
        paid_at=BEFORE,
        refunded_cents=1496,
    )
    assert "Hof Nummer" in text and "hat Ihre Bestellung" in text
    assert "Begründung: Die Kuh ist krank." in text and "14,96 € werden auf das Zahlungsmittel" in text
    assert not mailbox.to(producer.user.email)  # the producer cancelled: nothing new for them
    text = cancel_mail(app, producer, mailbox, cancelled_by="payment", locale="en")
    assert "the payment for your order" in text and "Nothing was charged." in text
    assert "/orders/shop/" in text
