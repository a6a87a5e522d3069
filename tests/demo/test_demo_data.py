"""The demo network as data files (the region pack's `demo/`) loads what it loaded when it was Python: the
figures below were taken from the Python modules' load before they were turned into files (a
comparison of every table, row by row apart from timestamps, hashes and random codes, was identical),
and changed on purpose since: the Ziegenkäserei Sommerfelde near Eberswalde (the catalogue's walk)."""

from sqlalchemy import func, select

from vonhier.catalogue import csv_io
from vonhier.catalogue.models import Product
from vonhier.demo import files
from vonhier.extensions import db
from vonhier.organisations.models import Organisation

ROWS = {
    "application_items": 186,
    "applications": 50,
    "audit_records": 242,  # 223, and the certifier's 19 document checks (the evidence gate)
    "batches": 341,
    "certificate_products": 149,
    "certificates": 28,
    "evidence": 19,
    "ingredients": 448,
    "inquiry_messages": 2,
    "inquiry_reads": 1,
    "inquiry_threads": 1,
    "invoices": 28,
    "licences": 28,
    "memberships": 8,
    "offers": 12,
    "organisation_kinds": 66,
    "organisations": 39,
    "outlet_categories": 49,
    "outlet_products": 472,
    "outlets": 80,
    "payments": 28,
    "product_codes": 192,
    "product_versions": 229,
    "products": 192,
    "shop_settings": 5,  # the sellers with offers, their legal details complete (shops.csv)
    "sites": 91,
    "supplier_links": 43,
    "supplier_profiles": 29,
    "supply_stages": 502,
    "user_roles": 2,
    "users": 9,
}
# (reference, [(ingredient, share, kind of origin, site or place)])
INGREDIENTS = {
    "HS-101": [
        ("Rohmilch", "98.30", "own_site", "Hof Sonnenwiese – Stall"),
        ("Speisesalz", "1.50", "place", "Bad Dürrenberg"),
        ("Lab", "0.10", "place", "Dänemark"),
        ("Käsereikulturen", "0.10", "place", "Dänemark"),
    ],
    "OH-07": [
        ("Sauerkirschen", "70.00", "own_site", "Obstgut Havelblick – Plantage Glindower Alpen"),
        ("Wasser", "15.00", "own_site", "Obstgut Havelblick – Kelterei"),
        ("Honig", "14.90", "supplier_site", "Bienenstand Althüttendorf"),
        ("Weinhefe", "0.10", "place", "Frankreich"),
    ],
}
SHOWCASE = [
    "Speisequark 20 % Fett i. Tr.",
    "Naturjoghurt 3,8 %",
    "Sanddorn-Joghurt",
    "Geräucherte Kleine Maräne",
]


def test_the_data_files_load_the_network_the_python_modules_loaded(app, client):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Loaded 39 demo organisations with 91 sites and 192 products, 80 outlets." in result.output
    with app.app_context():
        tables = db.metadata.tables
        counts = {name: db.session.scalar(select(func.count()).select_from(tables[name])) for name in ROWS}
        assert counts == ROWS
        for reference, expected in INGREDIENTS.items():
            product = db.session.scalar(select(Product).where(Product.reference == reference))
            assert [
                (
                    i.name,
                    f"{i.share:.2f}",
                    i.origin_kind.value,
                    i.origin_site.name if i.origin_site else i.place_name,
                )
                for i in product.ingredients
            ] == expected
        # Every producer recorded its allergens but Obsthof Ribbeck (the pre-check's warning, on purpose).
        unrecorded = db.session.scalars(
            select(Organisation.display_name).join(Product).where(~Product.allergens_recorded).distinct()
        ).all()
        assert unrecorded == ["Obsthof Ribbeck"]
    home = client.get("/").get_data(as_text=True)
    positions = [home.find(name) for name in SHOWCASE]
    assert -1 not in positions and positions == sorted(positions), positions


def test_every_product_file_is_an_import_file_with_the_german_headers():
    for path in sorted((files.folder() / "products").glob("*.csv")):
        rows = csv_io.read_rows(path.read_bytes())
        assert list(rows.written.values()) == csv_io.headers("de"), path.name
        assert path.stem in {o["key"] for o in files.organisations()}, path.name
