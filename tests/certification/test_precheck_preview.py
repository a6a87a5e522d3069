"""The live pre-check on the product form: computed from unsaved data, saving nothing."""

import random

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


def test_a_row_without_origin_while_shares_add_up_is_not_a_server_error(client, dairy):  # noqa: F811
    """Issue 16: a row with a name and a share but "Comes from" still "–" answered 500 as soon as the
    shares added up to 100 % (the form refused the row, but the preview found no problem to show)."""
    response = client.post("/certification/precheck", data=form(dairy, **{"ingredients-0-origin": ""}))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Zutat 1, Stammt von: Bitte wählen Sie, woher die Zutat kommt." in html


def test_every_problem_names_its_field(client, dairy):  # noqa: F811
    """On an empty form the pre-check said "Dieses Feld wird benötigt." twice, without saying where."""
    html = client.post("/certification/precheck", data={}).get_data(as_text=True)
    assert "Produktname (Deutsch): Dieses Feld wird benötigt." in html
    assert "Kategorie: Dieses Feld wird benötigt." in html
    html = client.post(
        "/certification/precheck",
        data=form(
            dairy, **{"ingredients-1-share": "150", "stages-0-kind": "", "ingredients-2-ingredient": ""}
        ),
    ).get_data(as_text=True)
    assert "Zutat 2, Anteil in Prozent:" in html
    assert "Zutat 3, Zutat: Bitte benennen Sie die Zutat." in html
    assert "Schritt 1 der Lieferkette, Schritt: Bitte wählen Sie den Schritt." in html


def _typing_states(dairy, count):  # noqa: F811
    """Product forms as they are while someone types: empty, half rows, origins still "–", shares of 0,
    100 or over, no sites, unknown sites, every ingredient flag in any combination."""
    rng = random.Random(16)
    sites = ["", str(dairy["dairy"].id), str(dairy["goat_farm"].id), "place", "999999", "abc", "-1"]
    shares = ["", "0", "100", "150", "50", "33,3", "33.333", "abc", "-5", "1e400", "nan", " "]
    for _ in range(count):
        data = {
            "name_de": rng.choice(["", "Käse", " "]),
            "category": rng.choice(["", "dairy-cheese", "eggs", "bogus"]),
            "species": rng.choice(["", "goat", "unicorn"]),
            "husbandry_level": rng.choice(["", "4", "9"]),
            "package_size": rng.choice(["", "200", "0", "-1"]),
            "package_unit": rng.choice(["", "g", "parsec"]),
            "gtin": rng.choice(["", "4006381333931", "123"]),
        }
        for n in range(rng.randint(0, 4)):
            row = f"ingredients-{n}-"
            data[row + "ingredient"] = rng.choice(["", "Milch", "Salz"])
            data[row + "share"] = rng.choice(shares)
            data[row + "origin"] = rng.choice(sites)
            data[row + "place_name"] = rng.choice(["", "Italien", "Prenzlau", "Nirgendwo"])
            for flag in ("is_main", "is_value_determining", "is_water_or_salt"):
                if rng.random() < 0.4:
                    data[row + flag] = "y"
        for n in range(rng.randint(0, 2)):
            data[f"stages-{n}-kind"] = rng.choice(["", "processing", "point_of_sale", "bogus"])
            data[f"stages-{n}-site"] = rng.choice(sites[:3] + ["999999"])
        yield data


def test_the_pre_check_never_fails_while_typing(app, client, dairy):  # noqa: F811
    complete = form(dairy)
    client.post("/catalogue/products/new", data=complete)
    with app.app_context():
        product_id = str(db.session.scalar(select(Product.id)))
    one_row_without_origin = {
        **{k: v for k, v in complete.items() if not k.startswith(("ingredients-", "stages-"))},
        "ingredients-0-ingredient": "Ziegenmilch",
        "ingredients-0-share": "100",
        "ingredients-0-origin": "",
    }
    states = [{}, one_row_without_origin, {**one_row_without_origin, "ingredients-0-origin": "place"}]
    states += list(_typing_states(dairy, 150))
    for number, data in enumerate(states):
        if number % 2:  # every other one edits the saved product
            data = {**data, "product_id": product_id}
        response = client.post("/certification/precheck", data=data)
        assert response.status_code == 200, (data, response.get_data(as_text=True)[:500])
        html = response.get_data(as_text=True)
        # Either the figures and the criteria, or what keeps the form from being checked — never both
        # silent: a refused form with no sentence would leave the member guessing.
        assert "VH-R1" in html or 'class="error"' in html, data
