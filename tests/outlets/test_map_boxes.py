"""Every map box (the `map_box` macro): a labelled region, its space kept before Leaflet loads, and
Leaflet's words in the page's language as data attributes for static/js/map.js."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests import factories

from .test_finder import EBERSWALDE, outlet

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "app.css").read_text()
WORDS = {
    "de": {
        "data-zoom-in": "Vergrößern",
        "data-zoom-out": "Verkleinern",
        "data-close": "Schließen",
        "data-contributors": "OpenStreetMap-Mitwirkende",
        "data-library": "Eine JavaScript-Bibliothek für interaktive Karten",
    },
    "en": {
        "data-zoom-in": "Zoom in",
        "data-zoom-out": "Zoom out",
        "data-close": "Close",
        "data-contributors": "OpenStreetMap contributors",
        "data-library": "A JavaScript library for interactive maps",
    },
}


class MapBoxes(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.boxes = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "map-box" in (a.get("class") or "").split():
            self.boxes[a["id"]] = {"tag": tag, **a}


def _box(html: str, box_id: str) -> dict:
    return MapBoxes(html).boxes[box_id]


def _check(box: dict, lang: str, label: str):
    assert box["tag"] == "div" and box["role"] == "region" and box["aria-label"] == label
    assert "hidden" not in box  # shown from the start: nothing moves when Leaflet draws into it
    for name, word in WORDS[lang].items():
        assert box[name] == word
    # Each box's class gives it a fixed height in the stylesheet (its space before Leaflet loads).
    sizes = [c for c in box["class"].split() if re.search(rf"^\.{c} \{{[^}}]*\bheight: \d", CSS, re.M)]
    assert sizes, box["class"]


@pytest.fixture
def shop(app):
    owner = factories.user(app, email="hof@example.org")
    org = factories.organisation(app, owner_id=owner.id, display_name="Hof Finowtal")
    return outlet(app, org.id, 'Hofladen <b>"Finow"</b>', "farm_shop", *EBERSWALDE)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_outlet_page_and_finder_maps(client, shop, lang):
    headers = {"Accept-Language": lang}
    html = client.get(f"/outlets/{shop}", headers=headers).get_data(as_text=True)
    box = _box(html, "outlet-map")
    _check(box, lang, ("Karte: " if lang == "de" else "Map: ") + 'Hofladen <b>"Finow"</b>')
    assert box["data-name"] == 'Hofladen <b>"Finow"</b>' and float(box["data-lat"]) == EBERSWALDE[0]
    assert "<b>" not in html.split('id="outlet-map"')[1].split(">")[0]  # escaped in the attribute

    html = client.get("/outlets/?where=Eberswalde", headers=headers).get_data(as_text=True)
    box = _box(html, "finder-map")
    _check(box, lang, "Karte der Ergebnisse" if lang == "de" else "Map of the results")
    assert box["data-points"].startswith("[{") and box["data-lat"]


def test_the_site_forms_map(client, login_as):
    login_as("owner")
    html = client.get("/catalogue/sites/new").get_data(as_text=True)
    box = _box(html, "site-map")
    _check(box, "de", "Karte: Stecknadel setzen")
    assert box["data-marker"] == "Die Stecknadel (zum Verschieben ziehen)"


def test_without_javascript_maps_and_their_buttons_are_hidden(client, shop):
    html = client.get(f"/outlets/{shop}").get_data(as_text=True)
    assert '<noscript><link rel="stylesheet" href="/static/css/noscript.css"></noscript>' in html
    noscript = client.get("/static/css/noscript.css")
    assert ".map-box, .needs-script { display: none; }" in noscript.get_data(as_text=True)
    noscript.close()
