"""The mail outbox: written in the transaction of the change, sent after commit by the worker, retried
with backoff while the SMTP server fails, each mail once — against real SMTP servers (aiosmtpd) and
sockets that hang up or stall."""

import socket
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from tests import factories
from tests.conftest import Inbox, _free_port
from vonhier.accounts import services as accounts
from vonhier.clock import utcnow
from vonhier.extensions import db
from vonhier.outbox import mail, worker
from vonhier.outbox.models import MailStatus, OutboxMail


class FlakyInbox(Inbox):
    """An SMTP server that refuses the first mails it is given (4xx, then 5xx, in turn), then accepts."""

    def __init__(self, refusals: int):
        super().__init__()
        self.refusals = refusals
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.refused < self.refusals:
            self.refused += 1
            return "451 Try again later" if self.refused % 2 else "554 Transaction failed"
        return await super().handle_DATA(server, session, envelope)


class Socket:
    """A TCP server that accepts connections and then hangs up at once, or says nothing until released."""

    def __init__(self, stall: bool):
        self.stall = stall
        self.accepted = 0
        self.released, self.closed = threading.Event(), threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.1)  # a blocking accept() would not notice close()
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.closed.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            if self.stall:
                self.released.wait()
            connection.close()

    def close(self):
        self.released.set()
        self.closed.set()
        self.thread.join()
        self.server.close()


@pytest.fixture
def flaky_server():
    inbox = FlakyInbox(refusals=3)
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def hang_up():
    server = Socket(stall=False)
    yield server
    server.close()


@pytest.fixture
def stalled():
    server = Socket(stall=True)
    yield server
    server.close()


def rows(app):
    with app.app_context():
        return db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()


def request_resets(app, users):
    client = app.test_client()
    for user in users:
        assert client.post("/password/forgot", data={"email": user.email}).status_code == 302


def deliver(app, now) -> int:
    with app.app_context():
        return worker.deliver_due(now)


def test_a_failing_then_recovering_server_gets_every_mail_exactly_once(app, make_app, flaky_server, hang_up):
    """Do mails survive a server that hangs up, then refuses (4xx and 5xx), then accepts?"""
    users = [factories.user(app) for _ in range(3)]
    request_resets(app, users)
    start = utcnow()

    assert deliver(make_app(MAIL_PORT=hang_up.port), start) == 0  # every attempt fails
    assert hang_up.accepted == 3
    assert {(m.status, m.attempts) for m in rows(app)} == {(MailStatus.QUEUED, 1)}
    assert all(m.next_attempt_at == start + timedelta(seconds=30) for m in rows(app))
    assert "SMTPServerDisconnected" in rows(app)[0].last_error

    flaky = make_app(MAIL_PORT=flaky_server.port)
    assert deliver(flaky, start + timedelta(seconds=29)) == 0  # not yet due: nothing is tried
    assert flaky_server.handler.refused == 0
    second = start + timedelta(seconds=30)
    assert deliver(flaky, second) == 0  # refused: 451, 554, 451
    assert flaky_server.handler.refused == 3
    assert {m.next_attempt_at for m in rows(app)} == {second + timedelta(seconds=60)}  # doubled
    assert {m.last_error.split()[1] for m in rows(app)} == {"(451,", "(554,"}

    assert deliver(flaky, second + timedelta(seconds=60)) == 3
    assert deliver(flaky, second + timedelta(days=1)) == 0  # nothing is sent twice
    received = flaky_server.handler.messages
    assert sorted(m["To"] for m in received) == sorted(u.email for u in users)
    assert len({m["Message-ID"] for m in received}) == 3
    assert all("/password/reset/" in m.get_content() for m in received)
    assert {(m.status, m.attempts) for m in rows(app)} == {(MailStatus.SENT, 3)}


def test_a_mail_that_keeps_failing_is_given_up_after_the_last_attempt(app, make_app, hang_up):
    request_resets(app, [factories.user(app)])
    broken = make_app(MAIL_PORT=hang_up.port)
    now = utcnow()
    for _ in range(worker.MAX_ATTEMPTS):
        deliver(broken, now)
        now += worker.LONGEST_RETRY
    [row] = rows(app)
    assert (row.status, row.attempts) == (MailStatus.FAILED, worker.MAX_ATTEMPTS)
    deliver(broken, now + timedelta(days=30))
    assert hang_up.accepted == worker.MAX_ATTEMPTS


def test_the_backoff_doubles_up_to_an_hour():
    assert [worker.retry_delay(n).total_seconds() for n in range(1, 10)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]


def test_a_rolled_back_change_sends_nothing(app, mailbox):
    with app.app_context():
        assert accounts.register("neu@example.org", "Roggenbrot-Uckermark-7", "Neu", "de") is not None
        assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 1  # flushed, not committed
        db.session.rollback()
    assert rows(app) == []
    assert mailbox.messages == []


def test_suppressed_mail_writes_nothing(make_app):
    quiet = make_app(MAIL_SUPPRESS=True)
    with quiet.test_request_context():
        assert accounts.register("neu@example.org", "Roggenbrot-Uckermark-7", "Neu", "de") is not None
        db.session.commit()
    assert rows(quiet) == []


def test_a_request_never_waits_for_smtp(app, make_app, stalled):
    """Does a request that mails complete while the SMTP server accepts and then says nothing?"""
    users = [factories.user(app) for _ in range(2)]
    stuck = make_app(MAIL_PORT=stalled.port, MAIL_TIMEOUT=600)  # only the release ends the wait
    request_resets(stuck, users[:1])
    assert stalled.accepted == 0  # the request did not even connect

    sending = threading.Thread(target=deliver, args=(stuck, utcnow()))
    sending.start()
    try:
        while stalled.accepted == 0 and sending.is_alive():
            sending.join(0.05)
        assert stalled.accepted == 1
        request_resets(stuck, users[1:])  # completes while the worker waits for the server
        assert sending.is_alive()
    finally:
        stalled.released.set()
        sending.join()
    first, second = rows(app)
    assert (first.status, first.attempts) == (MailStatus.QUEUED, 1) and first.last_error
    assert (second.status, second.attempts) == (MailStatus.QUEUED, 0)


def test_a_killed_worker_leaves_its_mails_to_the_next_once_the_lease_ends(app, mailbox):
    request_resets(app, [factories.user(app)])
    now = utcnow()
    with app.app_context():
        assert len(worker.claim(now)) == 1  # and then the worker dies
    assert deliver(app, now + worker.LEASE - timedelta(seconds=1)) == 0
    assert deliver(app, now + worker.LEASE) == 1
    assert len(mailbox.inbox.messages) == 1
    assert [(m.status, m.attempts) for m in rows(app)] == [(MailStatus.SENT, 2)]


def test_two_workers_in_parallel_send_each_mail_once(app, mailbox):
    """PostgreSQL: SKIP LOCKED lets the second worker pass the first; SQLite: the compare-and-set."""
    someone = SimpleNamespace(name="K")
    with app.test_request_context():
        for n in range(60):
            mail.send(f"k{n}@example.org", "Test", "password_changed", user=someone, link="x")
        db.session.commit()
    now = utcnow()
    start = threading.Barrier(2)
    counts = []

    def run():
        start.wait()
        counts.append(deliver(app, now))

    workers = [threading.Thread(target=run) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert sum(counts) == 60
    received = mailbox.inbox.messages
    assert sorted(m["To"] for m in received) == sorted(f"k{n}@example.org" for n in range(60))
    assert {(m.status, m.attempts) for m in rows(app)} == {(MailStatus.SENT, 1)}


def test_work_once_sends_what_is_due(app):
    request_resets(app, [factories.user(app)])
    result = app.test_cli_runner().invoke(args=["work", "--once"])
    assert result.exit_code == 0 and "1 mails sent, 0 scans moved, 0 pages rendered again." in result.output
    assert [m.status for m in rows(app)] == [MailStatus.SENT]
