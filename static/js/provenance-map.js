// Provenance page: the supply chain on a small map. Without JavaScript or tiles the list above it
// says the same. The page gives only the legs with both ends on the map, and the box only when there
// is one (so it never has to disappear again, moving the page).
(function () {
  "use strict";
  var box = document.getElementById("chain-map");
  if (!box || !VonHierMap.ready(box)) { return; }
  var legs = JSON.parse(box.dataset.legs);
  var points = [];
  var map = VonHierMap.create(box, {scrollWheelZoom: false});
  legs.forEach(function (leg) {
    var from = leg.from, to = leg.to;
    var a = [from.lat, from.lon], b = [to.lat, to.lon];
    L.polyline([a, b], {color: VonHierMap.colour("main"), weight: 4, opacity: 0.8}).addTo(map);
    [[a, from], [b, to]].forEach(function (pair) {
      var place = pair[1];
      VonHierMap.pin(pair[0], place.name + (place.town && place.town !== place.name ? ", " + place.town : ""), 7)
        .addTo(map);
    });
    points.push(a, b);
  });
  map.fitBounds(points, {padding: [24, 24], maxZoom: 12});
}());
