"""The sample file imports as downloaded into a brand-new organisation; headers in either language."""

import io

import pytest
from sqlalchemy import select

from tests import factories
from vonhier.catalogue import csv_io
from vonhier.catalogue.models import Product
from vonhier.extensions import db

from .test_csv import (
    BREAD,
    HEADER,
    bakery,  # noqa: F401 (a fixture)
    csv_file,
    product_count,
    run,
    upload,
)


def header_of(response) -> list[str]:
    return response.data.decode("utf-8-sig").splitlines()[0].split(";")


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_new_organisation_imports_the_sample_as_downloaded(app, client, login_as, language):
    login_as("owner")
    client.get(f"/language?lang={language}")
    sample = client.get("/catalogue/sample.csv")
    assert sample.status_code == 200
    assert header_of(sample) == csv_io.headers(language)
    assert "site:" not in sample.get_data(as_text=True)  # no sites yet: every origin is a place
    response = upload(client, io.BytesIO(sample.data))
    assert response.status_code == 200, response.get_data(as_text=True)
    run(client, response)
    with app.app_context():
        bread = db.session.scalar(select(Product))
        assert [i.name for i in bread.ingredients] == ["Roggenmehl", "Weizenmehl", "Wasser", "Salz"]
        assert {i.origin_kind.value for i in bread.ingredients} == {"place"} and bread.stages == []


def test_the_sample_names_the_organisations_own_site(app, client, login_as):
    owner = login_as("owner")
    factories.site(app, owner.organisation.id, name="Unsere Backstube", town="Eberswalde", kind="bakery")
    other = factories.organisation(app, owner_id=factories.user(app).id)
    factories.site(app, other.id, name="Fremde Mühle", town="Müncheberg", kind="mill")
    sample = client.get("/catalogue/sample.csv").get_data(as_text=True)
    assert "processing=Unsere Backstube" in sample and "site:Unsere Backstube" in sample
    assert "Fremde Mühle" not in sample and "Musterdorf" not in sample
    run(client, upload(client, io.BytesIO(sample.encode())))
    with app.app_context():
        bread = db.session.scalar(select(Product))
        assert [s.site.name for s in bread.stages] == ["Unsere Backstube"]
        assert bread.ingredients[2].origin_site.name == "Unsere Backstube"


@pytest.mark.usefixtures("bakery")
def test_german_headers_are_read_and_named_in_the_report(app, client):
    german = ";".join(csv_io.headers("de"))
    broken = BREAD[0].replace(";60;", ";sechzig;")
    html = upload(client, csv_file(broken, *BREAD[1:], header=german)).get_data(as_text=True)
    assert "Zeile 2, Anteil:" in html and product_count(app) == 0
    response = upload(client, csv_file(*BREAD, header=german))
    assert response.status_code == 200
    run(client, response)
    assert product_count(app) == 1
    missing = upload(client, io.BytesIO(b"Artikelnummer;Name deutsch\nB-2;Brot"))
    assert "Es fehlen Spalten: Name englisch, Kategorie" in missing.get_data(as_text=True)


@pytest.mark.usefixtures("bakery")
def test_the_export_follows_the_interface_language_and_imports_in_the_other(client):
    run(client, upload(client, csv_file(*BREAD, header=HEADER)))
    german = client.get("/catalogue/export.csv")
    assert header_of(german) == csv_io.headers("de") and header_of(german)[0] == "Artikelnummer"
    client.get("/language?lang=en")
    english = client.get("/catalogue/export.csv")
    assert header_of(english) == list(csv_io.COLUMNS)
    assert english.data.split(b"\r\n", 1)[1] == german.data.split(b"\r\n", 1)[1]  # only the header differs
    response = upload(client, io.BytesIO(german.data))
    assert response.status_code == 200 and "will be updated" in response.get_data(as_text=True)
