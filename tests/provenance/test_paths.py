"""Pages below provenance link products through `catalogue.services.public_paths` (the `product_paths`
signal), without importing provenance."""

from sqlalchemy import update

from vonhier.catalogue.models import Product
from vonhier.catalogue.services import public_paths
from vonhier.extensions import db


def test_paths_are_the_provenance_pages(app, certified):
    with app.app_context():
        assert public_paths([certified.product_id, 987654]) == {certified.product_id: certified.path}
        db.session.execute(update(Product).where(Product.id == certified.product_id).values(gtin=None))
        assert public_paths([certified.product_id]) == {certified.product_id: f"/p/{certified.code}"}
        assert public_paths([]) == {}
