"""Licences ahead of time: next year's licence from LICENCE_NEXT_YEAR_FROM (1 October), the current
year pro rata once that window is open, and a paid next-year licence current from 1 January (Berlin)."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests import factories
from vonhier import clock
from vonhier.accounts.models import User
from vonhier.extensions import db
from vonhier.payments import services, years
from vonhier.payments.models import Invoice
from vonhier.permissions import SYSTEM

from .conftest import signed_in, ticking_from


def at(monkeypatch, moment: datetime) -> None:
    """Move the platform's clock (naive UTC) to `moment`."""
    monkeypatch.setattr(clock, "utcnow", ticking_from(moment))


@pytest.mark.parametrize(
    ("moment", "offered"),
    [
        (datetime(2026, 9, 30, 21, 59), [2026]),  # 23:59 in Berlin on 30 September
        (datetime(2026, 9, 30, 22, 0), [2026, 2027]),  # midnight in Berlin: 1 October
        (datetime(2026, 12, 6, 10, 0), [2026, 2027]),
        (datetime(2026, 12, 31, 23, 0), [2027]),  # 1 January in Berlin: 2027 is this year
    ],
)
def test_years_offered_follow_the_clock_in_berlin(app, monkeypatch, moment, offered):
    at(monkeypatch, moment)
    with app.app_context():
        assert years.offered() == offered


def test_the_window_is_configurable(make_app, monkeypatch):
    app = make_app(LICENCE_NEXT_YEAR_FROM="11-15")
    at(monkeypatch, datetime(2026, 11, 1, 12, 0))
    with app.app_context():
        assert years.offered() == [2026]
    at(monkeypatch, datetime(2026, 11, 15, 12, 0))
    with app.app_context():
        assert years.offered() == [2026, 2027]


@pytest.mark.parametrize(
    ("day", "months", "net"),
    [(date(2026, 9, 30), 12, 12000), (date(2026, 10, 1), 3, 3000), (date(2026, 12, 6), 1, 1000)],
)
def test_the_current_year_costs_the_rest_of_the_year_once_the_window_is_open(app, day, months, net):
    with app.app_context():
        assert years.months_charged(2026, day) == months
        assert years.fee_cents(12000, months) == net
        assert years.months_charged(2027, day) == 12  # next year's licence: the whole year
    assert years.fee_cents(10001, 1) == 833  # 833.42 cents, half a cent up, never a float
    assert years.vat_cents(1000, "19.00") == 190


def test_before_october_only_this_year_can_be_accepted(app, monkeypatch, owner):
    at(monkeypatch, datetime(2026, 9, 15, 10, 0))
    client = signed_in(app, owner)
    page = client.get("/licence/").get_data(as_text=True)
    assert "Lizenz 2026" in page and "Lizenz 2027" not in page
    refused = client.post("/licence/accept", data={"accept": "y", "year": "2027"})
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert "Die Lizenz für 2027 kann ab dem 01.10.2026 abgeschlossen werden." in text
    assert "Lizenz 2026" in text  # on the licence page, not a bare error page
    with app.app_context():
        assert services.licence_for(owner.organisation.id, 2027) is None


def test_in_december_next_years_licence_is_bought_at_the_full_fee_and_this_year_pro_rata(
    app, monkeypatch, owner
):
    at(monkeypatch, datetime(2026, 12, 6, 10, 0))
    client = signed_in(app, owner)
    page = client.get("/licence/").get_data(as_text=True)
    assert "Lizenz 2026" in page and "Lizenz 2027" in page
    assert "1 von 12 Monaten" in page  # this year: December only
    assert client.post("/licence/accept", data={"accept": "y", "year": "2027"}).status_code == 302
    assert client.post("/licence/accept", data={"accept": "y", "year": "2026"}).status_code == 302
    assert client.post("/licence/invoice", data={"year": "2027"}).status_code == 302
    assert client.post("/licence/invoice", data={"year": "2026"}).status_code == 302
    with app.app_context():
        invoices = {i.licence.year: i for i in db.session.scalars(select(Invoice))}
        assert (invoices[2027].net_cents, invoices[2027].gross_cents) == (12000, 14280)
        assert (invoices[2026].net_cents, invoices[2026].gross_cents) == (1000, 1190)
        assert "anteilig 1/12" in invoices[2026].description
        assert invoices[2027].number.startswith("VH-R-2027-")
    # The same year twice: the (organisation, year) key decides, the page says so.
    again = client.post("/licence/accept", data={"accept": "y", "year": "2027"})
    assert again.status_code == 409 and "bereits akzeptiert" in again.get_data(as_text=True)


def test_a_paid_next_year_licence_is_current_from_the_first_of_january(app, monkeypatch, owner):
    at(monkeypatch, datetime(2026, 12, 6, 10, 0))
    with app.app_context():
        user = db.session.get(User, owner.id)
        licence = services.accept_terms(user, owner.organisation.id, 2027)
        invoice = services.create_invoice(user, licence)
        services.mark_invoice_paid(SYSTEM, invoice, years.today(), invoice.gross_cents)
        db.session.commit()
        assert services.state(licence) == "active"
        # Still 2026, without a 2026 licence: not in the register yet.
        assert not services.is_current(owner.organisation.id)
        assert owner.organisation.id not in db.session.scalars(services.licensed_organisations()).all()
    page = signed_in(app, owner).get("/licence/").get_data(as_text=True)
    assert "ab 1. Januar 2027" in page
    # 31 December, 23:00 UTC: midnight in Berlin, the first day of 2027.
    at(monkeypatch, datetime(2026, 12, 31, 23, 0))
    with app.app_context():
        assert services.is_current(owner.organisation.id)
        assert owner.organisation.id in db.session.scalars(services.licensed_organisations()).all()


def test_the_certification_rules_take_a_paid_next_year_licence_from_the_first_of_january(app, monkeypatch):
    """Submitting an application needs a current licence: refused in December with only 2027 paid,
    accepted on 1 January (Berlin)."""
    from vonhier.certification.models import Application

    owner = factories.user_with_role(app, "owner")
    farm = factories.site(app, owner.organisation.id)
    product_id = factories.product(
        app,
        owner.id,
        owner.organisation.id,
        [("Eier", 100, farm.id, False)],
        stages=[("packing", farm.id)],
        name_de="Eier",
        category="eggs",
        species="chicken",
        husbandry_level=4,
    )
    at(monkeypatch, datetime(2026, 12, 6, 10, 0))
    with app.app_context():
        licence = services.accept_terms(SYSTEM, owner.organisation.id, 2027)
        invoice = services.create_invoice(SYSTEM, licence)
        services.mark_invoice_paid(SYSTEM, invoice, years.today(), invoice.gross_cents)
        db.session.commit()
    client = signed_in(app, owner)
    response = client.post("/certification/applications/new", data={"products": [product_id]})
    application_id = int(response.headers["Location"].rsplit("/", 1)[1])
    submit = f"/certification/applications/{application_id}/submit"
    assert client.post(submit, data={"reason": ""}).status_code == 409
    at(monkeypatch, datetime(2026, 12, 31, 23, 30))
    assert client.post(submit, data={"reason": ""}).status_code == 302
    with app.app_context():
        assert db.session.get(Application, application_id).status.value == "submitted"
