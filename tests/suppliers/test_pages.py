"""Supplier pages, suppliers' delivery settings, the shortlist and the CSV export."""

import csv
import io
import re

from vonhier.extensions import db
from vonhier.suppliers.models import SupplierProfile

from .conftest import signed_in


def test_supplier_page_shows_certified_products_certificates_and_delivery(network):
    response = network.client.get(f"/suppliers/{network.dairy.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bergkäse" in page and "Quark" in page
    assert f'href="/certificates/{network.dairy_certificate}"' in page
    assert "Abholung" in page and "Eigene Lieferung" in page and "Etwa 80 kg Käse pro Woche" in page
    assert "Ab 20 kg" in page and "50 km" in page
    expired = network.client.get(f"/suppliers/{network.expired.id}").get_data(as_text=True)
    assert "Alter Käse" not in expired and "abgelaufen" in expired  # the certificate, with its status
    assert network.client.get(f"/suppliers/{network.unlicensed.id}").status_code == 404
    assert network.client.get("/suppliers/999999").status_code == 404


def test_producers_edit_their_delivery_settings(app, network):
    producer = signed_in(app, network.dairy.owner)
    assert producer.get("/suppliers/settings").status_code == 200
    response = producer.post(
        "/suppliers/settings",
        data={
            "delivers_partner": "y",
            "delivery_radius_km": "120",
            "capacity_notes": "Ganzjährig",
            "min_order_note": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        profile = db.session.get(SupplierProfile, network.dairy.id)
        assert (profile.delivers_pickup, profile.delivers_own, profile.delivers_partner) == (
            False,
            False,
            True,
        )
        assert profile.delivery_radius_km == 120 and profile.capacity_notes == "Ganzjährig"
    for bad in ({"delivery_radius_km": "0"}, {"delivery_radius_km": "-3"}, {"capacity_notes": "x" * 1001}):
        assert producer.post("/suppliers/settings", data=bad).status_code == 400
    with app.app_context():
        assert db.session.get(SupplierProfile, network.dairy.id).delivery_radius_km == 120
    # A retailer has no delivery settings to edit.
    assert network.client.get("/suppliers/settings").status_code == 403


def test_shortlist_per_retailer_organisation(app, network):
    client = network.client
    assert client.post(f"/suppliers/{network.veg.id}/shortlist").status_code == 302
    assert client.post(f"/suppliers/{network.veg.id}/shortlist").status_code == 302  # twice is once
    page = client.get("/suppliers/shortlist").get_data(as_text=True)
    assert page.count("Gemüse Süd") == 1
    # The colleague shares the organisation's shortlist; another retailer has their own.
    assert "Gemüse Süd" in signed_in(app, network.colleague).get("/suppliers/shortlist").get_data(
        as_text=True
    )
    assert "Gemüse Süd" not in signed_in(app, network.other).get("/suppliers/shortlist").get_data(
        as_text=True
    )
    assert "auf Ihrer Merkliste" in client.get("/suppliers/?q=m%C3%B6hren").get_data(as_text=True)
    assert client.post(f"/suppliers/{network.unlicensed.id}/shortlist").status_code == 404
    assert client.post(f"/suppliers/{network.veg.id}/shortlist/remove").status_code == 302
    assert "Gemüse Süd" not in client.get("/suppliers/shortlist").get_data(as_text=True)


def test_csv_export_of_the_search(app, network):
    response = network.client.get("/suppliers/export.csv?criteria=gmo_free&radius=100")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Produkt", "Kategorie", "Öko-Kontrollstelle", "Ohne Gentechnik"]
    assert [r[0] for r in rows[1:]] == ["Bergkäse", "Quark", "Salami"]
    cheese = rows[1]
    assert (
        cheese[5] == "Milchhof Nord"
        and cheese[3] == "ja"
        and cheese[10] == "Abholung, Eigene Lieferung"
        and cheese[12] == "Etwa 80 kg Käse pro Woche"
    )
    assert cheese[14] == network.dairy_certificate and cheese[16].endswith(f"/suppliers/{network.dairy.id}")
    assert re.fullmatch(r"2[0-2],\d", cheese[9])  # Bernau from Berlin Mitte, with a German decimal comma
    english = network.client.get("/suppliers/export.csv?criteria=gmo_free&radius=100&lang=en")
    rows = list(csv.reader(io.StringIO(english.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Product", "Category"] and rows[1][3] == "yes" and "." in rows[1][9]


def test_csv_cells_are_not_formulas(app, network):
    with app.app_context():
        profile = db.session.get(SupplierProfile, network.veg.id)
        profile.capacity_notes = '=HYPERLINK("http://evil.example","x")'
        db.session.commit()
    text = network.client.get("/suppliers/export.csv?delivery=partner").get_data(as_text=True)
    assert "'=HYPERLINK" in text


def test_navigation_shows_the_search_to_retailers_only(app, network):
    assert 'href="/suppliers/"' in network.client.get("/").get_data(as_text=True)
    producer = signed_in(app, network.dairy.owner)
    assert 'href="/suppliers/"' not in producer.get("/").get_data(as_text=True)


def test_csv_export_keeps_one_row_per_product_with_its_page(app, network):
    from vonhier.catalogue.services import public_paths

    text = network.client.get("/suppliers/export.csv?lang=en").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][-1] == "Product page"
    assert [(r[0], r[5]) for r in rows[1:]] == [
        ("Bergkäse", "Milchhof Nord"),
        ("Quark", "Milchhof Nord"),
        ("Möhren", "Gemüse Süd"),
        ("Salami", "Fleisch Ost"),
    ]
    with app.app_context():
        paths = public_paths(list(network.products.values()))
    assert rows[1][-1] == app.config["BASE_URL"] + paths[network.products["Bergkäse"]]


def test_shortlist_notes_are_saved_refused_shown_and_exported(app, network):
    client = network.client
    client.post(f"/suppliers/{network.dairy.id}/shortlist")
    client.post(f"/suppliers/{network.veg.id}/shortlist")
    field = f"supplier-{network.dairy.id}-note"
    page = client.get("/suppliers/shortlist").get_data(as_text=True)
    assert f'name="{field}"' in page and 'href="/suppliers/shortlist.csv"' in page
    response = client.post(
        f"/suppliers/{network.dairy.id}/shortlist/note",
        data={field: "  Käse ab Mai; Lieferung donnerstags  "},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"#supplier-{network.dairy.id}"
    )
    page = client.get("/suppliers/shortlist").get_data(as_text=True)
    assert "\nKäse ab Mai; Lieferung donnerstags</textarea>" in page
    # The colleague sees the organisation's note; another retailer cannot write one.
    assert "Käse ab Mai" in signed_in(app, network.colleague).get("/suppliers/shortlist").get_data(
        as_text=True
    )
    other = signed_in(app, network.other)
    assert other.post(f"/suppliers/{network.dairy.id}/shortlist/note", data={field: "x"}).status_code == 404
    # Hostile or oversized input: refused on the form with what was typed, nothing saved.
    for bad, message in (("a\x1b[31mb", "Steuerzeichen"), ("x" * 501, "500")):
        response = client.post(f"/suppliers/{network.dairy.id}/shortlist/note", data={field: bad})
        assert response.status_code == 400 and message in response.get_data(as_text=True), bad
    with app.app_context():
        from vonhier.suppliers.models import ShortlistEntry

        notes = {e.supplier_id: e.note for e in db.session.query(ShortlistEntry)}
    assert notes[network.dairy.id] == "Käse ab Mai; Lieferung donnerstags" and notes[network.veg.id] == ""
    # A script is text, shown escaped; a formula is neutralised in the CSV.
    client.post(
        f"/suppliers/{network.veg.id}/shortlist/note", data={f"supplier-{network.veg.id}-note": "=1+2"}
    )
    client.post(f"/suppliers/{network.dairy.id}/shortlist/note", data={field: "<script>alert(1)</script>"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in client.get("/suppliers/shortlist").get_data(
        as_text=True
    )
    response = client.get("/suppliers/shortlist.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Lieferant" and rows[0][8] == "Ihre Notiz"
    assert [(r[0], r[8]) for r in rows[1:]] == [
        ("Gemüse Süd", "'=1+2"),
        ("Milchhof Nord", "<script>alert(1)</script>"),
    ]
    assert rows[2][4] == "Abholung, Eigene Lieferung" and rows[2][5] == "50"
    # The note goes with the entry.
    assert client.post(f"/suppliers/{network.veg.id}/shortlist/remove").status_code == 302
    assert client.post(f"/suppliers/{network.veg.id}/shortlist/note", data={"note": "x"}).status_code == 404
