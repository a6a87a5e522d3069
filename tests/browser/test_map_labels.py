"""Do the maps show names as text? Leaflet reads a string tooltip as HTML; a name must never become markup."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from vonhier.catalogue import services as catalogue
from vonhier.catalogue.models import Product, Site
from vonhier.certification.models import CertificateStatus
from vonhier.extensions import db
from vonhier.outlets.models import Outlet

from .conftest import WIDTHS, screenshot
from .test_provenance_pages import _path

pytestmark = pytest.mark.browser
HOSTILE = "<img src=x onerror=alert(1)>"


def _tooltips(page, box: str) -> list[str]:
    """Point at every shape on the map in turn and read the tooltip it opens, if any."""
    texts = []
    shapes = page.locator(f"{box} path.leaflet-interactive")
    for n in range(shapes.count()):
        shapes.nth(n).hover(force=True)
        texts += page.locator(f"{box} .leaflet-tooltip").all_text_contents()
    return texts


@pytest.mark.parametrize("device", WIDTHS)
def test_names_in_map_tooltips_are_text(app, demo, live_server, page_at, device):
    path = _path(app, CertificateStatus.ACTIVE)
    with app.app_context():
        outlet = db.session.scalar(select(Outlet).where(Outlet.name == "Hof Sonnenwiese – Hofladen"))
        outlet.name = HOSTILE
        outlet_id = outlet.id
        product = db.session.scalar(select(Product).where(Product.gtin == path.split("/")[2]))
        legs = product.current_version.data["figures"]["legs"]
        for site_id in {leg[end]["site_id"] for leg in legs for end in ("from", "to")} - {None}:
            db.session.get(Site, site_id).name = HOSTILE
        catalogue.record_version(product.organisation.memberships[0].user, product)
        db.session.commit()
    page = page_at(WIDTHS[device])
    for address, box in ((f"/outlets/{outlet_id}", "#outlet-map"), (path, "#chain-map")):
        assert page.goto(live_server + address).status == 200
        expect(page.locator(box)).to_be_visible()
        texts = _tooltips(page, box)
        assert texts and all(text.startswith(HOSTILE) for text in texts), texts
        assert page.locator("img[src='x']").count() == 0
        screenshot(page, f"map-tooltip-{box[1:]}-{device}")
    assert page.console_errors == []
