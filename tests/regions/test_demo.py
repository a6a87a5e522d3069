"""`flask demo load` builds the configured pack's demo network, whose certified products' pages carry the
pack's label."""

from sqlalchemy import func, select

from vonhier import region
from vonhier.catalogue.models import Product
from vonhier.certification.certificates import certified_today
from vonhier.extensions import db
from vonhier.organisations.models import Organisation
from vonhier.provenance.services import paths


def test_demo_load_creates_the_packs_network_and_its_provenance_pages(app, client):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    expected = region.read_toml(region.pack().path / "demo" / "organisations.toml")["organisation"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == len(expected)
        assert {o.state for o in db.session.scalars(select(Organisation))} <= {
            s.code for s in region.pack().states
        }
        certified = db.session.scalar(select(Product.id).where(certified_today()).order_by(Product.id))
        assert certified is not None, "the demo network has no certified product"
        path = paths(product_ids=[certified])[certified]
    page = client.get(path)
    assert page.status_code == 200
    assert region.pack().label["name"] in page.get_data(as_text=True)
