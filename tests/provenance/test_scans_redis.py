"""Scans counted in Redis (`REDIS_URL`) and moved into `scan_days` by the background worker: every scan
once, whatever point the mover is stopped at, and with two movers at once."""

import threading

import pytest
import redis
from sqlalchemy import func, select

from vonhier.extensions import db
from vonhier.provenance import scans
from vonhier.provenance.models import ScanBatch, ScanDay

GZIP = {"Accept-Encoding": "gzip", "Accept-Language": "de"}


@pytest.fixture
def redis_app(make_app, redis_store):
    app = make_app(REDIS_URL=redis_store.uri, SCAN_KEY_PREFIX=f"{redis_store.prefix}:")
    app.redis = redis_store.client
    return app


def stored(app) -> dict:
    with app.app_context():
        return {
            (row.product_id, row.lot, row.language): row.count for row in db.session.scalars(select(ScanDay))
        }


def move(app) -> int:
    with app.app_context():
        return scans.move()


def count(app, product_id, n, lot=None, language="de"):
    with app.app_context():
        for _ in range(n):
            scans.count(product_id, lot, language)


def test_scans_wait_in_redis_until_moved_and_hold_nothing_personal(redis_app, certified):
    client = redis_app.test_client()
    for path in (certified.path, certified.path, certified.lot_path):  # rendered, then stored
        assert client.get(path, headers=GZIP).status_code == 200
    assert stored(redis_app) == {}  # nothing written on the request path
    fields = redis_app.redis.hgetall(f"{redis_app.config['SCAN_KEY_PREFIX']}scans")
    assert sorted(fields.values()) == [b"1", b"2"]
    assert all(b"127.0.0.1" not in field for field in fields)  # product, lot, day, language: no more
    assert move(redis_app) == 3
    assert stored(redis_app) == {
        (certified.product_id, "", "de"): 2,
        (certified.product_id, certified.lot, "de"): 1,
    }
    assert move(redis_app) == 0 and not list(
        redis_app.redis.scan_iter(match=f"*{redis_app.config['SCAN_KEY_PREFIX']}*")
    )


def test_a_mover_stopped_after_the_rename_leaves_the_batch_to_the_next_run(redis_app, certified):
    count(redis_app, certified.product_id, 5)
    live = f"{redis_app.config['SCAN_KEY_PREFIX']}scans"
    redis_app.redis.rename(live, f"{live}:moving:{'a' * 32}")  # what a mover did before it was killed
    count(redis_app, certified.product_id, 2)  # scans go on into a new live hash
    assert move(redis_app) == 7
    assert stored(redis_app) == {(certified.product_id, "", "de"): 7}


def test_a_mover_stopped_after_the_commit_adds_nothing_twice(redis_app, certified, monkeypatch):
    count(redis_app, certified.product_id, 4, language="en")

    def killed(self, *names):
        raise redis.ConnectionError("killed before the key was deleted")

    with monkeypatch.context() as patch:
        patch.setattr(redis.Redis, "delete", killed)
        with pytest.raises(redis.ConnectionError):
            move(redis_app)
    assert stored(redis_app) == {(certified.product_id, "", "en"): 4}  # committed, key still in Redis
    count(redis_app, certified.product_id, 1, language="en")
    assert move(redis_app) == 1  # the batch found in scan_batches: only deleted
    assert stored(redis_app) == {(certified.product_id, "", "en"): 5}
    with redis_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ScanBatch)) == 2


def test_two_movers_at_once_move_every_scan_once(redis_app, certified):
    count(redis_app, certified.product_id, 3)
    live = f"{redis_app.config['SCAN_KEY_PREFIX']}scans"
    for n in range(4):  # batches left by killed movers, which both movers find
        count(redis_app, certified.product_id, 10)
        redis_app.redis.rename(live, f"{live}:moving:{str(n) * 32}")
    count(redis_app, certified.product_id, 3)
    moved, start = [], threading.Barrier(2)

    def run():
        start.wait()
        moved.append(move(redis_app))

    movers = [threading.Thread(target=run) for _ in range(2)]
    for thread in movers:
        thread.start()
    for thread in movers:
        thread.join()
    assert sum(moved) == 46
    assert stored(redis_app) == {(certified.product_id, "", "de"): 46}


def test_without_redis_a_scan_is_counted_in_memory(make_app, certified):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0", SCAN_FLUSH_SECONDS=3600)  # nobody listens there
    count(app, certified.product_id, 2)
    assert scans.flush(app) == 2
    assert stored(app) == {(certified.product_id, "", "de"): 2}
