"""The admins' payments page: fees and amounts in euros (decimal comma in German, point in English, both
read strictly), refusals at the field with what was typed, and every action in the admin log."""

import pytest
from sqlalchemy import select

from tests import factories
from vonhier import hygiene
from vonhier.admin.models import AdminAction
from vonhier.extensions import db
from vonhier.payments import services
from vonhier.payments.models import Licence, LicenceTier

from .conftest import signed_in, today


def _tier(app, code="micro") -> tuple[int, int]:
    with app.app_context():
        tier = db.session.scalar(select(LicenceTier).where(LicenceTier.code == code))
        return tier.id, tier.fee_cents


def _edit(admin, tier_id, fee, name_de="Klein", name_en="Small"):
    return admin.post(f"/admin/tiers/{tier_id}", data={"name_de": name_de, "name_en": name_en, "fee": fee})


def _mark_paid(admin, invoice_id, amount):
    return _mark_paid(admin, invoice_id, amount)


def _log(app) -> list[tuple]:
    with app.app_context():
        return [
            (a.action, a.target_type, a.target_id, a.detail)
            for a in db.session.scalars(select(AdminAction).order_by(AdminAction.id))
        ]


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("120", 12000),
        ("120,5", 12050),
        ("120,00", 12000),
        ("120.00", 12000),
        ("1.200,00", 120000),
        ("1,200.00", 120000),
        (" 99,90 € ", 9990),
        ("0", 0),
        ("9999999,99", 999999999),
    ],
)
def test_amounts_in_german_and_english(typed, cents):
    assert hygiene.euro_cents(typed) == cents


@pytest.mark.parametrize(
    "typed",
    ["-1", "-0,01", "NaN", "nan", "Infinity", "1e5", "0x10", "1.200", "12,345", "120,001", "1.2.3", "1.20,00",
     "1,200,00", "99999999", "1" * 400, "١٢٠", "１２０", "", "€", "12 000", "+5"],
)  # fmt: skip
def test_hostile_and_ambiguous_amounts_are_refused_with_a_sentence(typed):
    with pytest.raises(ValueError) as refused:
        hygiene.euro_cents(typed)
    assert str(refused.value)


def test_fee_tiers_are_edited_in_euros_with_a_decimal_comma_and_logged(app):
    admin_user = factories.user(app, roles=("admin",))
    admin = signed_in(app, admin_user)
    tier_id, fee = _tier(app)
    page = admin.get("/admin/payments").get_data(as_text=True)
    assert f'name="fee" value="{fee // 100},00"' in page and "Beitrag in Euro" in page
    saved = admin.post(
        f"/admin/tiers/{tier_id}", data={"name_de": "Klein", "name_en": "Small", "fee": "90,50"}
    )
    assert saved.status_code == 302
    assert _tier(app)[1] == 9050
    (entry,) = _log(app)
    assert entry[:3] == ("edit_tier", "tier", tier_id)
    assert entry[3]["changed"]["fee_cents"] == [fee, 9050]
    log = admin.get("/admin/log").get_data(as_text=True)
    assert "Beitragsstufe bearbeitet" in log and "90,50" in log
    # Saving unchanged writes no entry.
    assert admin.post(
        f"/admin/tiers/{tier_id}", data={"name_de": "Klein", "name_en": "Small", "fee": "90,50"}
    )
    assert len(_log(app)) == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", "Der Betrag darf nicht negativ sein."),
        ("NaN", "„NaN“ ist kein Betrag in Euro"),
        ("1e400", "„1e400“ ist kein Betrag in Euro"),
        ("99999999", "Dieser Betrag ist zu groß."),
        ("12000,001", "ist kein Betrag in Euro"),
    ],
)
def test_bad_fees_are_refused_at_the_field_keeping_what_was_typed(app, typed, message):
    admin = signed_in(app, factories.user(app, roles=("admin",)))
    tier_id, fee = _tier(app)
    refused = admin.post(
        f"/admin/tiers/{tier_id}", data={"name_de": "Klein", "name_en": "Small", "fee": typed}
    )
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert message in page
    assert f'id="tier-fee-{tier_id}" name="fee" value="{typed}"' in page and "aria-invalid" in page
    assert _tier(app)[1] == fee and not _log(app)


def test_the_english_interface_shows_and_reads_a_decimal_point(app):
    admin = signed_in(app, factories.user(app, roles=("admin",), locale="en"))
    tier_id, fee = _tier(app)
    page = admin.get("/admin/payments").get_data(as_text=True)
    assert f'name="fee" value="{fee // 100}.00"' in page and "Fee in euros" in page
    assert (
        admin.post(
            f"/admin/tiers/{tier_id}", data={"name_de": "K", "name_en": "S", "fee": "75.25"}
        ).status_code
        == 302
    )
    assert _tier(app)[1] == 7525


def test_payment_actions_are_in_the_admin_log(app, owner):
    from vonhier.accounts.models import User

    with app.app_context():
        user = db.session.get(User, owner.id)
        licence = services.accept_terms(user, owner.organisation.id)
        invoice = services.create_invoice(user, licence)
        db.session.commit()
        licence_id, invoice_id, gross = licence.id, invoice.id, invoice.gross_cents
        small_id = db.session.scalar(select(LicenceTier.id).where(LicenceTier.code == "small"))
    admin = signed_in(app, factories.user(app, roles=("admin",)))
    # A wrong amount is refused at the invoice's amount field, nothing logged.
    wrong = admin.post(
        f"/admin/invoices/{invoice_id}/paid", data={"paid_on": today().isoformat(), "amount": "100"}
    )
    assert wrong.status_code == 409
    assert "Der Betrag stimmt nicht mit der Rechnung überein" in wrong.get_data(as_text=True)
    assert f'id="amount-{invoice_id}" name="amount" value="100"' in wrong.get_data(as_text=True)
    assert not _log(app)
    assert admin.post(f"/admin/licences/{licence_id}/tier", data={"tier": str(small_id)}).status_code == 302
    with app.app_context():
        invoice = services.create_invoice(services.SYSTEM, db.session.get(Licence, licence_id))
        db.session.commit()
        invoice_id, gross = invoice.id, invoice.gross_cents
    amount = f"{gross // 100},{gross % 100:02d}"
    paid = admin.post(
        f"/admin/invoices/{invoice_id}/paid", data={"paid_on": today().isoformat(), "amount": amount}
    )
    assert paid.status_code == 302
    assert admin.post(f"/admin/licences/{licence_id}/cancel").status_code == 302
    entries = _log(app)
    assert [e[:3] for e in entries] == [
        ("grant_tier", "licence", licence_id),
        ("mark_paid", "invoice", invoice_id),
        ("cancel_licence", "licence", licence_id),
    ]
    assert entries[0][3] == {"before": "micro", "after": "small"}
    assert entries[1][3]["amount_cents"] == gross
    log = admin.get("/admin/log").get_data(as_text=True)
    for text in ("Beitragsstufe der Lizenz geändert", "Rechnung als bezahlt markiert", "Lizenz gekündigt"):
        assert text in log
    assert f'href="/licence/invoices/{invoice_id}"' in log
