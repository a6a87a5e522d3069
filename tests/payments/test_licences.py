"""Licences paid by invoice (the default without Stripe keys): terms, gapless invoices, admin, gate."""

import io
import threading

import pypdfium2
import pytest
from sqlalchemy import func, select

from tests import factories
from vonhier.extensions import db
from vonhier.payments import services
from vonhier.payments.models import Invoice, Licence, Payment

from .conftest import signed_in, today


def licence_state(app, organisation_id):
    with app.app_context():
        return services.state(services.licence_for(organisation_id))


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(io.BytesIO(data))
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def test_terms_invoice_pdf_admin_marks_paid_then_apply(app, client, owner, mailbox):
    """The issue's walk-through without Stripe keys."""
    client.post("/login", data={"email": owner.email, "password": owner.password})
    page = client.get("/licence/").get_data(as_text=True)
    assert "keine Lizenz" in page and "120,00" in page
    assert client.post("/licence/accept", data={}).status_code == 400  # the box must be ticked
    assert client.post("/licence/accept", data={"accept": "y"}).status_code == 302
    with app.app_context():
        licence = services.licence_for(owner.organisation.id)
        assert licence.status == "pending_payment" and licence.terms_version == "2026-1"
        assert licence.terms_accepted_by_id == owner.id
    response = client.post("/licence/invoice")
    assert response.status_code == 302
    invoice_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "142,80" in invoice_page  # 120 EUR + 19 % VAT
    with app.app_context():
        invoice = db.session.scalar(select(Invoice))
        number, reference, invoice_id = invoice.number, invoice.payment_reference, invoice.id
    with client.get(f"/licence/invoices/{invoice_id}.pdf") as pdf:
        assert pdf.mimetype == "application/pdf"
        text = pdf_text(pdf.data)
    for expected in (
        number,
        reference,
        "Mark & Metropole",
        "USt-IdNr",
        "Nettobetrag",
        "120,00 EUR",
        "Umsatzsteuer 19 %",
        "22,80 EUR",
        "142,80 EUR",
        "Hof Nummer",
    ):
        assert expected in text, expected

    admin = signed_in(app, factories.user(app, roles=("admin",)))
    assert (
        admin.post(
            f"/admin/invoices/{invoice_id}/paid",
            data={"paid_on": today().isoformat(), "amount": "100.00"},
        ).status_code
        == 409
    )
    assert licence_state(app, owner.organisation.id) == "pending_payment"
    assert (
        admin.post(
            f"/admin/invoices/{invoice_id}/paid",
            data={"paid_on": today().isoformat(), "amount": "142.80"},
        ).status_code
        == 302
    )
    assert licence_state(app, owner.organisation.id) == "active"
    assert (
        admin.post(
            f"/admin/invoices/{invoice_id}/paid",
            data={"paid_on": today().isoformat(), "amount": "142.80"},
        ).status_code
        == 409
    )  # deciding twice
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
    assert "aktiv" in client.get("/licence/").get_data(as_text=True)


def test_only_owners_accept_and_pay(app, login_as):
    staff = login_as("staff")
    client = signed_in(app, staff)
    assert client.post("/licence/accept", data={"accept": "y"}).status_code == 403
    assert licence_state(app, staff.organisation.id) == "none"


def test_zero_fee_tier_granted_by_admin_activates_at_once(app, client, owner):
    client.post("/login", data={"email": owner.email, "password": owner.password})
    client.post("/licence/accept", data={"accept": "y"})
    with app.app_context():
        licence_id = services.licence_for(owner.organisation.id).id
        free = db.session.scalar(select(services.LicenceTier).where(services.LicenceTier.code == "free"))
        free_id = free.id
    admin = signed_in(app, factories.user(app, roles=("admin",)))
    assert admin.post(f"/admin/licences/{licence_id}/tier", data={"tier": "999"}).status_code == 400
    assert admin.post(f"/admin/licences/{licence_id}/tier", data={"tier": str(free_id)}).status_code == 302
    assert licence_state(app, owner.organisation.id) == "active"
    assert client.post(f"/admin/licences/{licence_id}/tier", data={"tier": str(free_id)}).status_code == 403


def test_expired_after_the_year(app, owner):
    factories.licence(app, owner.organisation.id)
    with app.app_context():
        licence = services.licence_for(owner.organisation.id)
        assert services.state(licence) == "active"
        from datetime import date

        assert services.state(licence, date(licence.year + 1, 1, 1)) == "expired"


def test_invoice_numbers_have_no_gaps_under_concurrent_requests(app):
    """Eight owners ask for their invoice at the same moment: numbers 1…8, none twice, none missing."""
    owners = [factories.user_with_role(app, "owner") for _ in range(8)]
    from vonhier.accounts.models import User

    with app.app_context():
        licence_ids = []
        for owner in owners:
            licence_ids.append(
                services.accept_terms(db.session.get(User, owner.id), owner.organisation.id).id
            )
        db.session.commit()
    start = threading.Barrier(len(owners))
    errors = []

    def request_invoice(owner, licence_id):
        try:
            with app.app_context():
                start.wait()
                services.create_invoice(db.session.get(User, owner.id), db.session.get(Licence, licence_id))
                db.session.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [
        threading.Thread(target=request_invoice, args=pair) for pair in zip(owners, licence_ids, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        numbers = sorted(db.session.scalars(select(Invoice.number)))
    year = numbers[0].split("-")[2]
    assert numbers == [f"VH-R-{year}-{n:05d}" for n in range(1, 9)]


def test_invoice_number_is_given_back_when_the_invoice_fails(app, owner, monkeypatch):
    from vonhier.accounts.models import User

    with app.app_context():
        licence = services.accept_terms(db.session.get(User, owner.id), owner.organisation.id)
        db.session.commit()
        monkeypatch.setattr(services, "_reference", lambda licence: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            services.create_invoice(db.session.get(User, owner.id), licence)
        db.session.rollback()
        monkeypatch.undo()
        invoice = services.create_invoice(db.session.get(User, owner.id), db.session.get(Licence, licence.id))
        db.session.commit()
        assert invoice.number.endswith("-00001")


def test_cancelled_licence_drops_out_of_the_register(app, owner):
    factories.licence(app, owner.organisation.id)
    with app.app_context():
        licence_id = services.licence_for(owner.organisation.id).id
    admin = signed_in(app, factories.user(app, roles=("admin",)))
    assert admin.post(f"/admin/licences/{licence_id}/cancel").status_code == 302
    assert licence_state(app, owner.organisation.id) == "cancelled"
    assert admin.post(f"/admin/licences/{licence_id}/cancel").status_code == 409
    assert signed_in(app, owner).post(f"/admin/licences/{licence_id}/cancel").status_code == 403


def test_cancelled_then_reaccepted_licence_gets_a_new_invoice(app, owner):
    """After a cancellation the owner can accept again and pay; the old invoice is void."""
    from vonhier.accounts.models import User
    from vonhier.permissions import SYSTEM

    with app.app_context():
        user = db.session.get(User, owner.id)
        first = services.create_invoice(user, services.accept_terms(user, owner.organisation.id))
        services.cancel(SYSTEM, first.licence)
        db.session.commit()
        second = services.create_invoice(user, services.accept_terms(user, owner.organisation.id))
        db.session.commit()
        assert first.status == "cancelled" and second.status == "open"
        assert first.payment_reference != second.payment_reference
        assert second.payment_reference.startswith(second.number)


def test_zero_fee_again_after_cancel_and_reaccept(app, owner):
    from vonhier.accounts.models import User
    from vonhier.permissions import SYSTEM

    with app.app_context():
        free = db.session.scalar(select(services.LicenceTier).where(services.LicenceTier.code == "free"))
        user = db.session.get(User, owner.id)
        licence = services.accept_terms(user, owner.organisation.id)
        invoice = services.create_invoice(user, licence)
        services.grant_tier(SYSTEM, licence, free)
        assert licence.status == "active" and invoice.status == "cancelled"
        services.cancel(SYSTEM, licence)
        licence = services.accept_terms(user, owner.organisation.id)
        services.grant_tier(SYSTEM, licence, free)
        assert licence.status == "active"
        db.session.rollback()


@pytest.mark.parametrize(
    ("paid_on", "amount", "status"),
    [
        ("2099-01-01", "142.80", 409),
        ("2000-01-01", "142.80", 409),
        ("", "142.80", 400),
        ("today", "142,80", 302),
        ("today", "abc", 400),
        ("today", "NaN", 400),
        ("today", "-1", 400),
    ],
)
def test_marking_paid_checks_date_and_amount(app, owner, paid_on, amount, status):

    from vonhier.accounts.models import User

    with app.app_context():
        user = db.session.get(User, owner.id)
        invoice_id = services.create_invoice(user, services.accept_terms(user, owner.organisation.id)).id
        db.session.commit()
    admin = signed_in(app, factories.user(app, roles=("admin",)))
    day = today().isoformat() if paid_on == "today" else paid_on
    response = admin.post(f"/admin/invoices/{invoice_id}/paid", data={"paid_on": day, "amount": amount})
    assert response.status_code == status


def test_invoice_pdf_prints_any_name(app, owner):
    from vonhier.accounts.models import User
    from vonhier.organisations.models import Organisation

    with app.app_context():
        organisation = db.session.get(Organisation, owner.organisation.id)
        organisation.legal_name = "Hofladen „Zur Linde“ – Łukasz & Söhne GmbH"
        user = db.session.get(User, owner.id)
        invoice_id = services.create_invoice(user, services.accept_terms(user, owner.organisation.id)).id
        db.session.commit()
    with signed_in(app, owner).get(f"/licence/invoices/{invoice_id}.pdf") as response:
        assert response.status_code == 200
        assert "Hofladen „Zur Linde“ – Łukasz & Söhne GmbH" in pdf_text(response.data)
