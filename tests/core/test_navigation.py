"""The header's menu names the pages of the signed-in person's work: a certification body's certifiers
get certifier pages, producers theirs, retailers theirs, admins admin (templates/base.html)."""

import re

import pytest

from tests import factories


def menu_links(html: str) -> set[str]:
    """The paths the main menu and the account menu link to."""
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    return set(re.findall(r'<a href="(/[^"?#]*)', header))


PRODUCER_PAGES = {"/catalogue/", "/certification/", "/licence/"}


def test_the_certifiers_menu_has_certifier_pages_only(login_as, client):
    login_as("certifier")
    response = client.get("/certification/queue")
    assert response.status_code == 200
    links = menu_links(response.get_data(as_text=True))
    assert "/certification/queue" in links
    assert not links & (PRODUCER_PAGES | {"/outlets/manage", "/suppliers/"})
    html = response.get_data(as_text=True)
    for label in ("Katalog", "Lizenz", "Verkaufsstellen"):
        assert f">{label}</a>" not in html


def test_the_producers_menu_has_the_producers_pages(login_as, client):
    login_as("owner")
    links = menu_links(client.get("/").get_data(as_text=True))
    assert PRODUCER_PAGES | {"/outlets/manage"} <= links
    assert not links & {"/certification/queue", "/admin/", "/suppliers/"}


def test_the_retailers_menu_finds_suppliers_and_has_no_catalogue(login_as, client):
    login_as("retailer")
    links = menu_links(client.get("/").get_data(as_text=True))
    assert {"/suppliers/", "/outlets/manage"} <= links
    assert not links & (PRODUCER_PAGES | {"/certification/queue"})


def test_a_retailer_who_also_processes_gets_both(app, client):
    user = factories.user(app)
    factories.organisation(app, owner_id=user.id, kinds=("processor", "retailer"))
    client.post("/login", data={"email": user.email, "password": user.password})
    links = menu_links(client.get("/").get_data(as_text=True))
    assert PRODUCER_PAGES | {"/suppliers/", "/outlets/manage"} <= links


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        ("admin", {"/admin/"}, PRODUCER_PAGES | {"/organisations/new"}),
        ("user", {"/organisations/new"}, PRODUCER_PAGES | {"/admin/"}),
    ],
)
def test_people_without_an_organisation(login_as, client, role, present, absent):
    login_as(role)
    links = menu_links(client.get("/").get_data(as_text=True))
    assert present <= links and not links & absent


def test_anonymous_visitors_get_the_public_pages_and_sign_in(client):
    html = client.get("/").get_data(as_text=True)
    assert {"/outlets/", "/organisations/", "/certified", "/login", "/register"} <= menu_links(html)
    assert "account-menu" not in html
