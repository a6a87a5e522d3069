"""Issue 17's first "Done when", walked as a new user would in a real browser, German and English, on a
phone and a desktop:

- a shopper opens the home page, searches "Ziegenkäse" near Eberswalde, widens to 30 km, filters
  "ohne Gentechnik", opens the product's page (no QR code: by clicking), reads every ingredient with its
  share and origin and the allergens, and follows "where to buy" to an outlet;
- a retailer in Berlin searches "Milch & Käse" within 80 km and sees each supplier once, with its
  matching products (linked to their pages) and whether it delivers to the shop.

Only the home page and the sign-in page's header link are where the walks start; everything else is
reached by clicking. No page the browser is sent to may answer 4xx/5xx, nothing may be logged (CSP)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import WIDTHS, assert_fits, click_and_wait, open_menu, screenshot

pytestmark = pytest.mark.browser

PRODUCT_PAGES = ("/p/", "/01/")  # a product's public page: its short code, or its GTIN (GS1 Digital Link)
RETAILER = ("handel@vonhier.example", "Wochenmarkt-Spree-3")
LOCALES = {"de": "de-DE", "en": "en-GB"}
# What a reader of each language sees and clicks: the page's own words, not ids.
WORDS = {
    "de": {
        "find": "Produkte finden",
        "radius": "Umkreis",
        "more": "Weitere Filter",
        "gmo": "ohne Gentechnik erzeugt sind",
        "search": "Suchen",
        "within": "1 Produkt im Umkreis von 30 km um Eberswalde",
        "chip": "Ohne Gentechnik",
        "cheese": "Ziegenkäse gereift mit Bockshornklee",
        "ingredients": "Zutaten und ihre Herkunft",
        "milk": "Ziegenmilch (Milch)",
        "regional": "regional",
        "not regional": "nicht regional",
        "contains": "Enthält: Milch (einschließlich Laktose)",
        "buy": "Wo es das gibt",
        "hours": "Öffnungszeiten",
        "sign in": "Anmelden",
        "suppliers": "Lieferanten finden",
        "category": "Kategorie",
        "dairy": "Milch & Käse",
        "km": "Umkreis (km)",
        "delivers": "Liefert bis zu Ihnen",
        "not delivered": "Liefert nicht bis zu Ihnen — Abholung möglich",
        "yoghurt": "Naturjoghurt 3,8 %",
        "suppliers within": "Lieferanten im Umkreis von 80 km um Bioladen Kornblume, Berlin",
        "husbandry": "Haltungsform 4",
    },
    "en": {
        "find": "Find products",
        "radius": "Within",
        "more": "More filters",
        "gmo": "without genetic engineering",
        "search": "Search",
        "within": "1 product within 30 km of Eberswalde",
        "chip": "GMO-free",
        "cheese": "Ripened goat cheese with fenugreek",
        "ingredients": "Ingredients and their origin",
        "milk": "Ziegenmilch (Milk)",
        "regional": "regional",
        "not regional": "not regional",
        "contains": "Contains: Milk (including lactose)",
        "buy": "Where to buy",
        "hours": "Opening hours",
        "sign in": "Sign in",
        "suppliers": "Find suppliers",
        "category": "Category",
        "dairy": "Dairy & cheese",
        "km": "Within (km)",
        "delivers": "Delivers to you",
        "not delivered": "Does not deliver to you — pick-up possible",
        "yoghurt": "Natural yoghurt 3.8 %",
        "suppliers within": "Suppliers within 80 km of Bioladen Kornblume, Berlin",
        "husbandry": "Husbandry level 4",
    },
}
# The Ziegenkäse's ingredients as its page lists them, largest share first: (name, share, origin, badge).
INGREDIENTS = {
    "de": [
        ("Ziegenmilch (Milch)", "96,3 %", "Eberswalde · Ziegenkäserei Sommerfelde", "regional"),
        ("Speisesalz", "2 %", "Bad Dürrenberg", "Wasser/Salz, nicht angerechnet"),
        ("Bockshornkleesamen", "1,5 %", "Indien", "nicht regional"),
        ("Lab", "0,1 %", "Dänemark", "nicht regional"),
        ("Milchsäurekulturen", "0,1 %", "Dänemark", "nicht regional"),
    ],
    "en": [
        ("Ziegenmilch (Milk)", "96.3 %", "Eberswalde · Ziegenkäserei Sommerfelde", "regional"),
        ("Speisesalz", "2 %", "Bad Dürrenberg", "water/salt, not counted"),
        ("Bockshornkleesamen", "1.5 %", "Indien", "not regional"),
        ("Lab", "0.1 %", "Dänemark", "not regional"),
        ("Milchsäurekulturen", "0.1 %", "Dänemark", "not regional"),
    ],
}


class Walk:
    """A page whose every navigation is recorded; screenshots named by walk, step, device and language."""

    def __init__(self, page, name: str, device: str, language: str):
        self.page, self.name, self.device, self.language = page, name, device, language
        self.documents = []  # (status, path) of every page the browser was sent to
        page.on("response", self._record)

    def _record(self, response):
        if response.request.resource_type == "document":
            self.documents.append((response.status, urlsplit(response.url).path))

    def shot(self, step: str):
        assert_fits(self.page)
        screenshot(self.page, f"{self.name}-{step}-{self.device}-{self.language}")

    def click(self, target):
        click_and_wait(self.page, target)

    def query(self) -> dict:
        return parse_qs(urlsplit(self.page.url).query)

    def finish(self):
        assert [d for d in self.documents if d[0] >= 400] == [], self.documents
        assert self.page.console_errors == []


@pytest.mark.parametrize("language", LOCALES)
@pytest.mark.parametrize("device", WIDTHS)
def test_a_shopper_finds_goat_cheese_near_eberswalde_and_where_to_buy_it(
    demo, live_server, page_at, device, language
):
    words = WORDS[language]
    page = page_at(WIDTHS[device], locale=LOCALES[language])
    walk = Walk(page, "shopper", device, language)
    page.goto(live_server + "/")
    walk.shot("home")

    # The home page's search: what and where, in the hero.
    page.locator("main form[role=search] input[name=q]").fill("Ziegenkäse")
    page.locator("main form[role=search] input[name=near]").fill("Eberswalde")
    walk.click(page.get_by_role("button", name=words["find"]))
    assert walk.query() == {"q": ["Ziegenkäse"], "near": ["Eberswalde"]}
    expect(page.locator("h1")).to_be_visible()
    expect(page.get_by_label(words["radius"], exact=True)).to_have_value("25")  # the catalogue's default
    walk.shot("results")

    # 30 km, and "ohne Gentechnik" under the further filters.
    page.get_by_label(words["radius"], exact=True).select_option("30")
    page.get_by_text(words["more"], exact=True).click()
    page.get_by_label(words["gmo"]).check()
    walk.shot("filters")
    walk.click(page.locator("main form").get_by_role("button", name=words["search"], exact=True))
    assert walk.query()["radius"] == ["30"] and walk.query()["criteria"] == ["gmo_free"]
    expect(page.locator("#results-h")).to_have_text(words["within"])
    expect(page.locator(".chips")).to_contain_text(words["chip"])
    card = page.locator(".product-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Ziegenkäserei Sommerfelde")
    expect(card).to_contain_text("Eberswalde")
    expect(card.locator(".where-sold a")).to_have_count(2)  # where it is sold, already on the card
    walk.shot("filtered")

    # The product's page, reached by its name: every ingredient with share, origin and whether regional.
    walk.click(card.get_by_role("link", name=words["cheese"]))
    expect(page.locator("h1")).to_have_text(words["cheese"])
    expect(page.locator("#ingredients-h")).to_have_text(words["ingredients"])
    rows = page.locator(".ingredient-list > li")
    listed = []
    for row in rows.all():
        badge = row.locator(".ingredient-origin .badge").inner_text().strip()
        origin = " ".join(row.locator(".ingredient-origin").inner_text().split())  # ends with the badge
        name, share = (row.locator(f".ingredient-{part}").inner_text().strip() for part in ("name", "share"))
        listed.append((name, share, origin.removesuffix(badge).strip(), badge))
    assert listed == INGREDIENTS[language]
    # The allergen is emphasised in the list, as the food information regulation asks, and summed up.
    expect(rows.first.locator(".ingredient-name strong")).to_have_text(words["milk"])
    expect(page.locator("main")).to_contain_text(words["contains"])
    walk.shot("product")

    # Where to buy it: the outlets that sell it, each a link to its page with opening hours.
    where = page.locator("#where-to-buy")
    expect(where.locator("h2")).to_have_text(words["buy"])
    expect(where.locator(".outlets-list a")).to_have_count(2)
    walk.click(where.get_by_role("link", name="Ziegenkäserei Sommerfelde – Hofladen"))
    expect(page.locator("h1")).to_have_text("Ziegenkäserei Sommerfelde – Hofladen")
    expect(page.locator("main")).to_contain_text(words["hours"])
    # Today's row ("Mo. 7.12. (heute)") fits its cell on a phone instead of running into the hours.
    assert page.locator(".hours tr.today th").evaluate("th => th.scrollWidth <= th.clientWidth")
    walk.shot("outlet")
    # No QR code on the way: the product's page, opened once, was reached from the catalogue.
    paths = [path for _, path in walk.documents]
    opened = [i for i, path in enumerate(paths) if path.startswith(PRODUCT_PAGES)]
    assert len(opened) == 1 and paths[opened[0] - 1] == "/produkte", paths
    walk.finish()


@pytest.mark.parametrize("language", LOCALES)
@pytest.mark.parametrize("device", WIDTHS)
def test_a_retailer_in_berlin_sees_each_dairy_supplier_once_and_whether_it_delivers(
    demo, live_server, page_at, device, language
):
    words = WORDS[language]
    page = page_at(WIDTHS[device], locale=LOCALES[language])
    walk = Walk(page, "retailer", device, language)
    page.goto(live_server + "/")
    open_menu(page)
    walk.click(page.locator("header").get_by_role("link", name=words["sign in"], exact=True))
    page.fill("#email", RETAILER[0])
    page.fill("#password", RETAILER[1])
    walk.click("main button[type=submit]")
    if language == "en":  # the demo retailer reads German: English is chosen in the account menu
        page.locator(".account-menu > summary").click()
        walk.click(page.locator(".account-menu").get_by_role("link", name="English"))
    open_menu(page)
    walk.click(page.locator("header").get_by_role("link", name=words["suppliers"], exact=True))
    walk.shot("search")

    page.get_by_label(words["category"], exact=True).select_option(label=words["dairy"])
    page.get_by_label(words["km"], exact=True).fill("80")
    walk.click(page.locator("main form").get_by_role("button", name=words["search"], exact=True))
    assert walk.query()["category"] == ["dairy-cheese"] and walk.query()["radius"] == ["80"]
    hits = page.locator(".supplier-hit")
    names = [name.strip() for name in hits.locator("h3").all_inner_texts()]
    assert names == ["Ziegenkäserei Sommerfelde", "Hof Sonnenwiese"]  # each once, nearest first
    expect(page.locator("#results-heading")).to_have_text(words["suppliers within"])
    walk.shot("results")

    # Sommerfelde (41 km) delivers through a logistics partner; Hof Sonnenwiese (61 km) delivers only
    # within 40 km, and says so plainly.
    near, far = hits.nth(0), hits.nth(1)
    expect(near.locator(".reach")).to_contain_text(words["delivers"])
    expect(far.locator(".reach")).to_contain_text(words["not delivered"])
    expect(far.locator(".reach")).to_contain_text("40 km")
    # The matching products under their supplier, each linked to its page.
    expect(near.locator(".supplier-products > li")).to_have_count(1)
    expect(near.locator(".supplier-products")).to_contain_text(words["husbandry"])  # in the reader's words
    expect(far.locator(".supplier-products > li")).to_have_count(6)
    for link in hits.locator(".supplier-products a").all():
        assert link.get_attribute("href").startswith(PRODUCT_PAGES)
    walk.click(far.get_by_role("link", name=words["yoghurt"]))
    expect(page.locator("h1")).to_have_text(words["yoghurt"])
    walk.shot("product")
    walk.finish()
