"""Issue 16's first "Done when", walked as a new user would in a real browser: a new producer goes from
registration to a submitted application and a printed label sheet of a certified product, without
typing a URL and without a 4xx/5xx page; the certifier cannot approve a criterion whose evidence is not
checked until the document is marked checked.

Only the home page is opened by its address (and the confirmation link, from the mail as it arrived at
the test SMTP server); everything else is reached by clicking links and buttons. Every page the browser
is sent to is recorded: none may answer 4xx/5xx, except the one intended refusal (the approval with an
unchecked document: 409 on the application's page, its reason shown and the typed reason kept)."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from vonhier.clock import local_now
from vonhier.demo.commands import DEMO_PDF

from .conftest import WIDTHS, assert_fits, click_and_wait, open_menu, screenshot

pytestmark = pytest.mark.browser

NAME, EMAIL, PASSWORD = "Marta Kowalski", "marta.kowalski@example.org", "Roggenbrot-Uckermark-7"
ADMIN = ("admin@vonhier.example", "Sanddorn-Kiefer-7")
CERTIFIER = ("pruefer@vonhier.example", "Pruefsiegel-Heide-4")
REASON = "Futtermittel beim Imker gesehen"


class Journey:
    """A page whose every navigation is recorded, with the few moves the journey repeats."""

    def __init__(self, page, base: str, device: str):
        self.page, self.base, self.device = page, base, device
        self.documents = []  # (status, method, path) of every page the browser was sent to
        page.on("response", self._record)

    def _record(self, response):
        if response.request.resource_type == "document":
            self.documents.append((response.status, response.request.method, urlsplit(response.url).path))

    def failures(self, allowed=()):
        return [d for d in self.documents if d[0] >= 400 and d not in allowed]

    def shot(self, name: str):
        assert_fits(self.page)
        screenshot(self.page, f"journey-{name}-{self.device}")

    def menu(self, name: str):
        """Follow a link of the header's menu (behind its button on a phone)."""
        open_menu(self.page)
        click_and_wait(self.page, self.page.locator("header").get_by_role("link", name=name, exact=True))

    def click(self, target):
        click_and_wait(self.page, target)

    def sign_in(self, email: str, password: str):
        self.menu("Anmelden")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.click("main button[type=submit]")

    def sign_out(self):
        self.page.locator(".account-menu > summary").click()
        self.click(".account-menu button[type=submit]")


def register_and_reach_the_start_page(journey: Journey, mailbox) -> None:
    """Registration, confirmation, the business, a site and a product: the start page lists next steps."""
    page = journey.page
    page.goto(journey.base + "/")
    journey.menu("Registrieren")
    page.fill("#name", NAME)
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    journey.shot("register")
    journey.click("main button[type=submit]")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    journey.click("main button[type=submit]")

    # The link from the mail, as the producer's mail program would open it.
    mail = mailbox.last(EMAIL)
    assert mail["Subject"] == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    path = urlsplit(re.search(r"https?://\S+/confirm/\S+", mail.get_content()).group(0)).path
    page.goto(journey.base + path)
    expect(page.locator("main")).to_contain_text("bestätigt")
    journey.shot("confirmed")

    journey.click(page.locator("main").get_by_role("link", name="Betrieb registrieren"))
    page.fill("#display_name", "Imkerei Kowalski")
    page.fill("#legal_name", "Imkerei Kowalski GbR")
    page.check("input[name=kinds][value=producer]")
    page.fill("#street", "Dorfstraße 3")
    page.fill("#postcode", "17291")
    page.fill("#town", "Prenzlau")
    page.fill("#district", "Uckermark")
    journey.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Imkerei Kowalski")

    journey.menu("Katalog")
    journey.click(page.locator("main").get_by_role("link", name="Betriebsstätte hinzufügen"))
    page.fill("#name", "Bienenstand Uckersee")
    page.select_option("#kind", label="Imkerei/Bienenstand")
    page.fill("#street", "Dorfstraße 3")
    page.fill("#postcode", "17291")
    page.fill("#town", "Prenzlau")
    journey.click("main form button[type=submit]:has-text('Speichern')")
    expect(page.locator("main")).to_contain_text("Bienenstand Uckersee")

    journey.menu("Katalog")
    journey.click(page.locator("main").get_by_role("link", name="Produkt hinzufügen"))
    page.fill("#name_de", "Lindenhonig")
    page.select_option("#category", label="Honig")
    page.fill("#package_size", "500")
    page.select_option("#package_unit", label="g")
    page.check("#gmo_free")
    page.select_option("#species", label="Bienen")
    page.fill("#ingredients-0-ingredient", "Honig")
    page.fill("#ingredients-0-share", "100")
    page.check("#ingredients-0-is_main")
    origin = page.locator("#ingredients-0-origin")
    origin.press_sequentially("Bienen", delay=40)
    own = page.locator("#ingredients-0-origin-suggestions [role=option]").filter(
        has_text="Unsere Betriebsstätte"
    )
    expect(own.first).to_contain_text("Bienenstand Uckersee")
    journey.shot("origin-suggestions")
    own.first.click()
    expect(origin).to_have_value("Bienenstand Uckersee")
    page.select_option("#stages-0-kind", label="Verpackung")
    page.select_option("#stages-0-site", label="Bienenstand Uckersee, Prenzlau")
    page.select_option("#stages-1-kind", label="Verkaufsstelle")
    page.select_option("#stages-1-site", label="Bienenstand Uckersee, Prenzlau")
    journey.click("main form button[type=submit]:not(.small):not(.visually-hidden)")
    expect(page.locator("h1")).to_contain_text("Lindenhonig")
    expect(page.locator("main")).to_contain_text("Bienenstand Uckersee (Imkerei Kowalski, Prenzlau)")
    journey.shot("product")

    journey.menu("Mein Betrieb")
    expect(page.locator("h1")).to_contain_text("Mein Betrieb")
    steps = page.locator("section[aria-labelledby=steps-title]")
    expect(steps).to_contain_text("noch keine Lizenz")
    expect(steps.get_by_role("link", name="Lizenz")).to_be_visible()
    expect(page.locator(".workspace-products")).to_contain_text("Lindenhonig")
    expect(page.locator(".workspace-products")).to_contain_text("nicht zertifiziert")
    journey.shot("start-page")


def test_a_new_producer_registers_on_a_phone_and_lands_on_the_start_page(demo, live_server, page_at, mailbox):
    """The first part of the journey at 390 px: every header link through the menu button."""
    journey = Journey(page_at(WIDTHS["phone"]), live_server, "phone")
    register_and_reach_the_start_page(journey, mailbox)
    assert journey.failures() == [], journey.documents
    assert journey.page.console_errors == []


def test_a_new_producer_gets_a_certified_product_and_prints_its_label_sheet(
    demo, live_server, page_at, mailbox, tmp_path
):
    journey = Journey(page_at(WIDTHS["desktop"]), live_server, "desktop")
    page = journey.page
    register_and_reach_the_start_page(journey, mailbox)

    # The licence: the terms accepted, the invoice chosen for a bank transfer.
    journey.click(page.locator("section[aria-labelledby=steps-title]").get_by_role("link", name="Lizenz"))
    year = local_now().year
    page.check(f"#accept-{year}")
    journey.click(f"text=Bedingungen für {year} akzeptieren")
    journey.click("text=Überweisung")
    invoice = re.search(r"VH-R-\d{4}-\d+", page.locator("h1").inner_text()).group(0)
    journey.shot("invoice")
    journey.sign_out()

    # The office sees the transfer arrive and marks the invoice paid.
    journey.sign_in(*ADMIN)
    journey.menu("Admin")
    journey.click(page.locator("main").get_by_role("link", name="Lizenzen und Zahlungen"))
    paid = page.locator("main form").filter(has_text=invoice)
    journey.click(paid.get_by_role("button", name="Als bezahlt markieren"))
    journey.shot("admin-paid")
    journey.sign_out()

    # The producer applies for the label with the product and the document its criteria ask for.
    journey.sign_in(EMAIL, PASSWORD)
    expect(page.locator("h1")).to_contain_text("Mein Betrieb")
    expect(page.locator("main")).not_to_contain_text("noch keine Lizenz")
    journey.click(page.locator("main").get_by_role("link", name="Siegel beantragen").first)
    expect(page.locator("main")).to_contain_text("Futtermittelnachweis")
    page.check("main input[name=products]")
    journey.click("main button:has-text('Antrag anlegen')")
    page.select_option("#kind", label="Futtermittelnachweis (ohne Gentechnik)")
    document = tmp_path / "Futtermittelnachweis.pdf"
    document.write_bytes(DEMO_PDF)
    page.set_input_files("#file", str(document))
    journey.click("main button:has-text('Dokument hinzufügen')")
    expect(page.locator("main")).to_contain_text("Futtermittelnachweis.pdf")
    journey.click("main button:has-text('Antrag einreichen')")
    expect(page.locator("main")).to_contain_text("eingereicht")
    journey.shot("submitted")
    journey.sign_out()

    # The certifier: the queue on the start page, the application taken, the evidence gate.
    journey.sign_in(*CERTIFIER)
    expect(page.locator("h1")).to_contain_text("Prüfung")
    journey.click(page.locator("main a").filter(has_text="Imkerei Kowalski").first)
    journey.click("main button:has-text('Diesen Antrag übernehmen')")
    expect(page.locator("main")).to_contain_text("noch nicht geprüft")
    page.check("input[name=decision][value=approve]")
    page.fill("#reason", REASON)
    journey.click("#decision button[type=submit]")
    refused = journey.documents[-1]
    assert refused[0] == 409 and refused[2].endswith("/decide"), refused  # the intended refusal
    expect(page.locator("#decision-error")).to_contain_text("nicht geprüft")
    expect(page.locator("#decision-error")).to_contain_text("VH-G1")
    expect(page.locator("#reason")).to_have_value(REASON)
    assert page.locator("input[name=decision][value=approve]").is_checked()
    journey.shot("gate-refused")

    journey.click("#evidence button:has-text('Als geprüft markieren')")
    expect(page.locator("#evidence")).to_contain_text("Geprüft")
    page.check("input[name=decision][value=approve]")
    page.fill("#reason", REASON)
    journey.click("#decision button[type=submit]")
    expect(page.locator("h1")).to_contain_text("genehmigen")
    expect(page.locator("main")).to_contain_text("Lindenhonig")
    expect(page.locator("main")).to_contain_text("geprüft von")
    journey.shot("approval-summary")
    journey.click("text=Bestätigen: genehmigen und Zertifikat ausstellen")
    expect(page.locator(".flash")).to_contain_text("wurde ausgestellt")
    expect(page.locator("h1")).to_contain_text(re.compile(r"Zertifikat VH-\d{4}-\d+"))
    journey.shot("certificate")
    journey.sign_out()

    # The producer's start page: certified, with its QR code; the label sheet prints as a PDF.
    journey.sign_in(EMAIL, PASSWORD)
    row = page.locator(".workspace-products tr").filter(has_text="Lindenhonig")
    expect(row).to_contain_text("gültig bis")
    qr = row.locator("img[src$='/qr.svg']")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    journey.shot("start-page-certified")
    journey.click(row.get_by_role("link", name="Etiketten drucken"))
    expect(page.locator("h1")).to_contain_text("Etiketten drucken")
    journey.shot("labels")
    with page.expect_response(lambda r: "format=pdf" in r.url) as answer, page.expect_download() as download:
        page.locator("main").get_by_role("button", name="PDF herunterladen").click()
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "application/pdf"
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    refusal = [d for d in journey.documents if d[0] == 409 and d[2].endswith("/decide")][:1]
    assert journey.failures(allowed=refusal) == [], journey.documents
    # The refusal's page answers 409, which Chromium logs; nothing else may be logged (CSP).
    assert [e for e in page.console_errors if "status of 409" not in e] == []
