// One map setup for every page with a map (loaded after Leaflet, before the page's own script):
// OpenStreetMap tiles, and colours read from the stylesheet's custom properties (app.css :root),
// so a colour changes in one place.
var VonHierMap = (function () {
  "use strict";

  // A colour of the stylesheet, e.g. colour("green-dark") for var(--green-dark).
  function colour(name) {
    return getComputedStyle(document.documentElement).getPropertyValue("--" + name).trim();
  }

  // A Leaflet map in `box` with the tile layer; `options` go to L.map.
  function create(box, options) {
    var map = L.map(box, options);
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution: "© <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>"
    }).addTo(map);
    return map;
  }

  // A named place: a round pin whose tooltip is the name. Leaflet reads a string as HTML, so the
  // name goes in as a text node.
  function pin(point, name, radius) {
    var label = document.createElement("span");
    label.textContent = name;
    return L.circleMarker(point, {radius: radius, color: colour("green-dark"), fillColor: colour("cream"),
                                  fillOpacity: 1}).bindTooltip(label);
  }

  return {colour: colour, create: create, pin: pin};
}());
