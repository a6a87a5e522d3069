"""The licence's mails through the outbox (received by the aiosmtpd server), and the rule that paying
needs a confirmed e-mail address."""

from sqlalchemy import select

from tests import factories
from vonhier.extensions import db
from vonhier.payments import services
from vonhier.payments.models import Invoice, Licence

from .conftest import signed_in, today
from .test_licences import pdf_text


def _staff(app, organisation_id, locale="de"):
    from vonhier.organisations.models import Membership
    from vonhier.permissions import MemberRole

    person = factories.user(app, locale=locale)
    with app.app_context():
        db.session.add(Membership(user_id=person.id, organisation_id=organisation_id, role=MemberRole.STAFF))
        db.session.commit()
    return person


def test_invoice_mail_carries_the_pdf_to_the_owner_in_their_language(app, mailbox):
    owner = factories.user_with_role(app, "owner", locale="en")
    staff = _staff(app, owner.organisation.id)
    client = signed_in(app, owner)
    assert client.post("/licence/accept", data={"accept": "y"}).status_code == 302
    assert client.post("/licence/invoice").status_code == 302
    with app.app_context():
        number = db.session.scalar(select(Invoice.number))
    message = mailbox.last(owner.email)
    assert message["Subject"] == f"VON HIER invoice {number} for the licence 2026"
    assert message["Content-Language"] == "en"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "€142.80 including VAT" in body and "The invoice is attached as a PDF." in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"{number}.pdf"
    text = pdf_text(attachment.get_content())
    assert number in text and "142,80 EUR" in text
    assert not mailbox.to(staff.email)  # the owners pay; staff hear of the active licence
    # Asking for the invoice again shows the same one and mails nothing more.
    mailbox.clear()
    assert client.post("/licence/invoice").status_code == 302
    assert not mailbox.messages


def test_licence_active_mail_to_every_member_after_the_admin_marks_the_invoice_paid(app, mailbox):
    owner = factories.user_with_role(app, "owner")
    staff = _staff(app, owner.organisation.id, locale="en")
    client = signed_in(app, owner)
    client.post("/licence/accept", data={"accept": "y"})
    client.post("/licence/invoice")
    mailbox.clear()
    with app.app_context():
        invoice_id = db.session.scalar(select(Invoice.id))
    admin = signed_in(app, factories.user(app, roles=("admin",)))
    paid = admin.post(
        f"/admin/invoices/{invoice_id}/paid", data={"paid_on": today().isoformat(), "amount": "142,80"}
    )
    assert paid.status_code == 302
    german = mailbox.last(owner.email)
    assert german["Subject"] == "Ihre VON HIER Lizenz 2026 ist aktiv"
    assert "Sie können die Zertifizierung beantragen" in german.get_content()
    english = mailbox.last(staff.email)
    assert english["Subject"] == "Your VON HIER licence 2026 is active"
    assert len(mailbox.messages) == 2  # once each, though fulfil and mark_paid both try to activate


def test_zero_fee_licence_is_active_at_once_and_says_so(app, mailbox):
    owner = factories.user_with_role(app, "owner")
    with app.app_context():
        tier = db.session.scalar(
            select(services.LicenceTier).where(services.LicenceTier.size_class == "micro")
        )
        tier.fee_cents = 0
        db.session.commit()
    assert signed_in(app, owner).post("/licence/accept", data={"accept": "y"}).status_code == 302
    assert mailbox.last(owner.email)["Subject"] == "Ihre VON HIER Lizenz 2026 ist aktiv"


def test_paying_needs_a_confirmed_email_address(app, mailbox):
    owner = factories.user_with_role(app, "owner", confirmed=False)
    client = signed_in(app, owner)
    page = client.get("/licence/").get_data(as_text=True)
    assert "Ihre E-Mail-Adresse ist noch nicht bestätigt" in page
    assert 'action="/confirm/resend"' in page
    refused = client.post("/licence/accept", data={"accept": "y"})
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse, bevor Sie die Bedingungen akzeptieren" in text
    assert 'action="/confirm/resend"' in text and "Lizenz 2026" in text  # the licence page, not a bare 409
    with app.app_context():
        assert db.session.scalar(select(Licence)) is None
        # A licence accepted before (e.g. by a co-owner) cannot be paid by invoice either.
        services.accept_terms(services.SYSTEM, owner.organisation.id)
        db.session.commit()
    refused = client.post("/licence/invoice")
    assert refused.status_code == 409 and 'action="/confirm/resend"' in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Invoice)) is None
    # Looking is not blocked; only the steps that commit to paying are.
    assert client.get("/licence/").status_code == 200
    # Confirmed, the same step goes through.
    with app.app_context():
        from vonhier.accounts.models import User
        from vonhier.clock import utcnow

        db.session.get(User, owner.id).email_confirmed_at = utcnow()
        db.session.commit()
    assert client.post("/licence/invoice").status_code == 302
