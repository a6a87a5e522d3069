"""Anonymous scan counts of the provenance pages, and the producers' scan statistics (page and CSV)."""

import csv
import io
import re
from collections import Counter
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from babel.dates import format_date
from flask_babel import force_locale, gettext
from sqlalchemy import inspect, select

from tests import factories
from tests.certification.conftest import signed_in
from vonhier import clock
from vonhier.clock import local_now
from vonhier.extensions import db
from vonhier.provenance import chart, scans
from vonhier.provenance.models import ScanDay

DAY = date(2026, 11, 7)


def stored(app) -> set[tuple]:
    with app.app_context():
        return {
            (row.product_id, row.lot, row.day, row.language, row.count)
            for row in db.session.scalars(select(ScanDay))
        }


def german(app, message: str, **values) -> str:
    """A message as a German-speaking member sees it (the user factory's preference is German)."""
    with app.test_request_context(), force_locale("de"):
        return gettext(message, **values)


class Tables(HTMLParser):
    """The cells of each table with an id, as text; and the SVG chart's title, desc and bars."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.bars = 0
        self._table = self._cell = None
        self._svg_text: dict[str, str] = {}
        self._svg_part = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "id" in attrs:
            self._table = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        elif tag == "rect":
            self.bars += 1
        elif tag in ("title", "desc") and attrs.get("id", "").startswith("scan-chart"):
            self._svg_part = tag

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == self._svg_part:
            self._svg_part = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._svg_part:
            self._svg_text[self._svg_part] = self._svg_text.get(self._svg_part, "") + data

    @property
    def chart_desc(self) -> str:
        return self._svg_text.get("desc", "")

    @property
    def chart_title(self) -> str:
        return self._svg_text.get("title", "")


# --- counting on the public page ----------------------------------------------------------------------


@pytest.fixture
def fixed_day(monkeypatch):
    monkeypatch.setattr(
        clock, "utcnow", lambda: datetime.combine(DAY, datetime.min.time()) + timedelta(hours=9)
    )
    return DAY


def test_each_view_of_the_public_page_is_counted_by_product_lot_day_and_language(app, certified, fixed_day):
    client = app.test_client()
    assert stored(app) == set()
    for path in (certified.path, certified.path, f"/p/{certified.code}"):
        assert client.get(path).status_code == 200
    assert client.get(certified.lot_path).status_code == 200
    assert client.get(certified.path, headers={"Accept-Language": "en"}).status_code == 200
    assert client.get(certified.path + "?lang=en").status_code == 200
    assert client.get(certified.lot_path + "?lang=en").status_code == 200
    pid = certified.product_id
    assert stored(app) == {
        (pid, "", fixed_day, "de", 3),
        (pid, certified.lot, fixed_day, "de", 1),
        (pid, "", fixed_day, "en", 2),
        (pid, certified.lot, fixed_day, "en", 1),
    }


def test_the_day_is_the_day_in_berlin(app, certified, monkeypatch):
    """A scan at 23:30 UTC on 7 November is on 8 November in Berlin (CET, UTC+1)."""
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 11, 7, 23, 30))
    assert app.test_client().get(certified.path).status_code == 200
    assert stored(app) == {(certified.product_id, "", date(2026, 11, 8), "de", 1)}


def test_a_new_day_gets_a_new_row_and_later_scans_add_up(app, certified, monkeypatch):
    client = app.test_client()
    for day, views in ((date(2026, 11, 7), 2), (date(2026, 11, 8), 1)):
        # 09:00 UTC: the same day in Berlin.
        monkeypatch.setattr(
            clock, "utcnow", lambda day=day: datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
        )
        for _ in range(views):
            assert client.get(certified.path).status_code == 200
    assert stored(app) == {
        (certified.product_id, "", date(2026, 11, 7), "de", 2),
        (certified.product_id, "", date(2026, 11, 8), "de", 1),
    }


def test_head_requests_and_qr_images_and_failed_lookups_are_not_counted(app, certified):
    client = app.test_client()
    assert client.head(certified.path).status_code == 200
    assert client.head(certified.lot_path).status_code == 200
    assert client.get(certified.path + "/qr.svg").status_code == 200
    assert client.get(certified.path + "?linkType=linkset").status_code == 200
    assert client.get("/01/04012345678918").status_code == 404  # valid GTIN, not registered
    assert stored(app) == set()


def test_a_scan_row_has_no_column_that_could_hold_personal_data(app):
    with app.app_context():
        columns = [column["name"] for column in inspect(db.engine).get_columns("scan_days")]
    assert sorted(columns) == sorted(["id", "product_id", "lot", "day", "language", "count"])


@pytest.mark.parametrize(
    ("suffix", "headers"),
    [("", {}), ("?lang=en", {}), ("", {"Accept-Language": "en"}), ("?lang=de", {"Accept-Language": "en-GB"})],
)
def test_the_public_page_sets_no_cookie(app, certified, suffix, headers):
    client = app.test_client()
    for path in (certified.path, certified.lot_path, f"/p/{certified.code}"):
        response = client.get(path + suffix, headers=headers)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
    assert sum(count for *_, count in stored(app)) == 3


# --- the statistics page ------------------------------------------------------------------------------


@pytest.fixture
def scanned(app, scene):
    """Org A (the scene's producer) with two products; org B with one; scans on several days."""
    today = local_now().date()  # scan days are days in Berlin (after 23:00 UTC in winter: tomorrow)
    cheese = factories.product(
        app, scene.owner.id, scene.org.id, [("Ziegenmilch", 100, scene.farm.id, False)], name_de="Ziegenkäse"
    )
    other_owner = factories.user_with_role(app, "owner", email="nachbar@example.org")
    other_site = factories.site(app, other_owner.organisation.id)
    other_product = factories.product(
        app,
        other_owner.id,
        other_owner.organisation.id,
        [("Honig", 100, other_site.id, False)],
        name_de="Honig",
    )
    eggs = scene.product_id
    with app.app_context(), db.engine.begin() as connection:
        scans.write(
            Counter(
                {
                    (eggs, "", today, "de"): 17,
                    (eggs, "", today, "en"): 4,
                    (eggs, "L-7", today - timedelta(days=1), "de"): 9,
                    (eggs, "", today - timedelta(days=10), "en"): 3,
                    (eggs, "", today - timedelta(days=40), "de"): 50,  # only in 90 and 365 days
                    (eggs, "", today - timedelta(days=400), "de"): 70,  # in no period
                    (cheese, "", today, "de"): 6,
                    (other_product, "", today, "de"): 1000,
                    (other_product, "", today - timedelta(days=1), "en"): 222,
                }
            ),
            connection,
        )
    return {
        "today": today,
        "eggs": eggs,
        "cheese": cheese,
        "other_product": other_product,
        "client": scene.producer_client,
        "other_client": signed_in(app, other_owner),
        "org": scene.org,
    }


def de(day: date) -> str:
    return format_date(day, locale="de")


def test_the_page_shows_scans_per_day_and_per_product(app, scanned):
    response = scanned["client"].get("/catalogue/scans")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = Tables(html)
    today = scanned["today"]
    # The data table below the chart: the days with scans in the last 30 days, oldest first.
    assert page.tables["scans-per-day"][1:] == [
        [de(today - timedelta(days=10)), "3"],
        [de(today - timedelta(days=1)), "9"],
        [de(today), "27"],
    ]
    assert page.bars == 3  # one bar per day with scans
    assert 'role="img"' in html and 'aria-labelledby="scan-chart-title scan-chart-desc"' in html
    assert de(today - timedelta(days=29)) in page.chart_title and de(today) in page.chart_title
    assert "39" in page.chart_desc and de(today) in page.chart_desc and "27" in page.chart_desc
    english = Tables(scanned["client"].get("/catalogue/scans?lang=en").get_data(as_text=True))
    assert english.tables["scans-per-product"][0] == ["Product", "Total scans", "German", "English"]
    assert english.tables["scans-per-product"][1] == ["Landeier", "33", "26", "7"]
    # Per product: total, then one column per page language (German, English), busiest first.
    header = page.tables["scans-per-product"][0]
    assert header == [german(app, "Product"), german(app, "Total scans"), "Deutsch", "Englisch"]
    assert page.tables["scans-per-product"][1:] == [
        ["Landeier", "33", "26", "7"],
        ["Ziegenkäse", "6", "6", "0"],
    ]
    # The layout's language switch still offers English (the page's own names must not hide it).
    assert 'lang="en" hreflang="en"' in html
    # Nothing of the other organisation.
    assert "Honig" not in html and "1000" not in html and "1.000" not in html and "222" not in html


def test_a_longer_period_and_one_product(app, scanned):
    page = Tables(scanned["client"].get("/catalogue/scans?days=90").get_data(as_text=True))
    assert page.tables["scans-per-product"][1:] == [
        ["Landeier", "83", "76", "7"],
        ["Ziegenkäse", "6", "6", "0"],
    ]
    assert [de(scanned["today"] - timedelta(days=40)), "50"] in page.tables["scans-per-day"]

    response = scanned["client"].get(f"/catalogue/scans?days=7&product={scanned['cheese']}")
    assert response.status_code == 200
    page = Tables(response.get_data(as_text=True))
    assert page.tables["scans-per-day"][1:] == [[de(scanned["today"]), "6"]]
    assert page.tables["scans-per-product"][1:] == [["Ziegenkäse", "6", "6", "0"]]


def test_a_period_without_scans_says_so(app, scene):
    response = scene.producer_client.get("/catalogue/scans?days=7")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert german(app, "No scans in this period yet.") in html
    assert 'aria-labelledby="scan-chart-title' not in html  # no chart (the header's icons are SVG too)
    assert Tables(html).tables["scans-per-product"][1:] == [["Landeier", "0", "0", "0"]]


def test_the_csv_has_one_line_per_day_product_lot_and_language(app, scanned):
    today = scanned["today"]
    response = scanned["client"].get("/catalogue/scans.csv?days=30")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params == {"charset": "utf-8"}
    since = today - timedelta(days=29)
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="vonhier-scans-{since.isoformat()}-{today.isoformat()}.csv"'
    )
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    eggs, cheese = str(scanned["eggs"]), str(scanned["cheese"])
    assert rows == [
        ["Tag", "Produktnummer", "Produkt", "Losnummer", "Sprache", "Scans"],
        [(today - timedelta(days=10)).isoformat(), eggs, "Landeier", "", "en", "3"],
        [(today - timedelta(days=1)).isoformat(), eggs, "Landeier", "L-7", "de", "9"],
        [today.isoformat(), eggs, "Landeier", "", "de", "17"],
        [today.isoformat(), eggs, "Landeier", "", "en", "4"],
        [today.isoformat(), cheese, "Ziegenkäse", "", "de", "6"],
    ]
    assert body.count(b"\r\n") == len(rows)

    one = (
        scanned["client"]
        .get(f"/catalogue/scans.csv?days=365&product={cheese}")
        .get_data()
        .decode("utf-8-sig")
    )
    assert one.splitlines()[1:] == [f"{today.isoformat()};{cheese};Ziegenkäse;;de;6"]


def test_the_page_links_to_the_csv_with_the_same_choice(app, scanned):
    html = scanned["client"].get(f"/catalogue/scans?days=90&product={scanned['eggs']}").get_data(as_text=True)
    assert f'href="/catalogue/scans.csv?days=90&amp;product={scanned["eggs"]}"' in html


def test_catalogue_and_product_pages_link_to_the_scans(app, scanned):
    assert 'href="/catalogue/scans"' in scanned["client"].get("/catalogue/").get_data(as_text=True)
    product_page = scanned["client"].get(f"/catalogue/products/{scanned['eggs']}").get_data(as_text=True)
    assert f'href="/catalogue/scans?product={scanned["eggs"]}"' in product_page


def test_formula_like_names_stay_text_in_the_csv(app, scene):
    with app.app_context(), db.engine.begin() as connection:
        scans.write(Counter({(scene.product_id, "-12", local_now().date(), "de"): 1}), connection)
    text = scene.producer_client.get("/catalogue/scans.csv").get_data().decode("utf-8-sig")
    assert text.splitlines()[1].endswith(";Landeier;'-12;de;1")


# --- who may see the numbers, and bad input -----------------------------------------------------------


def test_other_organisations_see_only_their_own_numbers(app, scanned):
    other = scanned["other_client"]
    page = Tables(other.get("/catalogue/scans").get_data(as_text=True))
    # German digit grouping.
    assert page.tables["scans-per-product"][1:] == [["Honig", "1.222", "1.000", "222"]]
    csv_text = other.get("/catalogue/scans.csv").get_data().decode("utf-8-sig")
    assert "Landeier" not in csv_text and "Ziegenkäse" not in csv_text
    for path in ("/catalogue/scans", "/catalogue/scans.csv"):
        for product in (scanned["eggs"], scanned["cheese"]):
            response = other.get(f"{path}?product={product}")
            assert response.status_code == 404
            body = response.get_data(as_text=True)
            assert "Landeier" not in body and "Ziegenkäse" not in body
            # The eggs' 17 scans as a number of its own (not inside "Hof 717" or a stylesheet's version).
            assert not re.search(r"(?<![\w.])17(?![\w.])", body)
    message = german(app, "This product is not in the catalogue of %(name)s.", name="Hof Sonnenwiese")
    assert message in scanned["client"].get("/catalogue/scans?product=999999").get_data(as_text=True)


def test_visitors_and_users_without_an_organisation_are_refused(app, scanned):
    anonymous = app.test_client()
    for path in ("/catalogue/scans", "/catalogue/scans.csv"):
        response = anonymous.get(path)
        assert response.status_code in (302, 401)
        assert "/login" in response.headers.get("Location", "/login")
    loner = signed_in(app, factories.user(app, email="ohne.betrieb@example.org"))
    for path in ("/catalogue/scans", "/catalogue/scans.csv"):
        response = loner.get(path)
        assert response.status_code == 403
        assert german(app, "Please register your business first, or ask its owner for an invitation.") in (
            response.get_data(as_text=True)
        )


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("days=14", 400, "Please choose a period of 7, 30, 90 or 365 days."),
        ("days=", 400, "Please choose a period of 7, 30, 90 or 365 days."),
        ("days=30.0", 400, "Please choose a period of 7, 30, 90 or 365 days."),
        ("days=%EF%BC%93%EF%BC%90", 400, "Please choose a period of 7, 30, 90 or 365 days."),  # full-width 30
        ("product=abc", 400, "Please choose a product from the list."),
        ("product=-1", 400, "Please choose a product from the list."),
        ("product=1e3", 400, "Please choose a product from the list."),
        ("product=%C2%B2", 400, "Please choose a product from the list."),  # superscript two
        ("product=99999999999999999999", 400, "Please choose a product from the list."),
        ("product=999999", 404, "This product is not in the catalogue of %(name)s."),
    ],
)
def test_bad_choices_are_refused_with_a_message(app, scanned, query, status, message):
    for path in ("/catalogue/scans", "/catalogue/scans.csv"):
        response = scanned["client"].get(f"{path}?{query}")
        assert response.status_code == status
        assert german(app, message, name="Hof Sonnenwiese") in response.get_data(as_text=True)


def test_an_empty_product_means_all_products(app, scanned):
    response = scanned["client"].get("/catalogue/scans?days=30&product=")
    assert response.status_code == 200
    assert len(Tables(response.get_data(as_text=True)).tables["scans-per-product"]) == 3


# --- the chart's geometry ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "step"), [(0, 1), (1, 1), (4, 1), (5, 2), (8, 2), (9, 5), (20, 5), (21, 10), (1234, 500)]
)
def test_grid_lines_use_round_steps(maximum, step):
    assert chart.nice_step(maximum) == step


def test_bars_and_labels():
    drawn = chart.bars([0, 2, 0, 8, 1, 0, 3])
    assert [bar.index for bar in drawn.bars] == [1, 3, 4, 6]
    assert drawn.top == 8 and [tick.value for tick in drawn.ticks] == [0, 2, 4, 6, 8]
    tallest = drawn.bars[1]
    assert tallest.y == chart.PLOT_TOP and tallest.y + tallest.height == chart.PLOT_BOTTOM
    # The bars stay right of the gutter that holds the grid lines' values, and inside the chart.
    assert 0 < drawn.gutter < 10
    assert all(drawn.gutter <= bar.x and bar.x + bar.width <= 100 for bar in drawn.bars)
    assert [label.index for label in drawn.labels] == [0, 2, 4, 6]
    assert (drawn.labels[0].anchor, drawn.labels[-1].anchor) == ("start", "end")
    assert drawn.gutter <= drawn.labels[0].x and drawn.labels[-1].x <= 100

    year = chart.bars([1] * 364 + [1000])
    assert len(year.bars) == 365 and min(bar.height for bar in year.bars) >= 1  # a single scan stays visible
    assert year.gutter > drawn.gutter  # "1,000" needs more room than "8"
    assert [label.index for label in year.labels] == [0, 121, 243, 364]
    assert chart.label_indices(30) == [0, 10, 19, 29]
    assert chart.label_indices(3) == [0, 1, 2]


def test_the_chart_has_no_inline_styles_the_csp_would_block(app, scanned):
    html = scanned["client"].get("/catalogue/scans").get_data(as_text=True)
    start = html.index('<svg width="100%"')  # the chart, not the header's icons
    svg = html[start : html.index("</svg>", start)]
    assert "style=" not in svg and "<script" not in svg
    assert re.search(r'<rect x="[\d.]+%" width="[\d.]+%"', svg)
