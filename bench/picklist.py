"""The pick list of a busy pick-up date as a PDF: 1,000 orders (1–3 lines each, five products, a note on
every fifth) at one farm shop, on SQLite and PostgreSQL.

    .venv/bin/python bench/picklist.py                    # both databases, 1,000 orders, 5 runs
    .venv/bin/python bench/picklist.py --orders 2000 --db sqlite --runs 3

In-process, no HTTP: what `GET /orders/received/picklist.pdf` does after the sign-in checks —
`picklist.pick_list` (three queries) and `picklist.to_pdf` (fpdf2, the platform's font) — timed apart
and together. Each database is a scratch one (a temporary SQLite file, or `vonhier_bench_picklist_<pid>`
dropped afterwards). Issue 18's target: under 2 s for 1,000 orders.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from datetime import time as time_of_day
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pypdfium2  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from tests import factories  # noqa: E402
from vonhier import clock, create_app  # noqa: E402
from vonhier.extensions import db  # noqa: E402
from vonhier.orders import picklist, services  # noqa: E402
from vonhier.outlets import services as outlets  # noqa: E402
from vonhier.permissions import SYSTEM  # noqa: E402

DAY = date(2030, 6, 15)  # a Saturday
TARGET_SECONDS = 2.0
PRODUCTS = ("Speisequark", "Ziegenkäse", "Landeier", "Bergkäse am Stück", "Joghurt natur")
SHOP = {
    "name": "Hofladen Templin",
    "kind": "farm_shop",
    "town": "Templin",
    "postcode": "17268",
    "country": "DE",
    "latitude": 53.1178,
    "longitude": 13.5024,
    "opening_hours": "Mo-Sa 08:00-18:00",
}


def generate(app, orders: int, seed: int = 18) -> int:
    """An organisation with five offers at one shop and `orders` orders for DAY; its id."""
    owner = factories.user(app)
    organisation = factories.organisation(app, owner_id=owner.id).id
    product_ids = [
        factories.product(
            app,
            owner.id,
            organisation,
            [("Milch", 100, "Templin", False)],
            name_de=name,
            package_size=Decimal(250),
            package_unit="g",
        )
        for name in PRODUCTS
    ]
    rng = random.Random(seed)
    with app.app_context():
        shop = outlets.save_outlet(SYSTEM, organisation, None, SHOP)
        offers = [
            services.save_offer(
                SYSTEM,
                organisation,
                None,
                {
                    "product_id": product_id,
                    "outlet_id": shop.id,
                    "price_cents": 249 + 100 * n,
                    "vat_percent": 7,
                    "unit": "piece",
                    "deadline_days_before": 1,
                    "deadline_time": time_of_day(18),
                    "quantity_per_date": None,
                },
            )
            for n, product_id in enumerate(product_ids)
        ]
        db.session.flush()
        order_rows, line_rows = [], []
        for n in range(1, orders + 1):
            chosen = sorted(rng.sample(offers, rng.randint(1, 3)), key=lambda o: o.id)
            quantities = [rng.randint(1, 4) for _ in chosen]
            total = sum(q * o.price_cents for q, o in zip(quantities, chosen, strict=True))
            order_rows.append(
                {
                    "id": n,
                    "reference": f"B{n:07d}",
                    "submission_key": f"bench-{n}",
                    "organisation_id": organisation,
                    "outlet_id": shop.id,
                    "pickup_date": DAY,
                    "pickup_start": time_of_day(8 + n % 9),
                    "pickup_end": time_of_day(9 + n % 9),
                    "cancel_until": clock.utcnow(),
                    "buyer_name": f"Käuferin Nummer {n}",
                    "buyer_email": f"k{n}@example.org",
                    "buyer_phone": f"0171 {n:07d}" if n % 2 else "",
                    "note": "Bitte ohne Tüte, ich bringe einen Korb mit." if n % 5 == 0 else "",
                    "locale": "de",
                    "payment_method": "online" if n % 3 == 0 else "at_pickup",
                    "total_cents": total,
                    "status": "placed",
                    "refunded_cents": 0,
                }
            )
            line_rows += [
                {
                    "order_id": n,
                    "offer_id": offer.id,
                    "product_id": offer.product_id,
                    "product_name": PRODUCTS[product_ids.index(offer.product_id)],
                    "unit_text": "Becher 250 g",
                    "quantity": quantity,
                    "unit_price_cents": offer.price_cents,
                    "vat_percent": 7,
                    "line_total_cents": quantity * offer.price_cents,
                }
                for quantity, offer in zip(quantities, chosen, strict=True)
            ]
        db.session.execute(db.metadata.tables["orders"].insert(), order_rows)
        db.session.execute(db.metadata.tables["order_lines"].insert(), line_rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    return organisation


def run(url: str, orders: int, runs: int) -> dict:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_SUPPRESS": True, "TESTING": True})
    with app.app_context():
        upgrade()
    organisation = generate(app, orders)
    query, pdf, whole, size = [], [], [], 0
    with app.test_request_context(headers={"Accept-Language": "de"}):
        picklist.to_pdf(picklist.pick_list(SYSTEM, organisation, DAY))  # caches: font files, glyphs
        for _ in range(runs):
            db.session.expire_all()
            t0 = time.perf_counter()
            pick = picklist.pick_list(SYSTEM, organisation, DAY)
            t1 = time.perf_counter()
            body = picklist.to_pdf(pick)
            t2 = time.perf_counter()
            query.append(t1 - t0)
            pdf.append(t2 - t1)
            whole.append(t2 - t0)
            size = len(body)
            db.session.rollback()
        pages = len(pypdfium2.PdfDocument(body))
        lines = sum(len(order.lines) for section in pick.sections for order in section.orders)
        db.session.remove()
        db.engine.dispose()
    return {
        "orders": orders,
        "lines": lines,
        "pages": pages,
        "kB": round(size / 1000),
        "query_s_median": round(statistics.median(query), 3),
        "pdf_s_median": round(statistics.median(pdf), 3),
        "total_s_median": round(statistics.median(whole), 3),
        "total_s_max": round(max(whole), 3),
        "target_met": max(whole) < TARGET_SECONDS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    report = {}
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            report["sqlite"] = run(f"sqlite:///{folder}/bench.sqlite", args.orders, args.runs)
            print(json.dumps({"sqlite": report["sqlite"]}), flush=True)
    if args.db in ("postgresql", "both"):
        name = f"vonhier_bench_picklist_{os.getpid()}"
        admin = create_engine(f"{args.pg_url}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            report["postgresql"] = run(f"{args.pg_url}/{name}", args.orders, args.runs)
            print(json.dumps({"postgresql": report["postgresql"]}), flush=True)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
