// Provenance page: the supply chain on a small map. Without JavaScript or tiles the list above it
// says the same, so the map only appears once Leaflet has loaded.
(function () {
  "use strict";
  var box = document.getElementById("chain-map");
  if (!box || typeof L === "undefined") { return; }
  var legs = JSON.parse(box.dataset.legs);
  var points = [];
  box.hidden = false;
  var map = L.map(box, {scrollWheelZoom: false});
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "© <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>"
  }).addTo(map);
  legs.forEach(function (leg) {
    var from = leg.from, to = leg.to;
    if (from.lat === null || to.lat === null) { return; }
    var a = [from.lat, from.lon], b = [to.lat, to.lon];
    L.polyline([a, b], {color: "#2f6b3a", weight: 4, opacity: 0.8}).addTo(map);
    [[a, from], [b, to]].forEach(function (pair) {
      // Leaflet reads a string as HTML: names go in as text.
      var label = document.createElement("span");
      label.textContent = pair[1].name + (pair[1].town && pair[1].town !== pair[1].name ? ", " + pair[1].town : "");
      L.circleMarker(pair[0], {radius: 7, color: "#1f4a27", fillColor: "#faf6ec", fillOpacity: 1})
        .bindTooltip(label)
        .addTo(map);
    });
    points.push(a, b);
  });
  if (points.length) { map.fitBounds(points, {padding: [24, 24], maxZoom: 12}); } else { box.hidden = true; }
}());
