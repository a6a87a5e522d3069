"""A certified product with a GTIN and a batch, reachable by its GS1 Digital Link and its short code."""

import time
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from tests.certification.conftest import scene, signed_in  # noqa: F401 (fixtures used here)
from tests.certification.test_workflow import approved_certificate
from vonhier.catalogue.models import Batch, Product
from vonhier.extensions import db
from vonhier.provenance import facts
from vonhier.provenance.models import ProductCode

GTIN = "04012345678901"
LOT = "L-2611/07"


@pytest.fixture
def certified(app, scene):  # noqa: F811 (the fixture imported above)
    certificate_id, number = approved_certificate(app, scene)
    with app.app_context():
        db.session.execute(update(Product).where(Product.id == scene.product_id).values(gtin=GTIN))
        db.session.add(
            Batch(
                product_id=scene.product_id,
                lot=LOT,
                produced_on=date(2026, 11, 7),
                best_before=date(2026, 12, 1),
            )
        )
        db.session.commit()
        code = db.session.scalar(select(ProductCode.code).where(ProductCode.product_id == scene.product_id))
    return SimpleNamespace(
        scene=scene,
        product_id=scene.product_id,
        certificate_id=certificate_id,
        number=number,
        gtin=GTIN,
        lot=LOT,
        code=code,
        path=f"/01/{GTIN}",
        lot_path=f"/01/{GTIN}/10/L-2611%2F07",
    )


def vending_machine(product_id: int) -> dict:
    """An outlet's data (for `outlets.services.save_outlet`) selling the product."""
    return {
        "name": "Eierhäuschen am Hof",
        "kind": "vending_machine",
        "town": "Prenzlau",
        "country": "DE",
        "latitude": 53.3167,
        "longitude": 13.8667,
        "opening_hours": "24/7",
        "product_ids": [product_id],
    }


def settle_notices(app) -> None:
    """Wait until this process has read the notices sent so far (provenance/facts.py). PostgreSQL
    delivers them a moment after the commit; a test that counts statements would otherwise see its
    own stored rendering's notice make a later scan read the database once more. A notice naming no
    product, sent now, arrives after every earlier one."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return  # SQLite's change count is read before each scan: nothing arrives late
        kept = facts.kept(db.engine)
        generation = kept.generation
        with db.engine.begin() as connection:
            connection.execute(select(func.pg_notify(facts.CHANNEL, "0")))
        deadline = time.monotonic() + 5
        while kept.generation == generation and time.monotonic() < deadline:
            kept.get(("settling",))
            time.sleep(0.005)
