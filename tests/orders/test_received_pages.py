"""The producer's pages of received orders: the start page and the list by date and outlet, one date, one
order; collected, not collected and cancelling through the forms (refusals on the page with what was
typed, 400); another organisation's orders unreachable; the pick list as PDF (its text read back) and
CSV (formula cells kept as text); the sales export with VAT per rate to the cent."""

import csv
import io
from datetime import date

import pypdfium2
import pytest
from fpdf import FPDF
from sqlalchemy import select

from vonhier import fonts
from vonhier.extensions import db
from vonhier.orders.models import Order, OrderStatus
from vonhier.orders.picklist import _fit

from .test_received import (  # noqa: F401 — monday: the clock of these tests too
    monday,
    offer_of,
    paid_order,
    place,
    state,
)

FORMULA = '=HYPERLINK("http://x.example","Klick")'


def text_of(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def rows_of(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))


@pytest.fixture
def orders(app, producer):
    """Three orders for Saturday (one with a note and a phone), one for next Monday."""
    offer_id = offer_of(app, producer)
    cheese = offer_of(app, producer, product_id=producer.cheese, price_cents=450, vat_percent=19)
    return {
        "offer": offer_id,
        "ada": place(app, offer_id, 2, buyer_name="Ada Lovelace", buyer_phone="0171 555", note="Bitte\nkühl"),
        "grace": place(app, offer_id, 1, buyer_name="Grace Hopper"),
        "cheese": place(app, cheese, 3, buyer_name="Emmy Noether"),
        "monday": place(app, offer_id, 1, day=date(2026, 6, 22), buyer_name="Lise Meitner"),
    }


def test_start_page_and_list_show_dates_with_their_orders(client, producer, orders):
    start = client.get("/business").get_data(as_text=True)
    assert "Samstag, 20. Juni 2026" in start and "3 Bestellungen" in start
    assert "/orders/received/picklist.pdf?day=2026-06-20" in start and "/orders/received" in start
    page = client.get("/orders/received").get_data(as_text=True)
    assert "Eingegangene Bestellungen" in page and "Hofladen Templin" in page
    assert "3 Bestellungen" in page and "Montag, 22. Juni 2026" in page and "1 Bestellung" in page
    assert "Juni 2026" in page  # the sales export's months
    assert "Keine Bestellungen in den vergangenen" in client.get("/orders/received?when=past").get_data(
        as_text=True
    )
    day = client.get(f"/orders/received/day?day=2026-06-20&outlet={producer.shop}").get_data(as_text=True)
    assert day.index("Ada Lovelace") < day.index("Emmy Noether") < day.index("Grace Hopper")
    assert "Lise Meitner" not in day and "bei Abholung zu zahlen: 4,98\xa0€" in day
    for bad in ("2026-13-01", "morgen", "2026-06-20&outlet=999999", "2026-06-20&outlet=x"):
        assert client.get(f"/orders/received/day?day={bad}").status_code == 400, bad


def test_another_organisations_orders_are_not_reachable(app, client, producer, other):
    theirs = place(app, offer_of(app, other))
    assert client.get(f"/orders/received/{theirs}").status_code == 403
    assert client.post(f"/orders/received/{theirs}/pickup", data={"outcome": "collected"}).status_code == 403
    assert client.post(f"/orders/received/{theirs}/cancel", data={"reason": "x"}).status_code == 403
    assert client.get("/orders/received/999999").status_code == 404
    # Their outlet is not a choice on one's own pick list.
    assert client.get(f"/orders/received/picklist.pdf?day=2026-06-20&outlet={other.shop}").status_code == 400
    assert "Ada" not in client.get("/orders/received/picklist.csv?day=2026-06-20").get_data(as_text=True)
    assert state(app, theirs) == (OrderStatus.PLACED, 0)


def test_mark_and_cancel_through_the_forms_refusals_keep_what_was_typed(app, client, producer, orders):
    ada = orders["ada"]
    page = client.get(f"/orders/received/{ada}").get_data(as_text=True)
    assert "Bestellung stornieren" in page and "0171 555" in page
    response = client.post(f"/orders/received/{ada}/pickup", data={"outcome": "collected"})
    assert response.status_code == 302 and response.location.endswith(f"day=2026-06-20#order-{ada}")
    assert state(app, ada)[0] == OrderStatus.COLLECTED
    early = client.post(f"/orders/received/{ada}/pickup", data={"outcome": "not_collected"})
    assert early.status_code == 400 and "Abholtag ist noch nicht gekommen" in early.get_data(as_text=True)
    assert client.post(f"/orders/received/{ada}/pickup", data={"outcome": "gegessen"}).status_code == 400
    grace = orders["grace"]
    empty = client.post(f"/orders/received/{grace}/cancel", data={"reason": "  "})
    assert empty.status_code == 400 and "Bitte nennen Sie den Grund" in empty.get_data(as_text=True)
    long = "Hagel " * 100
    too_long = client.post(f"/orders/received/{grace}/cancel", data={"reason": long}).get_data(as_text=True)
    assert "höchstens 500 Zeichen" in too_long and long.strip() in too_long
    done = client.post(f"/orders/received/{grace}/cancel", data={"reason": "Hagel über Nacht"})
    assert done.status_code == 302
    assert state(app, grace)[0] == OrderStatus.CANCELLED
    assert "Hagel über Nacht" in client.get(f"/orders/received/{grace}").get_data(as_text=True)
    again = client.post(f"/orders/received/{grace}/pickup", data={"outcome": "collected"})
    assert again.status_code == 400 and "ist storniert" in again.get_data(as_text=True)
    collected = client.post(f"/orders/received/{ada}/cancel", data={"reason": "doch nicht"})
    assert collected.status_code == 400 and "doch nicht" in collected.get_data(as_text=True)


def test_pick_list_pdf_has_totals_then_buyers(app, client, producer, orders):
    response = client.get(f"/orders/received/picklist.pdf?day=2026-06-20&outlet={producer.shop}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = text_of(response.data)
    assert "Packliste Samstag, 20. Juni 2026 – Hofladen Templin" in text
    totals, buyers = text.split("Je Käufer (3 Bestellungen)")
    assert "3 Speisequark" in totals and "3 Ziegenkäse" in totals  # 2 + 1 units
    assert buyers.index("Ada Lovelace") < buyers.index("Emmy Noether") < buyers.index("Grace Hopper")
    assert "0171 555" in buyers and "Hinweis: Bitte" in buyers and "bei Abholung zu zahlen: 4,98" in buyers
    empty = client.get("/orders/received/picklist.pdf?day=2026-07-01")
    assert "Für diesen Tag gibt es keine Bestellungen." in text_of(empty.data)


def test_pick_list_csv_keeps_formulas_as_text(app, client, producer, orders):
    place(app, orders["offer"], 1, buyer_name=FORMULA, note="@SUMME(A1)")
    response = client.get("/orders/received/picklist.csv?day=2026-06-20")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = rows_of(response.get_data(as_text=True))
    assert rows[0] == ["Verkaufsstelle", "Produkt", "Einheit", "Menge"]
    assert ["Hofladen Templin", "Speisequark", "Becher 500 g", "4"] in rows
    buyers = [row for row in rows if len(row) == 11]
    assert buyers[0][:4] == ["Verkaufsstelle", "Bestellung", "Abholung", "Käufer/in"]
    formula = next(row for row in buyers if FORMULA in row[3])
    assert formula[3] == "'" + FORMULA and formula[10] == "'@SUMME(A1)"
    assert formula[6] == "2,49"


def test_sales_export_sums_vat_per_rate_to_the_cent(app, client, producer, orders):
    # Counted: Ada (collected), Grace and Emmy (placed), Lise (placed, 22 June); not: a cancelled one,
    # one not collected and to be paid at pick-up, one whose payment is still open.
    client.post(f"/orders/received/{orders['ada']}/pickup", data={"outcome": "collected"})
    dropped = place(app, orders["offer"], 5, buyer_name="Storniert")
    client.post(f"/orders/received/{dropped}/cancel", data={"reason": "weg"})
    place(app, orders["offer"], 4, status=OrderStatus.PENDING)
    place(app, orders["offer"], 3, day=date(2026, 6, 1), status=OrderStatus.NOT_COLLECTED)
    place(app, orders["offer"], 7, day=date(2026, 7, 1))  # another month
    response = client.get("/orders/received/sales.csv?period=2026-06")
    assert response.status_code == 200
    rows = rows_of(response.get_data(as_text=True))
    lines, sums = rows[1:-2], rows[-2:]
    assert len(lines) == 4
    assert sorted(line[6] for line in lines) == ["1", "1", "2", "3"]
    # 7 %: (2 + 1 + 1) × 2,49 € = 9,96 €, VAT 9,96 × 7/107 = 0,6516… → 0,65 (per line 0,33 + 0,16 + 0,16).
    # 19 %: 3 × 4,50 € = 13,50 €, VAT 13,50 × 19/119 = 2,1554… → 2,16.
    assert sums[0][8:] == ["7", "9,31", "0,65", "9,96"]
    assert sums[1][8:] == ["19", "11,34", "2,16", "13,50"]
    assert sums[0][2] == "Summe 7 %"
    year = rows_of(client.get("/orders/received/sales.csv?period=2026").get_data(as_text=True))
    assert year[-2][8:] == ["7", "25,60", "1,79", "27,39"]  # + 7 × 2,49 € in July
    for bad in ("2026-13", "1999", "x", "2026-6", ""):
        assert client.get(f"/orders/received/sales.csv?period={bad}").status_code == 400, bad


def test_a_paid_order_cancelled_on_the_page_and_stripe_unreachable(connect_app, fake_stripe, producer):
    from tests.payments.conftest import signed_in

    offer_id = offer_of(connect_app, producer)
    order_id, _account = paid_order(connect_app, fake_stripe, producer, offer_id)
    client = signed_in(connect_app, producer.user)
    fake_stripe.fail_next(1)
    refused = client.post(f"/orders/received/{order_id}/cancel", data={"reason": "Hagel über Nacht"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "nicht erreichbar" in text and "Hagel über Nacht" in text
    assert state(connect_app, order_id) == (OrderStatus.PLACED, 0)
    assert client.post(f"/orders/received/{order_id}/cancel", data={"reason": "Hagel"}).status_code == 302
    assert state(connect_app, order_id) == (OrderStatus.CANCELLED, 498)
    with connect_app.app_context():
        assert db.session.scalar(select(Order.cancel_reason).where(Order.id == order_id)) == "Hagel"


def test_a_long_buyer_name_is_cut_short_of_the_pick_up_time(app):
    with app.test_request_context():
        pdf = FPDF()
        fonts.register(pdf)
        pdf.add_page()
        pdf.set_font(fonts.FAMILY, size=10)
        short = _fit(pdf, "Ada Lovelace", 60)
        cut = _fit(pdf, "Maximiliane " * 10, 60)
        assert short == "Ada Lovelace"
        assert cut.endswith("…") and pdf.get_string_width(cut) <= 60
        pdf.output()  # fpdf2 closes the font files when it writes the document


def test_closing_a_date_with_orders_says_they_are_not_cancelled(app, client, producer):
    order_id = place(app, offer_of(app, producer))
    response = client.post(f"/orders/outlets/{producer.shop}/closed-dates", data={"day": "2026-06-20"})
    assert response.status_code == 302 and "/orders/received/day?day=2026-06-20" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "storniert die 1 Bestellung für diesen Tag nicht" in page and "Ada Lovelace" in page
    assert state(app, order_id) == (OrderStatus.PLACED, 0)
