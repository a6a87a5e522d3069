"""Maps in a real browser: Leaflet's controls speak the page's language, and nothing on the page moves
when a map appears (its box has its size before Leaflet loads)."""

import pytest
from playwright.sync_api import expect

from .conftest import WIDTHS, screenshot

pytestmark = pytest.mark.browser
FINDER = "/outlets/?where=Berlin&radius=100"
# The sum of the page's layout shifts so far, as the browser counts them for CLS (the buffered entries
# arrive at once; a page without any shift sends none, hence the short wait).
LAYOUT_SHIFT = """() => new Promise(done => {
  let sum = 0;
  new PerformanceObserver(list => list.getEntries().forEach(entry => {
    sum += entry.hadRecentInput ? 0 : entry.value;
  })).observe({type: "layout-shift", buffered: true});
  setTimeout(() => done(sum), 500);
})"""


@pytest.mark.parametrize("device", WIDTHS)
def test_zoom_buttons_and_attribution_are_german_on_a_german_page(demo, live_server, page_at, device):
    page = page_at(WIDTHS[device])
    assert page.goto(live_server + FINDER).status == 200
    box = page.locator("#finder-map")
    expect(box.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Vergrößern")
    expect(box.locator(".leaflet-control-zoom-out")).to_have_attribute("title", "Verkleinern")
    expect(box.locator(".leaflet-control-zoom-in")).to_have_attribute("aria-label", "Vergrößern")
    expect(box.locator(".leaflet-control-attribution")).to_contain_text("OpenStreetMap-Mitwirkende")
    expect(box.locator(".leaflet-control-attribution a[href='https://leafletjs.com']")).to_have_attribute(
        "title", "Eine JavaScript-Bibliothek für interaktive Karten"
    )
    # Markers are named for their outlet (Leaflet's own alt text is the English "Marker").
    assert box.locator("img.leaflet-marker-icon[alt='Marker']").count() == 0
    screenshot(page, f"map-controls-de-{device}")
    assert page.console_errors == []


def test_zoom_buttons_are_english_on_an_english_page(demo, live_server, page_at):
    page = page_at(WIDTHS["desktop"], locale="en-GB")
    assert page.goto(live_server + FINDER).status == 200
    expect(page.locator("#finder-map .leaflet-control-zoom-in")).to_have_attribute("title", "Zoom in")


@pytest.mark.parametrize("device", WIDTHS)
def test_the_finder_does_not_move_when_its_map_appears(demo, live_server, page_at, device):
    """Leaflet is held back until the page is laid out: the map's box and the results below it stay
    where they were once the map has drawn itself, and the browser counts no layout shift."""
    page = page_at(WIDTHS[device])
    held = []
    page.route("**/static/vendor/leaflet/leaflet.js", lambda route: held.append(route))
    page.goto(live_server + FINDER, wait_until="commit")
    box, first = page.locator("#finder-map"), page.locator("ol.results li").first
    first.wait_for(state="attached")
    while not held:  # the parser has reached the scripts after the results
        page.wait_for_timeout(50)
    # The stylesheet may still be on its way on a busy machine: the box has its height once it applies.
    page.wait_for_function("document.querySelector('#finder-map').getBoundingClientRect().height > 200")
    before = box.bounding_box(), first.bounding_box()
    assert before[0] and before[0]["height"] > 200, before  # the space is kept before Leaflet loads
    held[0].continue_()
    expect(box.locator(".leaflet-control-zoom-in")).to_be_visible()
    assert (box.bounding_box(), first.bounding_box()) == before
    assert page.evaluate(LAYOUT_SHIFT) < 0.01
    assert page.console_errors == []
