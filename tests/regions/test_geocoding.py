"""The configured pack's demo addresses are found by the place search (`geo.places`) inside the region."""

from vonhier import region
from vonhier.geo import gazetteer, packs, places


def addresses() -> list[dict]:
    return region.read_toml(region.pack().path / "demo" / "organisations.toml")["organisation"]


def test_every_demo_postcode_resolves_to_a_place_inside_the_region(app):
    path = region.pack().path
    with app.app_context():
        found = {o["postcode"]: places.resolve_place(o["postcode"]) for o in addresses()}
    assert [code for code, p in found.items() if not packs.contains(path, p.latitude, p.longitude)] == []


def test_every_demo_town_the_gazetteer_knows_is_located_inside_the_region(app):
    # `locate` is what a site, an outlet or an organisation without a pin is placed by.
    path = region.pack().path
    towns = {o["town"] for o in addresses() if gazetteer.lookup(o["town"])}
    assert len(towns) >= len({o["town"] for o in addresses()}) / 2  # villages below 500 are not in it
    with app.app_context():
        located = {town: places.locate(town) for town in towns}
    assert [town for town, p in located.items() if not packs.contains(path, p.latitude, p.longitude)] == []
