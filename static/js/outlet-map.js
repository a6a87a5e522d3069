// Outlet page: one pin on a small map. Without JavaScript or tiles the address above says the same.
(function () {
  "use strict";
  var box = document.getElementById("outlet-map");
  if (!box || !VonHierMap.ready(box)) { return; }
  var point = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
  var map = VonHierMap.create(box, {scrollWheelZoom: false}).setView(point, 13);
  VonHierMap.pin(point, box.dataset.name, 8).addTo(map);
}());
