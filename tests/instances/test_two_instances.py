"""Two gunicorn instances on different ports, as two machines, sharing PostgreSQL and Redis: scans sent
to both add up in the producer's statistics, the login rate limit counts across both, and what is
changed through one (a certificate suspended, a product edited, through the real forms) shows on
the next scan through the other."""

import csv
import io
import threading

import requests

from tests.live import server

from .conftest import SCAN_HEADERS, Browser, figures, scan_load, stored_scans

# Sign-ins count too: two succeed below before the failures start.
LOGIN_LIMIT = 5


def scan(origin, certified) -> str:
    response = requests.get(origin + certified.path, headers=SCAN_HEADERS, timeout=30)
    assert response.status_code == 200
    return response.text


def test_two_instances_are_one_platform(app, shared, certified, mover):
    config = {**shared, "RATELIMIT_LOGIN": f"{LOGIN_LIMIT} per hour"}
    with server(config) as a, server(config) as b:
        # Scans to both, at once, add up exactly in the producer's statistics.
        targets = ([a.url + certified.path, a.url + certified.lot_path], [b.url + certified.path])
        results = [None, None]

        def load(n):
            results[n] = scan_load(targets[n], 100, threads=4)

        loads = [threading.Thread(target=load, args=(n,)) for n in range(2)]
        for thread in loads:
            thread.start()
        for thread in loads:
            thread.join()
        assert results[0] == {200: 400} and results[1] == {200: 400}
        mover()
        assert stored_scans(app) == 800
        owner = Browser()
        owner.sign_in(a.url, certified.scene.owner)  # signed in on A, the session holds on B
        export = owner.session.get(f"{b.url}/catalogue/scans.csv", timeout=30)
        assert export.status_code == 200
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
        assert sum(int(row[-1]) for row in rows[1:]) == 800
        figures("two instances", scans_to_a=400, scans_to_b=400, in_statistics_via_b=800)

        # A certificate suspended through A (the certifier's form) shows on B's next scan.
        assert "status-suspended" not in scan(b.url, certified)
        assert "status-suspended" not in scan(b.url, certified)  # now B's stored page
        certifier = Browser()
        certifier.sign_in(a.url, certified.scene.certifier)
        page = f"{a.url}/certificates/{certified.number}"
        decide = f"/certification/certificates/{certified.certificate_id}/decide"  # the one decision panel
        response = certifier.submit(
            page,
            decide,
            a.url,
            action="suspend",
            reason="Auslauf nicht zugänglich",
            remedy_until="2027-01-31",
        )
        assert response.status_code == 302, response.text[-800:]
        assert "status-suspended" in scan(b.url, certified)

        # A product edited through A (the owner's form) shows its new data on B's next scan.
        assert "Landeier vom Sonnenhof" not in scan(b.url, certified)
        edit = f"/catalogue/products/{certified.product_id}/edit"
        response = owner.submit(a.url + edit, edit, a.url, name_de="Landeier vom Sonnenhof")
        assert response.status_code == 302, response.text[-800:]
        assert "Landeier vom Sonnenhof" in scan(b.url, certified)

        # The login limit counts across both: failures spread over A and B reach it together.
        intruder, statuses = Browser(), []
        for attempt in range(LOGIN_LIMIT - 1):
            origin = (a, b)[attempt % 2].url
            response = intruder.submit(
                f"{origin}/login", "/login", origin, email=certified.scene.owner.email, password="falsch"
            )
            statuses.append(response.status_code)
        figures("login failures alternating A, B", limit=LOGIN_LIMIT, statuses=statuses)
        # Refused (400: wrong password) three times, after the two sign-ins above; then no more (429).
        assert statuses == [400, 400, 400, 429]
