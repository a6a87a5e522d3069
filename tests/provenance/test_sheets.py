"""Label print sheets: every code on the printed page decodes to the product's address (real decoder)."""

import re
from datetime import date, timedelta
from urllib.parse import quote

import pypdfium2
import pytest
import zxingcpp
from sqlalchemy import select, update

from tests import factories
from vonhier.catalogue.models import Batch, Product, ProductStatus
from vonhier.extensions import db
from vonhier.provenance import qr, sheets
from vonhier.provenance.models import ProductCode

BASE = "http://localhost"
DPI = 300


class Sheet:
    """A PDF sheet rendered like a printer would (300 dpi), its text, and the codes a decoder finds on it."""

    def __init__(self, data: bytes, layout: sheets.Layout):
        assert data.startswith(b"%PDF-")
        document = pypdfium2.PdfDocument(data)
        try:
            assert len(document) == 1
            page = document[0]
            width, height = page.get_size()
            assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4
            self.text = page.get_textpage().get_text_range()
            self.image = page.render(scale=DPI / 72).to_pil().convert("L")
        finally:
            document.close()
        self.layout = layout
        self.codes = zxingcpp.read_barcodes(self.image, formats=zxingcpp.BarcodeFormat.QRCode)

    def px(self, mm: float) -> float:
        return mm / 25.4 * DPI

    def labels_with(self, url: str) -> set[tuple[int, int]]:
        """(column, row) of each label whose area holds a code that decodes to `url`."""
        found = set()
        for code in self.codes:
            assert code.text == url, code.text
            corners = [code.position.top_left, code.position.top_right, code.position.bottom_right]
            x = sum(p.x for p in corners) / 3
            y = sum(p.y for p in corners) / 3
            column = int((x - self.px(self.layout.left)) // self.px(self.layout.width + self.layout.gap_x))
            row = int((y - self.px(self.layout.top)) // self.px(self.layout.height + self.layout.gap_y))
            found.add((column, row))
        return found

    def all_labels(self) -> set[tuple[int, int]]:
        return {(c, r) for c in range(self.layout.columns) for r in range(self.layout.rows)}


def sheet_of(response, layout_key: str) -> Sheet:
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    assert response.mimetype == "application/pdf"
    return Sheet(response.data, sheets.LAYOUTS[layout_key])


def labels_url(product_id, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"format": "pdf", **args}.items())
    return f"/labels/{product_id}?{query}"


# --- whole sheets through the web ---------------------------------------------------------------------


def test_3x8_sheet_every_label_carries_a_code_to_the_product(app, certified):
    client = certified.scene.producer_client
    response = client.get(labels_url(certified.product_id, layout="70x37", size="20"))
    sheet = sheet_of(response, "70x37")
    url = BASE + certified.path
    assert len(sheet.codes) == 24
    assert sheet.labels_with(url) == sheet.all_labels()
    assert sheet.text.count("VON HIER") == 24
    assert sheet.text.count("Landeier") == 24
    assert sheet.text.count(f"Zertifikat {certified.number}") == 24
    assert sheet.text.count("localhost/01/04012345678901") == 24
    assert "http://" not in sheet.text
    # Download, kept by the browser (not by shared caches: members only) for five minutes, ETag.
    assert (
        response.headers["Content-Disposition"]
        == f"attachment; filename=vonhier-labels-{certified.product_id}.pdf"
    )
    assert response.headers["Cache-Control"] == "private, max-age=300"
    etag = response.headers["ETag"]
    again = client.get(
        labels_url(certified.product_id, layout="70x37", size="20"), headers={"If-None-Match": etag}
    )
    assert again.status_code == 304 and again.data == b""
    other = client.get(
        labels_url(certified.product_id, layout="70x37", size="21"), headers={"If-None-Match": etag}
    )
    assert other.status_code == 200 and other.headers["ETag"] != etag


def test_2x5_sheet_for_a_batch_leads_to_the_batch(app, certified):
    response = certified.scene.producer_client.get(
        labels_url(certified.product_id, layout="105x57", size="30,5", lot="L-2611%2F07")
    )
    sheet = sheet_of(response, "105x57")
    assert len(sheet.codes) == 10
    assert sheet.labels_with(BASE + certified.lot_path) == sheet.all_labels()
    assert sheet.text.count("localhost/01/04012345678901/10/") == 10
    assert sheet.text.count("L-2611%2F07") == 10
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=vonhier-labels-{certified.product_id}-L-2611-07.pdf"
    )


@pytest.mark.parametrize("layout_key", list(sheets.LAYOUTS))
def test_smallest_and_largest_codes_decode_on_every_sheet(app, certified, layout_key):
    client = certified.scene.producer_client
    url = BASE + certified.lot_path
    with app.app_context():
        largest = sheets.max_size(sheets.LAYOUTS[layout_key], url)
    assert largest >= 25  # "as large as fits" is more than a token
    for size in (sheets.min_size(url), largest):
        response = client.get(
            labels_url(certified.product_id, layout=layout_key, size=f"{size:g}", lot="L-2611%2F07")
        )
        sheet = sheet_of(response, layout_key)
        assert sheet.labels_with(url) == sheet.all_labels(), size
        # The symbol is as wide as asked, and its 4-module quiet zone is blank paper.
        code = sheet.codes[0].position
        side = code.top_right.x - code.top_left.x
        module = side / qr.modules(url)
        assert abs(side - sheet.px(size)) < 2 * module
        left, top = code.top_left.x, code.top_left.y
        margin = 4 * module - 3  # a few pixels of anti-aliasing at the symbol's edge
        ring = [
            sheet.image.crop((round(left - 4 * module + 1), round(top), round(left - 1), round(top + side))),
            sheet.image.crop((round(left), round(top - 4 * module + 1), round(left + side), round(top - 1))),
            sheet.image.crop(
                (round(left + side + 1), round(top), round(left + side + margin), round(top + side))
            ),
        ]
        assert all(part.getextrema()[0] > 240 for part in ring)


def test_certificate_number_is_left_out_without_a_valid_certificate(app, certified):
    scene = certified.scene
    uncertified = factories.product(
        app,
        scene.owner.id,
        scene.org.id,
        [("Honig", 100, scene.farm.id, False)],
        stages=[("packing", scene.farm.id)],
        name_de="Waldhonig",
        category="eggs",
        species="chicken",
        husbandry_level=4,
    )
    client = certified.scene.producer_client
    sheet = sheet_of(client.get(labels_url(uncertified, layout="70x36")), "70x36")
    assert sheet.text.count("Waldhonig") == 24 and "Zertifikat" not in sheet.text
    assert "VON HIER" not in sheet.text
    with app.app_context():
        code = db.session.scalar(select(ProductCode.code).where(ProductCode.product_id == uncertified))
    assert sheet.labels_with(f"{BASE}/p/{code}") == sheet.all_labels()

    deadline = (date.today() + timedelta(days=30)).isoformat()
    suspended = scene.certifier_client.post(
        f"/certification/certificates/{certified.certificate_id}/suspend",
        data={"reason": "Futternachweis fehlt", "remedy_until": deadline},
    )
    assert suspended.status_code == 302
    sheet = sheet_of(client.get(labels_url(certified.product_id, layout="70x36")), "70x36")
    assert "Zertifikat" not in sheet.text and certified.number not in sheet.text
    # The label's name is a promise: without a certificate in force it is not printed either.
    assert "VON HIER" not in sheet.text


def test_names_are_printed_as_written_and_unknown_letters_as_question_marks(app, certified):
    with app.app_context():
        db.session.execute(
            update(Product)
            .where(Product.id == certified.product_id)
            .values(name_de="Łódźer „Spezial“ – Eier 鸡蛋 " + "sehr lange Bezeichnung " * 4)
        )
        db.session.commit()
    response = certified.scene.producer_client.get(labels_url(certified.product_id))
    sheet = sheet_of(response, sheets.DEFAULT_LAYOUT)
    assert sheet.text.count("Łódźer „Spezial“ – Eier") == 24 and sheet.text.count("?? sehr") == 24
    assert sheet.labels_with(BASE + certified.path) == sheet.all_labels()


def test_english_labels_and_form(app, certified):
    client = certified.scene.producer_client
    english = {"lang": "en"}  # the signed-in producer's account speaks German: the page's switch
    sheet = sheet_of(client.get(labels_url(certified.product_id, lang="en")), sheets.DEFAULT_LAYOUT)
    assert sheet.text.count(f"Certificate {certified.number}") == 24
    form = client.get(f"/labels/{certified.product_id}", query_string=english)
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert "Print labels" in html and "Landeier" in html and "Avery Zweckform 3474" in html


# --- the form -------------------------------------------------------------------------------------------


def test_form_offers_sheets_sizes_and_batches(app, certified):
    response = certified.scene.producer_client.get(f"/labels/{certified.product_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Landeier" in html and "Etiketten drucken" in html
    for layout in sheets.LAYOUTS.values():
        assert f'value="{layout.key}"' in html and layout.examples in html
    assert 'value="L-2611/07"' in html and 'name="size" value="20"' in html
    assert 'name="format" value="pdf"' in html
    assert "Cache-Control" not in response.headers or "public" not in response.headers["Cache-Control"]


# --- bad input: a clear message in the visitor's language, never a 500 ----------------------------------


BAD_CHOICES = [
    ({"layout": "A4-99"}, "Bitte wählen Sie einen der aufgeführten Etikettenbögen."),
    ({"layout": ""}, "Bitte wählen Sie einen der aufgeführten Etikettenbögen."),
    ({"size": "14.9"}, "Für diese Adresse muss der Code mindestens 15 mm breit sein"),
    ({"size": "0"}, "Für diese Adresse muss der Code mindestens 15 mm breit sein"),
    ({"size": "31"}, "Auf Etiketten von 70 × 37 mm darf der Code höchstens"),
    ({"size": "200", "layout": "105x57"}, "Auf Etiketten von 105 × 57 mm darf der Code höchstens"),
    ({"size": "zwanzig"}, "Bitte geben Sie die Codegröße in Millimetern als Zahl an"),
    ({"size": "20mm"}, "Bitte geben Sie die Codegröße in Millimetern als Zahl an"),
    ({"size": "1e3"}, "Bitte geben Sie die Codegröße in Millimetern als Zahl an"),
    ({"size": "nan"}, "Bitte geben Sie die Codegröße in Millimetern als Zahl an"),
    ({"size": "-20"}, "Bitte geben Sie die Codegröße in Millimetern als Zahl an"),
    ({"size": "99999"}, "Bitte geben Sie die Codegröße in Millimetern als Zahl an"),
    ({"size": ""}, "Bitte geben Sie die Codegröße in Millimetern als Zahl an"),
]


def test_bad_choices_answer_400_with_the_form_and_a_message(app, certified):
    """26 requests: within the limit of 30 a minute."""
    client = certified.scene.producer_client
    for args, message in BAD_CHOICES:
        for output in ("pdf", "html"):
            response = client.get(f"/labels/{certified.product_id}", query_string={**args, "format": output})
            assert response.status_code == 400, (args, output)
            assert response.mimetype == "text/html"
            html = response.get_data(as_text=True)
            assert message in html and "has-error" in html, (args, output)


def test_bad_choices_in_english(app, certified):
    response = certified.scene.producer_client.get(
        f"/labels/{certified.product_id}?format=pdf&size=40&lang=en"
    )
    assert response.status_code == 400
    assert "On labels of 70 × 37 mm the code can be at most" in response.get_data(as_text=True)


def test_unknown_format_lot_and_product_answer_4xx(app, certified):
    client = certified.scene.producer_client
    response = client.get(f"/labels/{certified.product_id}?format=png")
    assert response.status_code == 400 and "Unbekanntes Format" in response.get_data(as_text=True)
    response = client.get(labels_url(certified.product_id, lot="L-9999"))
    assert response.status_code == 404 and "keine Charge L-9999" in response.get_data(as_text=True)
    response = client.get(labels_url(999_999))
    assert response.status_code == 404 and "kein Produkt mit der Nummer 999999" in response.get_data(
        as_text=True
    )
    assert client.get("/labels/abc").status_code == 404


def test_archived_product_has_no_labels(app, certified):
    with app.app_context():
        db.session.execute(
            update(Product).where(Product.id == certified.product_id).values(status=ProductStatus.ARCHIVED)
        )
        db.session.commit()
    client = certified.scene.producer_client
    for url in (f"/labels/{certified.product_id}", labels_url(certified.product_id)):
        response = client.get(url)
        assert response.status_code == 404
        assert "nicht mehr angeboten" in response.get_data(as_text=True)


def test_sheets_are_rate_limited(app, certified):
    client = certified.scene.producer_client
    statuses = [client.get(f"/labels/{certified.product_id}").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


# --- the pure builder -------------------------------------------------------------------------------------


def test_builder_refuses_sizes_outside_the_range(app):
    url = BASE + "/p/abcdefghjk"
    layout = sheets.LAYOUTS["70x37"]
    label = sheets.Label(url=url, name="Käse", short_url=url[7:], mark="VON HIER")
    for size in (14.9, sheets.max_size(layout, url) + 0.1):
        with pytest.raises(sheets.SizeError):
            sheets.build(label, layout, size)


def test_longest_texts_stay_inside_their_label(app):
    """A 40-character lot, a long name and a certificate number at the largest code size."""
    url = BASE + "/p/abcdefghjk/" + "L%2F" * 10 + "X" * 10
    label = sheets.Label(
        url=url,
        name="Bio-Bergkäse " * 12,
        short_url=url[7:],
        mark="VON HIER",
        certificate="Zertifikat VH-2026-000123",
    )
    for layout in sheets.LAYOUTS.values():
        size = sheets.max_size(layout, url)
        sheet = Sheet(sheets.build(label, layout, size), layout)
        assert sheet.labels_with(url) == sheet.all_labels()
        document = pypdfium2.PdfDocument(sheets.build(label, layout, size))
        try:
            textpage = document[0].get_textpage()
            for i in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(i)
                x, y = left / 72 * 25.4, 297 - top / 72 * 25.4
                column = int((x - layout.left) // layout.width)
                row = int((y - layout.top) // layout.height)
                cell_x, cell_y = layout.left + column * layout.width, layout.top + row * layout.height
                assert right / 72 * 25.4 <= cell_x + layout.width - sheets.EDGE + 0.3
                assert 297 - bottom / 72 * 25.4 <= cell_y + layout.height - sheets.EDGE + 0.5
                assert y >= cell_y + sheets.EDGE - 0.5
        finally:
            document.close()
        assert "X" * 10 in sheet.text.replace("\r\n", "").replace("\n", "")


def test_a_3x8_sheet_stays_small(app):
    """The time it takes is measured by bench/sheets.py, not here: a loaded machine is not a failure."""
    url = BASE + "/01/04012345678901/10/L-2611%2F07"
    label = sheets.Label(
        url=url, name="Landeier", short_url=url[7:], mark="VON HIER", certificate="Zertifikat VH-2026-0001"
    )
    data = sheets.build(label, sheets.LAYOUTS["70x37"], 20)
    assert len(data) < 60_000  # one rectangle per run of dark modules, compressed


def test_the_home_page_offers_no_label_sheets(app, certified):
    """Label sheets are the producer's (see test_sheets_are_for_members_and_admins): the showcase links
    the products' public pages only."""
    html = app.test_client().get("/").get_data(as_text=True)
    assert certified.path in html
    assert "/labels/" not in html


def test_sheets_are_for_members_and_admins(app, certified):
    url = labels_url(certified.product_id)
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login?next=/labels/")
    assert certified.scene.producer_client.get(url).status_code == 200
    # A member of another organisation (a certifier too) is refused with a sentence, in both languages.
    other = app.test_client()
    user = factories.user_with_role(app, "owner")
    other.post("/login", data={"email": user.email, "password": user.password})
    refused = other.get(f"/labels/{certified.product_id}")
    assert refused.status_code == 403
    assert "Etiketten für Landeier druckt Hof Sonnenwiese" in refused.get_data(as_text=True)
    english = other.get(f"/labels/{certified.product_id}?lang=en")
    assert "Labels of Landeier are printed by Hof Sonnenwiese" in english.get_data(as_text=True)
    assert certified.scene.certifier_client.get(url).status_code == 403
    admin = app.test_client()
    staff = factories.user_with_role(app, "admin")
    admin.post("/login", data={"email": staff.email, "password": staff.password})
    assert admin.get(url).status_code == 200


# --- module size: every dot of a printed code at least qr.MIN_MODULE (0.4 mm) -------------------------------

ASCII_LOT = "L/" * 20  # 40 characters, half of them percent-encoded: 0.306 mm modules at 15 mm before
WIDEST_LOT = "\U00020000" * 40  # 40 letters the batch form accepts, each 12 characters once encoded
PRINTED_URLS = {
    "product": BASE + "/01/04012345678901",
    "lot of 40 characters": BASE + "/p/abcdefghjk/" + quote(ASCII_LOT, safe=""),
    "widest lot": BASE + "/p/abcdefghjk/" + quote(WIDEST_LOT, safe=""),
}


def printed_side(sheet: Sheet, url: str) -> float:
    """The side in mm of the first code's dark part, measured on the rendered page: the finder patterns sit
    in three corners, so the dark pixels' bounding box spans the whole symbol."""
    corners = sheet.codes[0].position
    xs = [corners.top_left.x, corners.top_right.x, corners.bottom_left.x, corners.bottom_right.x]
    ys = [corners.top_left.y, corners.top_right.y, corners.bottom_left.y, corners.bottom_right.y]
    margin = 2 * (max(xs) - min(xs)) / qr.modules(url)  # well inside the 4-module quiet zone
    box = sheet.image.crop((min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin))
    left, top, right, bottom = box.point(lambda value: 255 if value < 128 else 0).getbbox()
    assert abs((right - left) - (bottom - top)) <= 2  # a square: the box is the symbol, nothing else
    return (right - left) / sheet.px(1)


def add_batch(app, product_id: int, lot: str) -> None:
    with app.app_context():
        db.session.add(Batch(product_id=product_id, lot=lot, produced_on=date(2026, 11, 7)))
        db.session.commit()


@pytest.mark.parametrize("kind", list(PRINTED_URLS))
@pytest.mark.parametrize("layout_key", list(sheets.LAYOUTS))
def test_every_module_is_at_least_0_4_mm(app, layout_key, kind):
    """By geometry and on the printed page, at the smallest size the sheet allows for the code."""
    url, layout = PRINTED_URLS[kind], sheets.LAYOUTS[layout_key]
    label = sheets.Label(
        url=url, name="Landeier", short_url=url[7:], mark="VON HIER", certificate="Zertifikat VH-2026-0001"
    )
    n = qr.modules(url)
    smallest = sheets.min_size(url)
    assert smallest / n >= qr.MIN_MODULE  # geometry: the smallest size allowed keeps the rule
    assert smallest == sheets.MIN_SIZE or (smallest - 0.1) / n < qr.MIN_MODULE  # and is no larger than needed
    if smallest > sheets.MIN_SIZE:
        with pytest.raises(sheets.SizeError):  # the builder itself never prints finer dots
            sheets.build(label, layout, smallest - 0.1)
    if not sheets.fits(layout, url):
        # Only the widest lot needs more room than the small labels have; the form names the larger ones.
        assert kind == "widest lot" and layout.height < 50
        with pytest.raises(sheets.SizeError):
            sheets.build(label, layout, smallest)
        return
    sheet = Sheet(sheets.build(label, layout, smallest), layout)
    assert sheet.labels_with(url) == sheet.all_labels()
    side = printed_side(sheet, url)
    assert abs(side - smallest) < 0.2
    assert side >= qr.MIN_MODULE * n - 0.1  # within a pixel at 300 dpi


def test_a_40_character_lot_on_the_smallest_labels(app, certified):
    """The issue's case: 15 mm gave 0.306 mm modules. A typed 15 is refused naming the size that works;
    without a size the code is printed as large as its modules need."""
    add_batch(app, certified.product_id, ASCII_LOT)
    url = f"{BASE}/p/{certified.code}/{quote(ASCII_LOT, safe='')}"
    smallest = sheets.min_size(url)
    assert 15 / qr.modules(url) < qr.MIN_MODULE <= smallest / qr.modules(url)
    client = certified.scene.producer_client
    args = {"layout": "70x36", "lot": ASCII_LOT}
    wanted = f"{smallest:g}".replace(".", ",")
    for output in ("pdf", "html"):
        response = client.get(
            f"/labels/{certified.product_id}", query_string={**args, "size": "15", "format": output}
        )
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert f"Für diese Adresse muss der Code mindestens {wanted} mm breit sein" in html
        assert "mindestens 0,4 mm misst" in html and "has-error" in html
        assert 'name="size" value="15"' in html  # what was typed stays in the form
    english = client.get(
        f"/labels/{certified.product_id}",
        query_string={**args, "size": "15", "format": "pdf", "lang": "en"},
    ).get_data(as_text=True)
    assert f"For this address the code must be at least {smallest:g} mm wide" in english
    form = client.get(f"/labels/{certified.product_id}", query_string=args).get_data(as_text=True)
    assert 'name="size" value="20"' in form and f"Code von {wanted} bis" in form  # 20 mm is enough here

    sheet = sheet_of(
        client.get(f"/labels/{certified.product_id}", query_string={**args, "format": "pdf"}), "70x36"
    )
    assert sheet.labels_with(url) == sheet.all_labels()
    assert printed_side(sheet, url) >= qr.MIN_MODULE * qr.modules(url) - 0.1


def test_a_lot_too_wide_for_small_labels_names_the_labels_it_fits(app, certified):
    add_batch(app, certified.product_id, WIDEST_LOT)
    url = f"{BASE}/p/{certified.code}/{quote(WIDEST_LOT, safe='')}"
    client = certified.scene.producer_client
    for layout_key in ("70x37", "70x36"):
        layout = sheets.LAYOUTS[layout_key]
        for output in ("pdf", "html"):
            response = client.get(
                f"/labels/{certified.product_id}",
                query_string={"layout": layout_key, "lot": WIDEST_LOT, "format": output},
            )
            assert response.status_code == 400
            html = response.get_data(as_text=True)
            wanted = f"{sheets.min_size(url):g}".replace(".", ",")
            assert (
                f"Diese Adresse braucht einen Code von mindestens {wanted} mm, mehr als Etiketten von "
                f"{layout.width:g} × {layout.height:g} mm fassen" in html
            )
            assert "Bitte wählen Sie Etiketten von 105 × 57 mm." in html and "has-error" in html
            assert f'value="{layout_key}" checked' in html
    english = client.get(
        f"/labels/{certified.product_id}",
        query_string={"layout": "70x36", "lot": WIDEST_LOT, "lang": "en"},
    ).get_data(as_text=True)
    assert (
        "more than labels of 70 × 36 mm hold" in english and "Please choose labels of 105 × 57 mm." in english
    )
    assert "too small for this address’s code" in english

    response = client.get(
        f"/labels/{certified.product_id}",
        query_string={"layout": "105x57", "lot": WIDEST_LOT, "format": "pdf"},
    )
    sheet = sheet_of(response, "105x57")
    assert sheet.labels_with(url) == sheet.all_labels()
    assert printed_side(sheet, url) >= qr.MIN_MODULE * qr.modules(url) - 0.1


def test_the_svg_image_prints_modules_of_at_least_0_4_mm(app):
    """The SVG states its size in millimetres: printed as it is, its modules are 1 mm."""
    for url in PRINTED_URLS.values():
        width = re.search(r'<svg width="([\d.]+)mm"', qr.svg(url).decode())
        assert width and float(width[1]) / (qr.modules(url) + 2 * qr.QUIET_ZONE) >= qr.MIN_MODULE
