"""Inquiry threads: between a retailer and a supplier, emailed to the other side, visible only to the two."""

import pytest
from sqlalchemy import func, select

from tests import factories
from vonhier.extensions import db
from vonhier.suppliers.models import InquiryMessage, InquiryThread

from .conftest import signed_in


def counts(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(InquiryThread)),
            db.session.scalar(select(func.count()).select_from(InquiryMessage)),
        )


def send(
    network, subject="Käse für unseren Laden", body="Liefern Sie wöchentlich 10 kg Bergkäse nach Mitte?"
):
    return network.client.post(
        f"/suppliers/{network.dairy.id}/inquiry", data={"subject": subject, "body": body}
    )


def thread_id(app):
    with app.app_context():
        return db.session.scalar(select(InquiryThread.id))


def test_an_inquiry_starts_a_thread_and_mails_the_supplier(app, network, mailbox):
    response = send(network)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inquiries/")
    assert counts(app) == (1, 1)
    mail = mailbox.last(network.dairy.owner.email)
    assert mail["Subject"] == "Anfrage von Laden Mitte: Käse für unseren Laden"
    content = mail.get_content()
    assert "10 kg Bergkäse" in content and f"http://localhost/inquiries/{thread_id(app)}" in content
    assert not mailbox.to(network.retailer.email)  # the author is not mailed their own message
    page = network.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Zwischen Laden Mitte und Milchhof Nord" in page and "10 kg Bergkäse" in page


def test_replies_go_to_the_other_side_and_mark_the_thread_unread(app, network, mailbox):
    send(network)
    number = thread_id(app)
    producer = signed_in(app, network.dairy.owner)
    assert "neu" in producer.get("/inquiries/").get_data(as_text=True)  # unread for the supplier
    mailbox.clear()
    response = producer.post(f"/inquiries/{number}", data={"body": "Gern, ab Donnerstag."})
    assert response.status_code == 302
    assert counts(app) == (1, 2)
    # Both members of the retailer hear of it, in their own language; the author does not.
    assert "Gern, ab Donnerstag." in mailbox.last(network.retailer.email).get_content()
    assert mailbox.to(network.colleague.email)
    assert not mailbox.to(network.dairy.owner.email)
    listing = network.client.get("/inquiries/").get_data(as_text=True)
    assert 'badge warn">neu' in listing
    network.client.get(f"/inquiries/{number}")  # reading it clears the marker
    assert 'badge warn">neu' not in network.client.get("/inquiries/").get_data(as_text=True)
    thread = network.client.get(f"/inquiries/{number}").get_data(as_text=True)
    assert thread.index("10 kg Bergkäse") < thread.index("Gern, ab Donnerstag.")


def test_only_members_of_the_two_organisations_see_a_thread(app, network, login_as):
    send(network)
    number = thread_id(app)
    assert signed_in(app, network.colleague).get(f"/inquiries/{number}").status_code == 200
    assert app.test_client().get(f"/inquiries/{number}").status_code == 302  # anonymous: sign in first
    # A member of a third organisation (another retailer): no such thread for them, nor a reply.
    third = signed_in(app, network.other)
    assert third.get(f"/inquiries/{number}").status_code == 404
    assert third.post(f"/inquiries/{number}", data={"body": "Hallo?"}).status_code == 404
    assert "Käse für unseren Laden" not in third.get("/inquiries/").get_data(as_text=True)
    # A signed-in stranger without any organisation, and an admin who belongs to neither side.
    stranger = signed_in(app, factories.user(app))
    assert stranger.get(f"/inquiries/{number}").status_code in (403, 404)
    admin = signed_in(app, factories.user(app, roles=("admin",)))
    assert admin.get(f"/inquiries/{number}").status_code in (403, 404)
    producer_elsewhere = signed_in(app, factories.user_with_role(app, "owner"))
    assert producer_elsewhere.get(f"/inquiries/{number}").status_code == 404
    assert counts(app) == (1, 1)


@pytest.mark.parametrize(
    ("subject", "body"),
    [("", "Text"), ("Betreff", ""), ("Betreff", "   "), ("x" * 201, "Text"), ("Betreff", "x" * 5001)],
)
def test_empty_or_too_long_inquiries_are_form_errors(app, network, mailbox, subject, body):
    response = send(network, subject, body)
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    assert counts(app) == (0, 0)
    assert not mailbox.messages


def test_empty_or_too_long_replies_are_form_errors(app, network):
    send(network)
    number = thread_id(app)
    for body in ("", "  ", "x" * 5001):
        response = network.client.post(f"/inquiries/{number}", data={"body": body})
        assert response.status_code == 400
    assert counts(app) == (1, 1)


def test_inquiries_only_to_licensed_suppliers_and_never_to_oneself(app, network):
    response = network.client.post(
        f"/suppliers/{network.unlicensed.id}/inquiry", data={"subject": "Hallo", "body": "Text"}
    )
    assert response.status_code == 404
    assert (
        network.client.post("/suppliers/999999/inquiry", data={"subject": "a", "body": "b"}).status_code
        == 404
    )
    assert counts(app) == (0, 0)
    producer = signed_in(app, network.dairy.owner)  # a producer is no retailer
    assert (
        producer.post(f"/suppliers/{network.veg.id}/inquiry", data={"subject": "a", "body": "b"}).status_code
        == 403
    )


def test_threads_and_messages_are_never_deleted_or_changed(app, network):
    send(network)
    with app.app_context():
        thread = db.session.scalar(select(InquiryThread))
        db.session.delete(thread.messages[0])
        with pytest.raises(PermissionError):
            db.session.flush()
        db.session.rollback()
        thread = db.session.scalar(select(InquiryThread))
        thread.messages[0].body = "geändert"
        with pytest.raises(PermissionError):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(InquiryThread)))
        with pytest.raises(PermissionError):
            db.session.flush()
        db.session.rollback()
    assert counts(app) == (1, 1)
