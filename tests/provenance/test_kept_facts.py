"""Scan facts kept per process (provenance/facts.py): kept after a read, forgotten when the database
says they changed: by this process's commit, by another process's (a NOTIFY on PostgreSQL, the change
count on SQLite), or when the process's own connection to the database is lost."""

import json
import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import text

from vonhier.certification.models import Certificate, CertificateStatus
from vonhier.extensions import db
from vonhier.provenance import facts, pages

# Another process that suspends the certificate through the ORM, as a certifier's request would.
SUSPEND = textwrap.dedent(
    """
    import json, sys
    from vonhier import create_app
    from vonhier.certification.models import Certificate, CertificateStatus
    from vonhier.extensions import db

    config, certificate_id = json.loads(sys.argv[1]), int(sys.argv[2])
    app = create_app(config)
    with app.app_context():
        db.session.get(Certificate, certificate_id).status = CertificateStatus.SUSPENDED
        db.session.commit()
        db.engine.dispose()
    """
)


def _facts(app, certified, lot=None):
    with app.app_context():
        return pages.scan_facts("de", gtin=certified.gtin, lot=lot)


def _kept_rows(app) -> int:
    with app.app_context():
        return len(facts.kept(db.engine).rows)


def test_kept_after_a_read_and_forgotten_at_this_process_commit(app, certified):
    assert _facts(app, certified).status == CertificateStatus.ACTIVE
    assert _kept_rows(app) == 1
    with app.app_context():
        db.session.get(Certificate, certified.certificate_id).status = CertificateStatus.SUSPENDED
        db.session.commit()
    assert _kept_rows(app) == 0
    assert _facts(app, certified).status == CertificateStatus.SUSPENDED


def _suspend_in_another_process(base_config, certified) -> None:
    subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", SUSPEND, json.dumps(base_config), str(certified.certificate_id)],
        check=True,
        timeout=60,
    )


def test_a_change_committed_by_another_process_shows_on_the_next_scan(app, base_config, certified):
    _facts(app, certified)
    assert _kept_rows(app) == 1
    _suspend_in_another_process(base_config, certified)
    assert _facts(app, certified).status == CertificateStatus.SUSPENDED


def test_a_rolled_back_change_forgets_nothing(app, certified):
    _facts(app, certified)
    with app.app_context():
        generation = facts.kept(db.engine).generation
        db.session.get(Certificate, certified.certificate_id).status = CertificateStatus.SUSPENDED
        db.session.flush()  # the revision is raised and the products named in this transaction
        db.session.rollback()
        assert facts.kept(db.engine).generation == generation
    assert _kept_rows(app) == 1 and _facts(app, certified).status == CertificateStatus.ACTIVE


def test_lots_nobody_entered_are_not_kept(app, certified):
    assert _facts(app, certified, lot="MADE-UP-1").has_batch is False
    assert _kept_rows(app) == 0
    assert _facts(app, certified, lot=certified.lot).has_batch is True
    assert _kept_rows(app) == 1


def test_too_many_products_for_one_notice_forget_everything(app, certified):
    _facts(app, certified)
    with app.app_context():
        kept = facts.kept(db.engine)
        with db.engine.begin() as connection:
            facts.changed(connection, range(10_000, 12_000))  # not this product, but too many to name
        # This process forgot only those at its commit; the notice (PostgreSQL: when it arrives) says all.
        deadline = time.monotonic() + 5
        while kept.get(next(iter(kept.rows)))[0] is not None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert kept.rows == {}


@pytest.fixture
def postgresql(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a SQLite file has no server to close connections")


def test_a_lost_listening_connection_forgets_everything_and_listens_again(
    app, base_config, certified, postgresql, monkeypatch
):
    monkeypatch.setattr(facts, "RETRY_SECONDS", 0)
    _facts(app, certified)
    with app.app_context():
        kept = facts.kept(db.engine)
        listener = kept.connection.info.backend_pid
        db.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": listener})
        db.session.commit()
    _suspend_in_another_process(base_config, certified)  # its notice reaches nobody here
    # The next scan finds the connection gone, keeps nothing and reads the database; the one after
    # listens on a new connection.
    assert _facts(app, certified).status == CertificateStatus.SUSPENDED
    assert _facts(app, certified).status == CertificateStatus.SUSPENDED
    assert kept.connection is not None and kept.connection.info.backend_pid != listener
