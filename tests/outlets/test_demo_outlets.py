"""The demo network's outlets: every kind, both states, realistic hours, products of their own."""

from collections import Counter

from sqlalchemy import select

from vonhier.extensions import db
from vonhier.outlets import hours
from vonhier.outlets.models import Outlet, OutletKind


def test_demo_outlets_cover_every_kind_across_the_region(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        outlets = db.session.scalars(select(Outlet)).all()
        assert len(outlets) >= 60
        assert set(Counter(o.kind for o in outlets)) == set(OutletKind)
        assert {o.state for o in outlets} == {"BE", "BB"}
        assert all(o.in_region for o in outlets)
        for outlet in outlets:
            if outlet.opening_hours:
                assert hours.check(outlet.opening_hours) == outlet.opening_hours
            assert all(p.organisation_id == outlet.organisation_id for p in outlet.products)
            assert outlet.products or outlet.categories, outlet.name
        machines = [o for o in outlets if o.kind == OutletKind.VENDING_MACHINE]
        assert any(o.opening_hours == "24/7" for o in machines)
        shops = [o for o in outlets if o.kind == OutletKind.FARM_SHOP]
        assert sum("PH off" in o.opening_hours for o in shops) > len(shops) / 2
