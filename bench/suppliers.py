"""The retailer supplier search over a generated network: p50/p95 on SQLite and PostgreSQL.

    .venv/bin/python bench/suppliers.py                                   # both, full size
    .venv/bin/python bench/suppliers.py --products 5000 --organisations 500 --db sqlite
    .venv/bin/python bench/suppliers.py --pg-url postgresql+psycopg://postgres@127.0.0.1:5432

In-process, no HTTP: `suppliers.search.search` as the search page calls it (one page of 25 with
certificates and delivery settings attached). Each database is a scratch one: a temporary SQLite file,
or a PostgreSQL database `vonhier_bench_suppliers_<pid>` created for the run and dropped afterwards.
The baseline, measured in the same run, is a primary-key lookup of one product with its
organisation (the cheapest query a page makes); results are reported as milliseconds and as ratios.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402

from vonhier import create_app  # noqa: E402
from vonhier.catalogue.models import Category, Product  # noqa: E402
from vonhier.certification.certificates import refresh_certified_until  # noqa: E402
from vonhier.certification.criteria import current_catalogue  # noqa: E402
from vonhier.clock import utcnow  # noqa: E402
from vonhier.extensions import db  # noqa: E402
from vonhier.payments.models import LicenceTier  # noqa: E402
from vonhier.permissions import SYSTEM  # noqa: E402
from vonhier.suppliers import search, services  # noqa: E402
from vonhier.suppliers.search import Origin, SupplierQuery  # noqa: E402

# Where retailers search from: Berlin, Potsdam, Cottbus, Eberswalde, Neuruppin.
ORIGINS = [(52.52, 13.405), (52.39, 13.065), (51.756, 14.333), (52.833, 13.817), (52.925, 12.80)]
RADII = [10, 25, 50, 80, 150]
# The region, roughly: Brandenburg with Berlin in the middle.
SOUTH, NORTH, WEST, EAST = 51.36, 53.56, 11.27, 14.77
CAPACITY = ["", "Ganzjährig, 100 kg pro Woche", "Saisonal, Mai bis Oktober"]


def generate(products: int, organisations: int, seed: int = 7) -> None:
    """Bulk rows straight into the tables (the services would take hours for 100,000 products)."""
    rng = random.Random(seed)
    now = utcnow()
    today = now.date()
    year = today.year
    conn = db.session.connection()
    categories = db.session.scalars(select(Category)).all()
    tier_id = db.session.scalar(select(LicenceTier.id).limit(1))
    catalogue_id = current_catalogue().id

    def insert(table: str, rows: list[dict]) -> None:
        if rows:
            conn.execute(db.metadata.tables[table].insert(), rows)

    body = 1
    insert(
        "organisations",
        [
            {
                "id": body,
                "legal_name": "Prüfstelle",
                "display_name": "Prüfstelle",
                "street": "",
                "postcode": "10115",
                "town": "Berlin",
                "latitude": 52.52,
                "longitude": 13.40,
                "size_class": "micro",
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    insert("organisation_kinds", [{"organisation_id": body, "kind": "certification_body"}])
    org_rows, kinds, sites, licences, profiles = [], [], [], [], []
    site_id = 0
    for n in range(organisations):
        org_id = n + 2
        lat, lon = rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)
        org_rows.append(
            {
                "id": org_id,
                "legal_name": f"Betrieb {n} GbR",
                "display_name": f"Betrieb {n:05d}",
                "street": "Dorfstraße 1",
                "postcode": "16225",
                "town": f"Ort {n % 400}",
                "district": f"Kreis {n % 18}",
                "latitude": lat,
                "longitude": lon,
                "size_class": "micro",
                "created_at": now,
                "updated_at": now,
            }
        )
        kinds.append({"organisation_id": org_id, "kind": "producer" if n % 3 else "processor"})
        for extra in range(1 + (n % 5 == 0)):  # a fifth have a second site
            site_id += 1
            slat, slon = (lat, lon)
            if extra:
                slat, slon = lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.3, 0.3)
            sites.append(
                {
                    "id": site_id,
                    "organisation_id": org_id,
                    "name": f"Hof {n}-{extra}",
                    "kind": "farm",
                    "street": "",
                    "postcode": "",
                    "town": f"Ort {n % 400}",
                    "country": "DE",
                    "latitude": slat,
                    "longitude": slon,
                    "in_region": True,
                    "eu_approval_number": "",
                    "organic_operator_id": "",
                    "husbandry_id": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        if n % 10:  # nine in ten hold a current licence
            licences.append(
                {
                    "organisation_id": org_id,
                    "year": year,
                    "tier_id": tier_id,
                    "status": "active",
                    "terms_version": "2026-1",
                    "terms_accepted_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        if n % 4:
            profiles.append(
                {
                    "organisation_id": org_id,
                    "delivers_pickup": n % 2 == 0,
                    "delivers_own": n % 3 == 0,
                    "delivers_partner": n % 5 == 0,
                    "delivery_radius_km": 50,
                    "capacity_notes": rng.choice(CAPACITY),
                    "min_order_note": "",
                    "updated_at": now,
                }
            )
    for table, rows in (
        ("organisations", org_rows),
        ("organisation_kinds", kinds),
        ("sites", sites),
        ("licences", licences),
        ("supplier_profiles", profiles),
    ):
        for start in range(0, len(rows), 5000):
            insert(table, rows[start : start + 5000])

    # One application and certificate per organisation; a few suspended, expired or revoked.
    applications, certificates = [], []
    for n in range(organisations):
        org_id = n + 2
        applications.append(
            {
                "id": org_id,
                "organisation_id": org_id,
                "catalogue_id": catalogue_id,
                "status": "approved",
                "certification_body_id": body,
                "created_at": now,
            }
        )
        state = "active" if n % 20 else rng.choice(["suspended", "revoked", "expired"])
        valid_from = today - timedelta(days=400 if state == "expired" else n % 300)
        certificates.append(
            {
                "id": org_id,
                "number": f"VH-{year}-{org_id:06d}",
                "application_id": org_id,
                "organisation_id": org_id,
                "certification_body_id": body,
                "catalogue_id": catalogue_id,
                "valid_from": valid_from,
                "valid_until": valid_from + timedelta(days=365),
                "status": "active" if state == "expired" else state,
                "status_reason": "",
                "created_at": now,
                "updated_at": now,
            }
        )
    for table, rows in (("applications", applications), ("certificates", certificates)):
        for start in range(0, len(rows), 5000):
            insert(table, rows[start : start + 5000])

    batch_products, batch_versions, batch_links = [], [], []
    for p in range(products):
        org_id = rng.randrange(organisations) + 2
        category = rng.choice(categories)
        animal = category.is_animal
        batch_products.append(
            {
                "id": p + 1,
                "organisation_id": org_id,
                "reference": f"P{p + 1}",
                "name_de": f"Produkt {p + 1} {category.name_de}",
                "name_en": "",
                "category_id": category.id,
                "description_de": "",
                "description_en": "",
                "organic_control_body": "DE-ÖKO-006" if rng.random() < 0.3 else "",
                "gmo_free": rng.random() < 0.6,
                "species": "cattle" if animal else None,
                "husbandry_level": rng.randint(1, 5) if animal else None,
                "status": "active" if rng.random() < 0.97 else "archived",
                "created_at": now,
                "updated_at": now,
            }
        )
        batch_versions.append(
            {"id": p + 1, "product_id": p + 1, "number": 1, "created_at": now, "changes": [], "data": {}}
        )
        if rng.random() < 0.8:  # four in five products are certified
            batch_links.append({"certificate_id": org_id, "product_id": p + 1, "product_version_id": p + 1})
        if len(batch_products) == 5000 or p == products - 1:
            insert("products", batch_products)
            insert("product_versions", batch_versions)
            insert("certificate_products", batch_links)
            batch_products, batch_versions, batch_links = [], [], []
    db.session.commit()
    db.session.execute(text("ANALYZE"))  # fresh statistics, as a live database would have
    # The rows bypassed the session, which keeps this derived date (after ANALYZE: without
    # statistics PostgreSQL scans certificate_products once per product).
    refresh_certified_until(db.session.connection())
    db.session.execute(text("ANALYZE products"))  # statistics of the date just filled in
    db.session.commit()


def random_query(rng: random.Random, categories) -> SupplierQuery:
    query = SupplierQuery(origin=Origin(*rng.choice(ORIGINS)), radius_km=rng.choice(RADII))
    if rng.random() < 0.5:
        query.category = rng.choice(categories)
    query.organic = rng.random() < 0.3
    query.gmo_free = rng.random() < 0.3
    if rng.random() < 0.2:
        query.husbandry_min = rng.randint(2, 5)
    if rng.random() < 0.3:
        query.delivery = tuple(rng.sample(services.DELIVERY_OPTIONS, rng.randint(1, 2)))
    if rng.random() < 0.1:
        query.text = rng.choice(["käse", "100 kg", "betrieb 00"])
    query.page = 1 if rng.random() < 0.8 else rng.randint(2, 4)
    return query


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def run(url: str, products: int, organisations: int, queries: int) -> dict:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_SUPPRESS": True, "TESTING": True})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        generate(products, organisations)
        generated = time.perf_counter() - started
        categories = db.session.scalars(select(Category)).all()
        rng = random.Random(11)
        for _ in range(10):  # warm caches and the connection pool
            search.search(SYSTEM, random_query(rng, categories))
            db.session.rollback()
        base, times, sizes = [], [], []
        for _ in range(queries):
            product_id = rng.randrange(products) + 1
            t0 = time.perf_counter()
            product = db.session.get(Product, product_id)
            product.organisation.display_name  # noqa: B018 (load it)
            base.append((time.perf_counter() - t0) * 1000)
            db.session.rollback()
            query = random_query(rng, categories)
            t0 = time.perf_counter()
            results = search.search(SYSTEM, query)
            times.append((time.perf_counter() - t0) * 1000)
            sizes.append(len(results.suppliers))
            db.session.rollback()
        by_radius = {}
        rng = random.Random(13)
        for radius in RADII:
            samples = []
            for _ in range(max(10, queries // 10)):
                query = SupplierQuery(origin=Origin(*rng.choice(ORIGINS)), radius_km=radius)
                t0 = time.perf_counter()
                search.search(SYSTEM, query)
                samples.append((time.perf_counter() - t0) * 1000)
                db.session.rollback()
            by_radius[radius] = percentiles(samples)
        db.session.remove()
        db.engine.dispose()
    b50, b95 = percentiles(base)
    p50, p95 = percentiles(times)
    return {
        "generated_s": round(generated, 1),
        "baseline_ms": [round(b50, 2), round(b95, 2)],
        "search_ms": [round(p50, 2), round(p95, 2)],
        "ratio_p50": round(p50 / b50, 1),
        "ratio_p95": round(p95 / b95, 1),
        "mean_hits": round(statistics.mean(sizes), 1),
        "no_filter_by_radius_ms": {r: [round(a, 2), round(b, 2)] for r, (a, b) in by_radius.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    report = {"products": args.products, "organisations": args.organisations, "queries": args.queries}
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.sqlite"
            report["sqlite"] = run(url, args.products, args.organisations, args.queries)
            print(json.dumps({"sqlite": report["sqlite"]}), flush=True)
    if args.db in ("postgresql", "both"):
        name = f"vonhier_bench_suppliers_{os.getpid()}"
        admin = create_engine(f"{args.pg_url}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = f"{args.pg_url}/{name}"
            report["postgresql"] = run(url, args.products, args.organisations, args.queries)
            print(json.dumps({"postgresql": report["postgresql"]}), flush=True)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
