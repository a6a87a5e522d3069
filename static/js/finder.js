// Finder: "use my position" fills the form's coordinates and searches; the results appear on a map
// with clustered markers. Without JavaScript the form and the list work alone.
(function () {
  "use strict";
  var form = document.getElementById("finder-form");
  var nearMe = document.getElementById("near-me");
  if (nearMe && !navigator.geolocation) { nearMe.hidden = true; }  // shown from the start: no shift
  if (form && nearMe && navigator.geolocation) {
    nearMe.addEventListener("click", function () {
      nearMe.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        // About a kilometre is enough for a search of 5 km and more, and says less about the visitor.
        document.getElementById("lat").value = position.coords.latitude.toFixed(2);
        document.getElementById("lon").value = position.coords.longitude.toFixed(2);
        document.getElementById("where").value = "";
        form.submit();
      }, function () { nearMe.disabled = false; }, {maximumAge: 600000, timeout: 10000});
    });
  }

  var box = document.getElementById("finder-map");
  if (!box || !VonHierMap.ready(box)) { return; }
  if (typeof L.markerClusterGroup === "undefined") { box.hidden = true; return; }
  var points = JSON.parse(box.dataset.points);
  var map = VonHierMap.create(box, {scrollWheelZoom: false});
  var cluster = L.markerClusterGroup();
  var bounds = [];
  points.forEach(function (point) {
    var link = document.createElement("a");
    link.href = box.dataset.outletUrl + point.id;
    link.textContent = point.name + ", " + point.town;
    // The marker's image is named for the outlet (Leaflet's own alt text is the English "Marker").
    cluster.addLayer(L.marker([point.lat, point.lon], {alt: link.textContent}).bindPopup(link));
    bounds.push([point.lat, point.lon]);
  });
  map.addLayer(cluster);
  if (box.dataset.lat) {
    var centre = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
    L.circleMarker(centre, {radius: 6, color: VonHierMap.colour("red")}).addTo(map);
    bounds.push(centre);
  }
  map.fitBounds(bounds, {padding: [24, 24], maxZoom: 13});
}());
