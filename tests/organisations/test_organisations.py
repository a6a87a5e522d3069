"""Creating and editing organisations, permissions between organisations, staff and ownership."""

import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests import factories
from vonhier.extensions import db
from vonhier.organisations.models import Invitation, Membership, Organisation

FORM = {
    "display_name": "Hof Sonnenwiese",
    "legal_name": "Hof Sonnenwiese GbR",
    "kinds": ["producer", "outlet_operator"],
    "street": "Dorfstraße 12",
    "postcode": "17291",
    "town": "Prenzlau",
    "state": "BB",
    "country": "DE",
    "latitude": "53.3167",
    "longitude": "13.8667",
    "phone": "+49 3984 123456",
    "email": "info@sonnenwiese.example",
    "website": "https://sonnenwiese.example",
    "description_de": "Gemüse und Eier aus der Uckermark.",
    "description_en": "",
    "founding_year": "1992",
    "size_class": "micro",
    "control_body_code": "",
}


def org_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Organisation))


def png_bytes(size=(40, 30), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 60)).save(buffer, fmt)
    return buffer.getvalue()


def test_user_creates_organisation_and_becomes_owner(app, client, login_as):
    user = login_as("user")
    response = client.post(
        "/organisations/new",
        data={**FORM, "logo": (io.BytesIO(png_bytes()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        org = db.session.scalar(select(Organisation))
        assert org.kinds == ["producer", "outlet_operator"]
        assert org.memberships[0].user_id == user.id and org.memberships[0].role == "owner"
        assert org.logo.endswith(".webp")
        logo = org.logo
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hof Sonnenwiese" in page and "Prenzlau" in page
    with client.get(f"/media/{logo}") as image:
        assert image.status_code == 200 and image.mimetype == "image/webp"


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"postcode": "1234"}, "keine gültige Postleitzahl"),
        ({"postcode": "ABCDE"}, "keine gültige Postleitzahl"),
        ({"country": "PL", "state": "", "postcode": "69100"}, "keine gültige Postleitzahl"),
        ({"latitude": "95", "longitude": "13"}, "-90"),
        ({"latitude": "52", "longitude": "200"}, "-180"),
        ({"latitude": "52", "longitude": ""}, "beide"),
        ({"latitude": "abc", "longitude": "13"}, "keine Zahl"),
        ({"latitude": "NaN", "longitude": "13"}, "keine Zahl"),
        ({"latitude": "1e400", "longitude": "13"}, "zu groß"),
        ({"latitude": "1", "longitude": "1"}, "auf See"),
        ({"display_name": "Hof\r\nBcc: x@example.org"}, "eine Zeile"),
        ({"description_de": "Zeile 1\r\nZeile 2\x00"}, "Steuerzeichen"),
        ({"display_name": "x" * 121}, "120 Zeichen"),
        ({"description_de": "x" * 4001}, "4000 Zeichen"),
        ({"kinds": []}, "mindestens eine"),
        ({"kinds": ["spaceship"]}, "nur aus den angezeigten"),
        ({"size_class": "huge"}, "Keine gültige Auswahl"),
        ({"email": "kein-mail"}, "gültige E-Mail-Adresse"),
        ({"website": "javascript:alert(1)"}, "https://"),
        ({"founding_year": "3000"}, "1000"),
        ({"control_body_code": "OEKO 6"}, "DE-ÖKO-006"),
        ({"state": ""}, "Bundesland"),
    ],
)
def test_organisation_bad_input(app, client, login_as, changes, field_message):
    login_as("user")
    response = client.post("/organisations/new", data={**FORM, **changes})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_message in html, html[html.find('class="error"') - 300 : html.find('class="error"') + 300]
    assert org_count(app) == 0


@pytest.mark.parametrize(
    "payload",
    [b"MZ\x90\x00 this is a windows executable", b"%PDF-1.4 not an image", png_bytes()[:60]],
)
def test_logo_must_be_a_readable_image(app, client, login_as, payload):
    login_as("user")
    response = client.post(
        "/organisations/new",
        data={**FORM, "logo": (io.BytesIO(payload), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "kein lesbares Bild" in response.get_data(as_text=True)
    assert org_count(app) == 0


def test_logo_decompression_bomb_is_refused(app, client, login_as):
    login_as("user")
    bomb = png_bytes(size=(10_000, 5_000))  # 50 megapixels, compresses to a few kB
    response = client.post(
        "/organisations/new",
        data={**FORM, "logo": (io.BytesIO(bomb), "bomb.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert org_count(app) == 0


def test_oversized_upload_gets_413(make_app, app):
    small = make_app(MAX_CONTENT_LENGTH=50_000)
    user = factories.user(app)
    client = small.test_client()
    client.post("/login", data={"email": user.email, "password": user.password})
    response = client.post(
        "/organisations/new",
        data={**FORM, "logo": (io.BytesIO(b"0" * 60_000), "big.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert org_count(app) == 0


def test_media_names_are_checked(client):
    assert client.get("/media/..%2Fsecret_key").status_code == 404
    assert client.get("/media/notthere.webp").status_code == 404


def test_member_of_a_cannot_see_or_change_b(app, client, login_as):
    """Can a producer open or edit another organisation's management pages? (403)"""
    login_as("owner")
    other = factories.organisation(app, owner_id=factories.user(app).id, display_name="Fremder Hof")
    assert client.get(f"/organisations/{other.id}/edit").status_code == 403
    assert client.post(f"/organisations/{other.id}/edit", data=FORM).status_code == 403
    assert client.get(f"/organisations/{other.id}/members").status_code == 403
    assert (
        client.post(f"/organisations/{other.id}/members", data={"email": "x@example.org"}).status_code == 403
    )
    with app.app_context():
        assert db.session.get(Organisation, other.id).display_name == "Fremder Hof"
    # The public profile stays public.
    assert client.get(f"/organisations/{other.id}").status_code == 200


def test_service_layer_refuses_foreign_edits(app):
    """Is the rule enforced below the views too?"""
    from werkzeug.exceptions import Forbidden

    from vonhier.accounts.models import User
    from vonhier.organisations import services

    outsider = factories.user(app)
    org = factories.organisation(app, owner_id=factories.user(app).id)
    with app.app_context(), pytest.raises(Forbidden):
        services.update(
            db.session.get(User, outsider.id), db.session.get(Organisation, org.id), {}, ["producer"]
        )


def test_unknown_organisation_is_404(client, login_as):
    login_as("owner")
    assert client.get("/organisations/999999").status_code == 404
    assert client.get("/organisations/999999/edit").status_code == 404


def test_owner_edits_profile(app, client, login_as):
    user = login_as("owner")
    response = client.post(
        f"/organisations/{user.organisation.id}/edit", data={**FORM, "display_name": "Neu"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, user.organisation.id).display_name == "Neu"


def test_staff_may_edit_profile_but_not_manage_members(app, client, login_as):
    user = login_as("staff")
    org_id = user.organisation.id
    assert client.post(f"/organisations/{org_id}/edit", data=FORM).status_code == 302
    assert client.post(f"/organisations/{org_id}/members", data={"email": "x@example.org"}).status_code == 403
    with app.app_context():
        owner = db.session.scalar(select(Membership).where(Membership.role == "owner"))
    assert client.post(f"/organisations/{org_id}/members/{owner.id}/remove").status_code == 403


def invitation_link(mailbox, email):
    return re.search(r"http://localhost(/organisations/join/\S+)", mailbox.last(email).get_content()).group(1)


def test_invite_staff_and_accept(app, client, login_as, mailbox):
    owner = login_as("owner")
    org_id = owner.organisation.id
    assert (
        client.post(f"/organisations/{org_id}/members", data={"email": "Neu@Example.org"}).status_code == 302
    )
    link = invitation_link(mailbox, "neu@example.org")

    invitee = factories.user(app, email="neu@example.org", locale="en")
    other = app.test_client()
    other.post("/login", data={"email": invitee.email, "password": invitee.password})
    assert "Join" in other.get(link).get_data(as_text=True)
    assert other.post(link).status_code == 302
    with app.app_context():
        member = db.session.scalar(select(Membership).where(Membership.user_id == invitee.id))
        assert member.organisation_id == org_id and member.role == "staff"
    assert other.get(f"/organisations/{org_id}/edit").status_code == 200
    assert other.get(link).status_code == 400  # used up


def test_invitation_for_another_address_is_refused(app, client, login_as, mailbox):
    owner = login_as("owner")
    client.post(f"/organisations/{owner.organisation.id}/members", data={"email": "neu@example.org"})
    link = invitation_link(mailbox, "neu@example.org")
    stranger = factories.user(app, email="fremd@example.org")
    other = app.test_client()
    other.post("/login", data={"email": stranger.email, "password": stranger.password})
    response = other.post(link)
    assert response.status_code == 400
    assert "neu@example.org" in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(Membership).where(Membership.user_id == stranger.id)
            )
            == 0
        )


def test_revoked_invitation_cannot_be_used(app, client, login_as, mailbox):
    owner = login_as("owner")
    client.post(f"/organisations/{owner.organisation.id}/members", data={"email": "neu@example.org"})
    link = invitation_link(mailbox, "neu@example.org")
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))
    client.post(f"/organisations/{owner.organisation.id}/invitations/{invitation_id}/revoke")
    invitee = factories.user(app, email="neu@example.org")
    other = app.test_client()
    other.post("/login", data={"email": invitee.email, "password": invitee.password})
    assert other.get(link).status_code == 400


def test_inviting_an_existing_member_is_refused(app, client, login_as, mailbox):
    owner = login_as("owner")
    response = client.post(f"/organisations/{owner.organisation.id}/members", data={"email": owner.email})
    assert response.status_code == 400
    assert mailbox.messages == []


def test_remove_staff_and_transfer_ownership(app, client, login_as):
    owner = login_as("owner")
    org_id = owner.organisation.id
    staff = factories.user(app)
    other_staff = factories.user(app)
    with app.app_context():
        db.session.add_all(
            [
                Membership(user_id=staff.id, organisation_id=org_id),
                Membership(user_id=other_staff.id, organisation_id=org_id),
            ]
        )
        db.session.commit()
        ids = {m.user_id: m.id for m in db.session.scalars(select(Membership))}
    assert client.post(f"/organisations/{org_id}/members/{ids[other_staff.id]}/remove").status_code == 302
    assert client.post(f"/organisations/{org_id}/members/{ids[staff.id]}/make-owner").status_code == 302
    with app.app_context():
        roles = {m.user_id: m.role for m in db.session.scalars(select(Membership))}
    assert roles == {owner.id: "staff", staff.id: "owner"}
    # The former owner is staff now and can no longer manage members.
    assert client.post(f"/organisations/{org_id}/members/{ids[staff.id]}/remove").status_code == 403


def test_owner_cannot_be_removed(app, client, login_as):
    owner = login_as("owner")
    with app.app_context():
        own = db.session.scalar(select(Membership.id).where(Membership.user_id == owner.id))
    response = client.post(f"/organisations/{owner.organisation.id}/members/{own}/remove")
    assert response.status_code == 409
    assert "Inhaber" in response.get_data(as_text=True)


def test_switching_between_organisations(app, client, login_as):
    owner = login_as("owner")
    second = factories.organisation(app, owner_id=owner.id, display_name="Zweiter Betrieb")
    response = client.post("/organisations/switch", data={"organisation": second.id, "next": "/account"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    html = client.get("/account").get_data(as_text=True)
    assert f'value="{second.id}" selected' in html
    foreign = factories.organisation(app, owner_id=factories.user(app).id)
    assert client.post("/organisations/switch", data={"organisation": foreign.id}).status_code == 403
    assert client.post("/organisations/switch", data={"organisation": "abc"}).status_code == 400


def test_directory_search_and_bad_parameters(app, client):
    factories.organisation(app, display_name="Mühle Gülpe", town="Havelaue")
    factories.organisation(app, display_name="Käserei Ost", kinds=("processor",))
    html = client.get("/organisations/?q=mühle").get_data(as_text=True)
    assert "Mühle Gülpe" in html and "Käserei Ost" not in html
    html = client.get("/organisations/?kind=processor").get_data(as_text=True)
    assert "Käserei Ost" in html and "Mühle Gülpe" not in html
    for query in ("?page=-1", "?page=abc", "?page=0", "?page=99999999999999999999", "?page=10001"):
        response = client.get("/organisations/" + query)
        assert response.status_code == 400 and "Diese Seite gibt es nicht." in response.get_data(as_text=True)
    for query in (
        "?kind=nonsense",
        "?q=" + "x" * 10_000,
        "?q=%27%3B+DROP+TABLE+users",
    ):
        assert client.get("/organisations/" + query).status_code == 200


def test_removed_member_cannot_rejoin_with_an_old_invitation(app, client, login_as, mailbox):
    owner = login_as("owner")
    org_id = owner.organisation.id
    client.post(f"/organisations/{org_id}/members", data={"email": "tom@example.org"})
    client.post(f"/organisations/{org_id}/members", data={"email": "tom@example.org"})  # sent again
    links = [
        re.search(r"http://localhost(/organisations/join/\S+)", m.get_content()).group(1)
        for m in mailbox.to("tom@example.org")
    ]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
    tom = factories.user(app, email="tom@example.org")
    tom_client = app.test_client()
    tom_client.post("/login", data={"email": tom.email, "password": tom.password})
    assert tom_client.post(links[0]).status_code == 302
    with app.app_context():
        membership_id = db.session.scalar(select(Membership.id).where(Membership.user_id == tom.id))
    client.post(f"/organisations/{org_id}/members/{membership_id}/remove")
    assert tom_client.post(links[1]).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Membership.id).where(Membership.user_id == tom.id)) is None


@pytest.mark.parametrize("query", ["Ölmühle", "ölmühle", "ÖLMÜHLE", "mühle"])
def test_directory_search_folds_umlauts_on_every_database(app, client, query):
    factories.organisation(app, display_name="Prignitzer Ölmühle")
    assert "Prignitzer Ölmühle" in client.get(f"/organisations/?q={query}").get_data(as_text=True)


def test_directory_search_treats_wildcards_literally(app, client):
    factories.organisation(app, display_name="Hof Sonnenwiese")
    assert "Hof Sonnenwiese" not in client.get("/organisations/?q=%25").get_data(as_text=True)
    assert "Hof Sonnenwiese" not in client.get("/organisations/?q=_").get_data(as_text=True)


def test_only_admins_register_certification_bodies(app, client, login_as):
    """Could anyone declare themselves a certification body and so make certifiers possible?"""
    login_as("user")
    assert 'value="certification_body"' not in client.get("/organisations/new").get_data(as_text=True)
    response = client.post("/organisations/new", data={**FORM, "kinds": ["certification_body"]})
    assert response.status_code == 400
    assert org_count(app) == 0


def test_service_refuses_certification_body_kind_for_non_admins(app):
    from vonhier.accounts.models import User
    from vonhier.organisations import services

    plain = factories.user(app)
    admin = factories.user(app, roles=("admin",))
    data = {k: v for k, v in FORM.items() if k in services.PROFILE_FIELDS}
    with app.app_context():
        with pytest.raises(services.MembershipError):
            services.create(db.session.get(User, plain.id), data, ["certification_body"])
        created = services.create(db.session.get(User, admin.id), data, ["certification_body"])
        assert created.has_kind("certification_body")
        db.session.rollback()
