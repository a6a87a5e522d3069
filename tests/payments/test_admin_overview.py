"""The admins' payments page: every list a page at a time, newest first, each with its own page."""

import pytest
from sqlalchemy import insert

from tests import factories
from vonhier.extensions import db
from vonhier.payments import routes, services
from vonhier.payments.models import WebhookEvent
from vonhier.permissions import SYSTEM

from .conftest import signed_in


def _events(app, count):
    with app.app_context():
        db.session.execute(
            insert(WebhookEvent),
            [
                {
                    "stripe_event_id": f"evt_{n:05d}",
                    "type": "checkout.session.expired",
                    "outcome": "ok",
                    "payload": {},
                }
                for n in range(count)
            ],
        )
        db.session.commit()


def test_ten_thousand_events_are_shown_a_page_at_a_time(app):
    """Does the page stay small with 10,000 webhook events, and does the last page reach the oldest?"""
    _events(app, 10_000)
    admin = signed_in(app, factories.user(app, roles=("admin",)))
    first = admin.get("/admin/payments").get_data(as_text=True)
    assert "evt_09999" in first and "evt_09950" in first and "evt_09949" not in first
    assert "events_page=2#events" in first
    last = admin.get("/admin/payments?events_page=200").get_data(as_text=True)
    assert "evt_00000" in last and "evt_00050" not in last
    assert "events_page=199#events" in last and "events_page=201" not in last


def test_each_list_has_its_own_page(app, monkeypatch):
    """Does page 2 of the open invoices show the older ones, while the other lists keep their page?"""
    monkeypatch.setattr(routes, "ADMIN_PAGE_SIZE", 2)
    numbers = []
    for _ in range(3):
        owner = factories.user_with_role(app, "owner")
        with app.app_context():
            licence = services.accept_terms(SYSTEM, owner.organisation.id)
            numbers.append(services.create_invoice(SYSTEM, licence).number)
            db.session.commit()
    _events(app, 3)
    admin = signed_in(app, factories.user(app, roles=("admin",)))
    first = admin.get("/admin/payments").get_data(as_text=True)
    assert numbers[2] in first and numbers[1] in first and numbers[0] not in first
    second = admin.get("/admin/payments?invoices_page=2&events_page=2").get_data(as_text=True)
    assert numbers[0] in second and numbers[1] not in second
    assert "evt_00000" in second and "evt_00002" not in second
    # The links of one list keep the page of the other.
    assert "invoices_page=1&amp;events_page=2#invoices" in second


@pytest.mark.parametrize(
    "query",
    [
        "invoices_page=0",
        "licences_page=-1",
        "payments_page=abc",
        "checkouts_page=",
        "events_page=99999999999",
    ],
)
def test_a_page_that_cannot_be_is_refused_with_a_reason(app, query):
    admin = signed_in(app, factories.user(app, roles=("admin",)))
    response = admin.get(f"/admin/payments?{query}")
    assert response.status_code == 400
    assert "Diese Seite gibt es nicht." in response.get_data(as_text=True)


def test_only_admins_see_the_page(app, login_as, client):
    login_as("owner")
    assert client.get("/admin/payments").status_code == 403
