"""Batches (lots) of a product."""

import pytest
from sqlalchemy import func, select

from tests import factories
from vonhier.catalogue.models import Batch
from vonhier.extensions import db


@pytest.fixture
def product_id(app, login_as):
    owner = login_as("owner")
    farm = factories.site(app, owner.organisation.id)
    return factories.product(
        app, owner.id, owner.organisation.id, [("Eier", 100, farm.id, False)], name_de="Eier", category="eggs"
    )


def batch_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Batch))


def test_add_batch_with_origin_deviation(app, client, product_id):
    with app.app_context():
        other_site = factories.site(
            app, factories.user_with_role(app, "owner").organisation.id, name="Nachbarhof"
        )
    response = client.post(
        f"/catalogue/products/{product_id}/batches/new",
        data={
            "lot": "L2611-01",
            "produced_on": "2026-11-20",
            "best_before": "2026-12-18",
            "origin_site_id": str(other_site.id),
            "origin_note": "Eier vom Nachbarhof diese Woche",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/catalogue/products/{product_id}").get_data(as_text=True)
    assert "L2611-01" in page and "Nachbarhof" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lot": "", "produced_on": "2026-11-20"}, "Dieses Feld wird benötigt"),
        ({"lot": "L<script>", "produced_on": "2026-11-20"}, "nur Buchstaben"),
        ({"lot": "L1", "produced_on": "2026-13-45"}, "Kein gültiges Datum"),
        ({"lot": "L1", "produced_on": "2026-11-20", "best_before": "2026-11-01"}, "vor dem Produktionsdatum"),
        ({"lot": "L1", "produced_on": "2026-11-20", "origin_site_id": "999999"}, "Keine gültige Auswahl"),
    ],
)
def test_batch_bad_input(app, client, product_id, data, message):
    response = client.post(f"/catalogue/products/{product_id}/batches/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert batch_count(app) == 0


def test_duplicate_lot_is_refused(app, client, product_id):
    data = {"lot": "L1", "produced_on": "2026-11-20"}
    assert client.post(f"/catalogue/products/{product_id}/batches/new", data=data).status_code == 302
    response = client.post(f"/catalogue/products/{product_id}/batches/new", data=data)
    assert response.status_code == 400
    assert "existiert für dieses Produkt bereits" in response.get_data(as_text=True)
    assert batch_count(app) == 1


def test_edit_batch_and_permissions(app, client, product_id):
    client.post(
        f"/catalogue/products/{product_id}/batches/new", data={"lot": "L1", "produced_on": "2026-11-20"}
    )
    with app.app_context():
        batch_id = db.session.scalar(select(Batch.id))
    assert (
        client.post(
            f"/catalogue/batches/{batch_id}/edit", data={"lot": "L1a", "produced_on": "2026-11-21"}
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(Batch, batch_id).lot == "L1a"
    stranger = app.test_client()
    outsider = factories.user_with_role(app, "owner")
    stranger.post("/login", data={"email": outsider.email, "password": outsider.password})
    assert stranger.get(f"/catalogue/batches/{batch_id}/edit").status_code == 403
    assert client.get("/catalogue/batches/999999/edit").status_code == 404


@pytest.mark.parametrize("day", ["0001-01-01", "2099-01-01"])
def test_absurd_production_dates(app, client, product_id, day):
    response = client.post(
        f"/catalogue/products/{product_id}/batches/new", data={"lot": "L9", "produced_on": day}
    )
    assert response.status_code == 400
    assert batch_count(app) == 0
