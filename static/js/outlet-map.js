// Outlet page: one pin on a small map. Without JavaScript or tiles the address above says the same.
(function () {
  "use strict";
  var box = document.getElementById("outlet-map");
  if (!box || typeof L === "undefined") { return; }
  var point = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
  if (isNaN(point[0]) || isNaN(point[1])) { return; }
  box.hidden = false;
  var map = VonHierMap.create(box, {scrollWheelZoom: false}).setView(point, 13);
  VonHierMap.pin(point, box.dataset.name, 8).addTo(map);
}());
