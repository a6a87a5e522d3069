"""Issue 18's "Done when", walked in Chromium on the demo network, a shopper on a phone and the producer:

- the shopper opens Speisequark's provenance page, follows "Vorbestellen" for the Templin farm shop,
  chooses the next Saturday and two units, reviews the order (total, VAT) and pays online through the
  Stripe stand-in's Checkout (the session completed and the Connect webhook delivered, as Stripe would),
  and lands on the order page; the confirmation mail is in the outbox with the calendar entry for that
  Saturday;
- the producer (Hof Sonnenwiese, its Stripe account connected and onboarded through the platform's own
  steps on the stand-in) sees the order on the start page, opens the date's orders and pick list (PDF
  naming the buyer, CSV) and marks it collected;
- a second order, paid online too, is cancelled by the producer with a reason: the stand-in recorded the
  refund of its amount, and the buyer's cancellation mail is queued.

Every page is checked at 390 and 1280 px (nothing wider than the screen); with VONHIER_SCREENSHOTS set,
each step is saved at both widths for people to look at. No page answers 4xx/5xx, nothing is logged."""

import email
import email.policy
import json
from types import SimpleNamespace
from urllib.parse import urlsplit

import icalendar
import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import select

from tests.orders.test_received_pages import text_of
from tests.payments.conftest import CONNECT_SECRET, stripe_config
from tests.payments.stripe_fake import CHECKOUT_BASE, FakeStripe, event, sign_webhook
from vonhier.accounts.models import User
from vonhier.catalogue.models import Product
from vonhier.extensions import db
from vonhier.orders import shop
from vonhier.orders.models import Offer, Order, OrderStatus
from vonhier.outbox.models import OutboxMail
from vonhier.outlets.models import Outlet
from vonhier.payments import connect
from vonhier.provenance.services import ensure_code, public_path

from .conftest import WIDTHS, assert_fits, click_and_wait, screenshot, serving, sign_in

pytestmark = pytest.mark.browser

PRODUCER = ("erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
OUTLET = "Hof Sonnenwiese – Hofladen"
BUYER = {"name": "Ada Lovelace", "email": "ada.lovelace@example.org", "phone": "0170 1234567"}
REASON = "Die Kühlung ist ausgefallen, der Quark ist verdorben."


@pytest.fixture(scope="module")
def fake():
    with FakeStripe() as server:
        yield server


@pytest.fixture
def world(demo, make_app, fake):
    """The demo network served with the Stripe stand-in, the producer's account connected and onboarded:
    the address, the app, the Speisequark's provenance path, its Templin offer, the account, the Saturday."""
    fake.reset()
    app = make_app(WTF_CSRF_ENABLED=True, **stripe_config(fake))
    with serving(app) as base:
        app.config["BASE_URL"] = base  # the links Stripe and the mails send the buyer back to
        with app.test_request_context():
            owner = db.session.scalar(select(User).where(User.email == PRODUCER[0]))
            outlet = db.session.scalar(select(Outlet).where(Outlet.name == OUTLET))
            connect.start_onboarding(owner, outlet.organisation_id)
            db.session.commit()
            account = connect.account_for(outlet.organisation_id).stripe_account_id
            fake.complete_onboarding(account)
            connect.refresh(owner, outlet.organisation_id)
            quark = db.session.scalar(
                select(Product).where(
                    Product.organisation_id == outlet.organisation_id,
                    Product.name_de.startswith("Speisequark"),
                )
            )
            path = public_path(quark.gtin, ensure_code(quark), None)
            offer = db.session.scalar(
                select(Offer).where(Offer.outlet_id == outlet.id, Offer.product_id == quark.id)
            )
            saturday = next(day for day in shop.shop_for(outlet.id).dates if day.weekday() == 5)
            db.session.commit()
            yield SimpleNamespace(
                base=base, app=app, path=path, offer_id=offer.id, account=account, saturday=saturday
            )


class Journey:
    """One person's browser: every page it is sent to recorded, each step looked at in both widths."""

    def __init__(self, page, who: str):
        self.page, self.who = page, who
        self.documents = []
        page.on("response", self._record)

    def _record(self, response):
        if response.request.resource_type == "document" and response.url.startswith("http://127.0.0.1"):
            self.documents.append((response.status, urlsplit(response.url).path))

    def shot(self, step: str):
        """The page at 1280 px, then at 390 px, where the walk goes on (a phone is the harder case)."""
        for device in ("desktop", "phone"):
            self.page.set_viewport_size({"width": WIDTHS[device], "height": 900})
            assert_fits(self.page)
            screenshot(self.page, f"pre-order-{step}-{device}")

    def click(self, target):
        click_and_wait(self.page, target)


def order_and_pay(buyer: Journey, world, fake, quantity: str, step: str) -> Order:
    """From the provenance page to the paid order's page: the next Saturday, `quantity` units, online."""
    page = buyer.page
    page.goto(world.base + world.path)
    buyer.shot(f"{step}-provenance")
    buyer.click(
        page.locator("#pre-order li").filter(has_text=OUTLET).get_by_role("link", name="Vorbestellen")
    )
    expect(page.locator("h1")).to_contain_text("Vorbestellen bei")
    buyer.click(page.locator(f"a.chip[href*='day={world.saturday.isoformat()}']"))
    page.fill(f"#quantity-{world.offer_id}", quantity)
    for field, value in BUYER.items():
        page.fill(f"#{field}", value)
    page.check("input[name=payment][value=online]")
    buyer.shot(f"{step}-form")
    buyer.click(page.get_by_role("button", name="Weiter zur Übersicht"))
    main = page.locator("main")
    expect(main).to_contain_text("Übersicht Ihrer Bestellung")
    total = f"{int(quantity) * 2.49:.2f}".replace(".", ",") + "\xa0€"
    expect(main.locator(".order-lines tfoot")).to_contain_text(total)
    expect(main.locator("table.vat")).to_contain_text("7 %")
    buyer.shot(f"{step}-review")
    # The order button's 303 takes the browser to Stripe (the CSP's form-action lets it). Playwright
    # cannot answer a redirect's target for Stripe's stand-in host, so that request fails, and the
    # page it asked for is opened again, answered by `stripe_page`.
    with page.expect_request(lambda request: request.url.startswith(CHECKOUT_BASE)) as to_stripe:
        buyer.click(page.get_by_role("button", name="zahlungspflichtig bestellen"))
    page.goto(to_stripe.value.url)
    buyer.shot(f"{step}-stripe")
    session_id = page.url.removeprefix(CHECKOUT_BASE)
    # The buyer pays at Stripe: Stripe completes the session, tells the platform by the webhook and
    # sends the buyer back (the return page would settle it too if the webhook were late).
    paid = fake.complete(session_id)
    payload = json.dumps(event("checkout.session.completed", paid, account=world.account))
    response = requests.post(
        f"{world.base}/payments/stripe/connect/webhook",
        data=payload,
        headers={
            "Stripe-Signature": sign_webhook(payload, CONNECT_SECRET),
            "Content-Type": "application/json",
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    buyer.click(page.get_by_role("link", name="Jetzt bezahlen"))
    expect(page.locator(".flash-success")).to_contain_text("Ihre Zahlung ist eingegangen")
    buyer.shot(f"{step}-order")
    with world.app.app_context():
        order = db.session.scalar(select(Order).where(Order.checkout_session_id == session_id))
        assert order.status == OrderStatus.PLACED and order.pickup_date == world.saturday
        db.session.expunge(order)
        return order


def stripe_page(fake):
    """Stripe's hosted Checkout, as the stand-in's session says it: the amount and the way back."""

    def fulfil(route):
        session_id = route.request.url.removeprefix(CHECKOUT_BASE)
        session = fake.session(session_id)
        amount = f"{session['amount_total'] / 100:.2f}".replace(".", ",")
        back = fake.success_url_for(session_id)
        html = (
            "<!doctype html><html lang=de><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width'><title>Stripe Checkout (Test)</title>"
            f"<h1>Stripe Checkout (Test)</h1><p>Betrag: {amount} €</p>"
            f"<p><a href='{back}'>Jetzt bezahlen</a></p></html>"
        )
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    return fulfil


def queued(app, recipient: str, template: str) -> list:
    with app.app_context():
        messages = db.session.scalars(
            select(OutboxMail.message).where(
                OutboxMail.recipient == recipient, OutboxMail.template == template
            )
        ).all()
    return [email.message_from_string(m, policy=email.policy.default) for m in messages]


def test_a_shopper_pre_orders_and_pays_the_producer_hands_it_over_and_cancels_another(world, fake, page_at):
    base, app, saturday = world.base, world.app, world.saturday
    buyer = Journey(page_at(WIDTHS["phone"]), "buyer")
    buyer.page.context.route(CHECKOUT_BASE + "**", stripe_page(fake))
    first = order_and_pay(buyer, world, fake, "2", "first")

    [confirmation] = queued(app, BUYER["email"], "order_confirmed")
    [attachment] = [
        part for part in confirmation.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    [entry] = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert entry.decoded("DTSTART").date() == saturday

    producer = Journey(page_at(WIDTHS["phone"]), "producer")
    sign_in(producer.page, base, *PRODUCER)
    producer.page.goto(base + "/business")
    pickups = producer.page.locator(".start-pickups")
    expect(pickups).to_contain_text(OUTLET)
    producer.shot("start-page")
    producer.click(pickups.locator(f"a[href*='day={saturday.isoformat()}']").first)
    card = producer.page.locator(f"#order-{first.id}")
    expect(card).to_contain_text(BUYER["name"])
    producer.shot("received-day")
    for name, kind in (("Packliste (PDF)", "application/pdf"), ("Packliste (CSV)", "text/csv")):
        href = producer.page.locator("main .actions").get_by_role("link", name=name).get_attribute("href")
        response = producer.page.request.get(base + href)
        assert response.status == 200 and response.headers["content-type"].startswith(kind)
        if kind == "application/pdf":
            assert BUYER["name"] in text_of(response.body())
    producer.click(card.get_by_role("button", name="Abgeholt"))
    expect(producer.page.locator(f"#order-{first.id}")).to_contain_text("abgeholt")
    producer.shot("collected")

    second = order_and_pay(buyer, world, fake, "1", "second")
    producer.page.goto(f"{base}/orders/received/{second.id}")
    producer.page.fill("#reason", REASON)
    producer.shot("cancel")
    producer.click(producer.page.get_by_role("button", name="Bestellung stornieren"))
    expect(producer.page.locator("main")).to_contain_text(REASON)
    producer.shot("cancelled")
    refunds = [r for r in fake.refunds.values() if r["payment_intent"] == second.payment_intent_id]
    assert [r["amount"] for r in refunds] == [249]
    [cancelled] = queued(app, BUYER["email"], "order_cancelled")
    assert REASON in cancelled.get_body(preferencelist=("plain",)).get_content()

    for journey in (buyer, producer):
        assert [d for d in journey.documents if d[0] >= 400] == []
        assert journey.page.console_errors == []
