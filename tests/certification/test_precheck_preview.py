"""The live pre-check on the product form: computed from unsaved data, saving nothing."""

from sqlalchemy import func, select

from tests.catalogue.test_products import dairy, form  # noqa: F401 (fixture)
from vonhier.catalogue.models import Product
from vonhier.extensions import db


def test_preview_checks_unsaved_data(app, client, dairy):  # noqa: F811
    response = client.post("/certification/precheck", data=form(dairy))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "95 %" in html and "VH-R1" in html and "VH-L1" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Product)) == 0


def test_preview_reports_problems_instead_of_results(app, client, dairy):  # noqa: F811
    response = client.post("/certification/precheck", data=form(dairy, **{"ingredients-1-share": "10"}))
    assert response.status_code == 200
    assert "100" in response.get_data(as_text=True) and "VH-R1" not in response.get_data(as_text=True)


def test_preview_of_a_foreign_product_is_refused(app, client, dairy, login_as):  # noqa: F811
    client.post("/catalogue/products/new", data=form(dairy))
    with app.app_context():
        product_id = db.session.scalar(select(Product.id))
    other = app.test_client()
    from tests import factories

    outsider = factories.user_with_role(app, "owner")
    other.post("/login", data={"email": outsider.email, "password": outsider.password})
    assert (
        other.post("/certification/precheck", data={**form(dairy), "product_id": str(product_id)}).status_code
        == 403
    )
