"""Pre-orders under a rush: 200 buyers at once against gunicorn (2 workers) on PostgreSQL, ordering from
5 offers of limited stock at the Templin farm shop of the demo network.

    .venv/bin/python bench/orders.py
    .venv/bin/python bench/orders.py --buyers 50 --stock 20 --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432

A scratch database `vonhier_bench_orders_<pid>` is created, migrated and given the demo network (`flask
demo load`), dropped afterwards. Online payment talks to the Stripe stand-in of the tests
(`tests/payments/stripe_fake.py`), the producer onboarded through the platform's own steps.

Three rounds, each with all buyers released together: (0) the baseline, `GET /healthz`; (1) paying at
pick-up, each buyer 1–2 units of 1–2 of the 5 offers for the first pick-up date; (2) paying online, the
same for the second date (POST until the 303 to Stripe's page: the order saved, the units reserved and
the Checkout session made). Reported: orders per second (placed ÷ the round's wall time), p50/p95
latency of a request (placed and refused alike), and the units sold per offer, which must equal its
stock exactly (demand is about twice the stock; a basket refused for one sold-out offer leaves units
of the others, so a sweep of single units follows each rush). Exit 1 when they do not, when a request
failed (5xx), or when a Checkout session was made for no order.
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import threading
import time
from datetime import date
from datetime import time as time_of_day
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402

from tests.live import gunicorn  # noqa: E402
from tests.payments.stripe_fake import FakeStripe  # noqa: E402
from vonhier import create_app  # noqa: E402
from vonhier.accounts.models import User  # noqa: E402
from vonhier.catalogue.models import Product  # noqa: E402
from vonhier.demo.commands import load  # noqa: E402
from vonhier.extensions import db  # noqa: E402
from vonhier.orders import buying, services, shop  # noqa: E402
from vonhier.orders.models import Offer, OfferStock  # noqa: E402
from vonhier.outlets.models import Outlet  # noqa: E402
from vonhier.payments import connect  # noqa: E402
from vonhier.permissions import SYSTEM  # noqa: E402

OUTLET = "Hof Sonnenwiese – Hofladen"
PRODUCER = "erzeuger@vonhier.example"


def prepare(app, fake, stock: int) -> tuple[int, list[int]]:
    """The demo network, 5 offers of `stock` units a date at the Templin farm shop, online payment ready."""
    with app.app_context():
        upgrade()
        load()
        outlet = db.session.scalar(select(Outlet).where(Outlet.name == OUTLET))
        offered = {
            o.product_id: o for o in db.session.scalars(select(Offer).where(Offer.outlet_id == outlet.id))
        }
        products = db.session.scalars(
            select(Product).where(Product.organisation_id == outlet.organisation_id).order_by(Product.id)
        ).all()
        offer_ids = []
        for product in products[:5]:
            data = {
                "product_id": product.id,
                "outlet_id": outlet.id,
                "price_cents": 249,
                "vat_percent": 7,
                "unit": "piece",
                "quantity_per_date": stock,
                "deadline_days_before": 0,
                "deadline_time": time_of_day(0, 0),
                "is_active": True,
            }
            offer_ids.append(
                services.save_offer(SYSTEM, outlet.organisation_id, offered.get(product.id), data).id
            )
        db.session.commit()
        owner = db.session.scalar(select(User).where(User.email == PRODUCER))
        with app.test_request_context():
            connect.start_onboarding(owner, outlet.organisation_id)
            db.session.commit()
        account = connect.account_for(outlet.organisation_id).stripe_account_id
        fake.complete_onboarding(account)
        with app.test_request_context():
            connect.refresh(owner, outlet.organisation_id)
            db.session.commit()
        return outlet.id, offer_ids


def pickups(app, outlet_id) -> list[tuple[str, str]]:
    with app.test_request_context():
        the_shop = shop.shop_for(outlet_id)
        return [
            (day.isoformat(), buying.interval_value(buying.day_window(the_shop, day).intervals[0]))
            for day in the_shop.dates[:2]
        ]


def rush(n: int, send) -> tuple[list[tuple[int, float]], float]:
    """`n` requests released together; (status, seconds) each, and the wall time of the round."""
    barrier = threading.Barrier(n + 1)
    results = [None] * n

    def one(i):
        barrier.wait()
        started = time.perf_counter()
        status = send(i)
        results[i] = (status, time.perf_counter() - started)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def basket(rng, offer_ids) -> dict[str, str]:
    return {f"quantity-{i}": str(rng.randint(1, 2)) for i in rng.sample(offer_ids, rng.randint(1, 2))}


def form(day, interval, payment, i, lines) -> dict:
    """A buyer's order as the review's order button sends it (every offer at 2,49 €)."""
    shown = [(int(name.removeprefix(buying.QUANTITY)), int(count), 249) for name, count in lines.items()]
    return {
        "day": day,
        "interval": interval,
        "name": f"Käufer {i}",
        "email": f"k{i}@example.org",
        "payment": payment,
        "submission_key": secrets.token_urlsafe(24),
        "step": "place",
        "reviewed": buying.review_mark(shown),
        **lines,
    }


def sweep(url, outlet_id, offer_ids, day, interval, payment) -> int:
    """What a rush left (a basket refused for one sold-out offer leaves the others' units): one unit of
    each offer at once, again and again, until every offer refuses; the units it sold."""
    left, swept = list(offer_ids), 0
    while left:
        results = [None] * len(left)

        def one(n, offer_id, results=results):
            data = form(day, interval, payment, 10_000 + n, {f"quantity-{offer_id}": "1"})
            results[n] = requests.post(
                f"{url}/orders/shop/{outlet_id}", data=data, allow_redirects=False, timeout=300
            )

        threads = [threading.Thread(target=one, args=(n, offer_id)) for n, offer_id in enumerate(left)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        swept += sum(1 for r in results if r.status_code == 303)
        left = [offer_id for offer_id, r in zip(left, results, strict=True) if r.status_code == 303]
    return swept


def order_round(url, outlet_id, offer_ids, day, interval, payment, n, seed):
    rng = random.Random(seed)
    baskets = [basket(rng, offer_ids) for _ in range(n)]

    def send(i):
        data = form(day, interval, payment, i, baskets[i])
        return requests.post(
            f"{url}/orders/shop/{outlet_id}", data=data, allow_redirects=False, timeout=300
        ).status_code

    return rush(n, send)


def report(name, results, wall) -> dict:
    times = sorted(seconds for _, seconds in results)
    placed = sum(1 for status, _ in results if status == 303)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    line = {
        "round": name,
        "requests": len(results),
        "placed": placed,
        "refused": sum(1 for status, _ in results if status == 400),
        "failed": sum(1 for status, _ in results if status >= 500),
        "orders/s": round(placed / wall, 1) if placed else 0,
        "p50 ms": round(statistics.median(times) * 1000),
        "p95 ms": round(p95 * 1000),
    }
    print(line)
    return line


def sold(app, offer_ids, day) -> list[int]:
    with app.app_context():
        found = dict(
            db.session.execute(
                select(OfferStock.offer_id, OfferStock.sold).where(
                    OfferStock.offer_id.in_(offer_ids), OfferStock.day == date.fromisoformat(day)
                )
            ).all()
        )
        return [found.get(i, 0) for i in offer_ids]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--stock", type=int, default=40, help="units per offer and date (5 offers)")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args(argv)
    name = f"vonhier_bench_orders_{os.getpid()}"
    admin = create_engine(f"{args.postgres_url}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    ok = True
    try:
        with FakeStripe() as fake:
            config = {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"{args.postgres_url}/{name}",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "STRIPE_SECRET_KEY": fake.api_key,
                "STRIPE_API_BASE": fake.url,
                "STRIPE_WEBHOOK_SECRET": "whsec_bench",
                "STRIPE_CONNECT_WEBHOOK_SECRET": "whsec_bench_connect",
                "STRIPE_MAX_RETRIES": 0,
            }
            app = create_app(config)
            outlet_id, offer_ids = prepare(app, fake, args.stock)
            (first, first_hours), (second, second_hours) = pickups(app, outlet_id)
            with gunicorn(config) as url:
                requests.get(f"{url}/orders/shop/{outlet_id}", timeout=30)  # warm both workers a little
                base = rush(args.buyers, lambda i: requests.get(f"{url}/healthz", timeout=60).status_code)
                report("baseline GET /healthz", *base)
                at_pickup = report(
                    "pay at pick-up",
                    *order_round(url, outlet_id, offer_ids, first, first_hours, "at_pickup", args.buyers, 1),
                )
                online = report(
                    "online (Checkout session, stand-in)",
                    *order_round(url, outlet_id, offer_ids, second, second_hours, "online", args.buyers, 2),
                )
                for day, hours, payment, round_ in (
                    (first, first_hours, "at_pickup", at_pickup),
                    (second, second_hours, "online", online),
                ):
                    round_["swept"] = sweep(url, outlet_id, offer_ids, day, hours, payment)
                    print(f"{round_['round']}: the sweep after the rush sold {round_['swept']} more units")
            for day, round_ in ((first, at_pickup), (second, online)):
                units = sold(app, offer_ids, day)
                exact = units == [args.stock] * len(offer_ids)
                verdict = "exact" if exact else "WRONG"
                print(f"{round_['round']}: units sold per offer {units}, stock {args.stock} each: {verdict}")
                ok = ok and exact and round_["failed"] == 0
            made = len(fake.sessions)
            print(f"Checkout sessions made: {made} for {online['placed'] + online['swept']} online orders")
            ok = ok and made == online["placed"] + online["swept"]
            with app.app_context():
                db.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
