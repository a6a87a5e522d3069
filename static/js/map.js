// One map setup for every page with a map (loaded after Leaflet, before the page's own script):
// OpenStreetMap tiles, Leaflet's controls in the page's language, and colours read from the
// stylesheet's custom properties (app.css :root), so a colour changes in one place.
// The box is a `map_box` (templates/_macros.html): its size is kept before Leaflet loads, and the
// words of the controls come as its data attributes (the CSP allows no inline script).
var VonHierMap = (function () {
  "use strict";

  // A colour of the stylesheet, e.g. colour("main-dark") for var(--main-dark).
  function colour(name) {
    return getComputedStyle(document.documentElement).getPropertyValue("--" + name).trim();
  }

  // A link as markup for Leaflet's attribution (which takes HTML), its words set as text.
  function link(href, text, title) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (title) { a.title = title; }
    return a.outerHTML;
  }

  // A Leaflet map in `box` with the tile layer; `options` go to L.map.
  function create(box, options) {
    var words = box.dataset;
    options = options || {};
    options.zoomControl = false;
    options.attributionControl = false;
    var map = L.map(box, options);
    L.control.zoom({zoomInTitle: words.zoomIn, zoomOutTitle: words.zoomOut}).addTo(map);
    L.control.attribution({prefix: link("https://leafletjs.com", "Leaflet", words.library)}).addTo(map);
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution: "© " + link("https://www.openstreetmap.org/copyright", words.contributors)
    }).addTo(map);
    map.on("popupopen", function () {
      var close = box.querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", words.close); }
    });
    return map;
  }

  // Without Leaflet (it failed to load) the box would stay an empty frame: the page's text says the same.
  function ready(box) {
    if (typeof L === "undefined") { box.hidden = true; return false; }
    return true;
  }

  // A named place: a round pin whose tooltip is the name. Leaflet reads a string as HTML, so the
  // name goes in as a text node.
  function pin(point, name, radius) {
    var label = document.createElement("span");
    label.textContent = name;
    return L.circleMarker(point, {radius: radius, color: colour("main-dark"), fillColor: colour("background"),
                                  fillOpacity: 1}).bindTooltip(label);
  }

  return {colour: colour, create: create, ready: ready, pin: pin};
}());
