// Outlet page: one pin on a small map. Without JavaScript or tiles the address above says the same.
(function () {
  "use strict";
  var box = document.getElementById("outlet-map");
  if (!box || typeof L === "undefined") { return; }
  var point = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
  if (isNaN(point[0]) || isNaN(point[1])) { return; }
  box.hidden = false;
  var map = L.map(box, {scrollWheelZoom: false}).setView(point, 13);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "© <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>"
  }).addTo(map);
  // Leaflet reads a string as HTML: the name goes in as text.
  var label = document.createElement("span");
  label.textContent = box.dataset.name;
  L.circleMarker(point, {radius: 8, color: "#1f4a27", fillColor: "#faf6ec", fillOpacity: 1})
    .bindTooltip(label).addTo(map);
}());
