// Site form: a Leaflet map to place the site's pin, and a town look-up in the offline gazetteer.
// Without JavaScript (or without map tiles) the form still works: coordinates can be typed in, or
// left empty for the server to take the town centre.
(function () {
  "use strict";
  var box = document.getElementById("site-map");
  if (!box) { return; }
  var actions = document.querySelector(".map-actions");
  if (!VonHierMap.ready(box)) { actions.hidden = true; return; }
  var latInput = document.getElementById(box.dataset.latInput);
  var lonInput = document.getElementById(box.dataset.lonInput);
  var townInput = document.getElementById(box.dataset.townInput);
  var result = document.getElementById("find-town-result");

  // The middle of the region (the region pack's map start) until there is a pin.
  var start = [parseFloat(box.dataset.startLat), parseFloat(box.dataset.startLon)];
  var hasPoint = latInput.value && lonInput.value;
  var map = VonHierMap.create(box).setView(
    hasPoint ? [parseFloat(latInput.value), parseFloat(lonInput.value)] : start,
    hasPoint ? 13 : parseInt(box.dataset.startZoom, 10));
  var marker = null;

  function place(lat, lon, zoom) {
    var point = L.latLng(lat, lon);
    if (marker) { marker.setLatLng(point); } else {
      marker = L.marker(point, {draggable: true, alt: box.dataset.marker}).addTo(map);
      marker.on("dragend", function () { fill(marker.getLatLng()); });
    }
    if (zoom) { map.setView(point, zoom); }
    fill(point);
  }

  function fill(point) {
    latInput.value = point.lat.toFixed(5);
    lonInput.value = point.lng.toFixed(5);
  }

  if (hasPoint) { place(parseFloat(latInput.value), parseFloat(lonInput.value)); }
  map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng); });

  document.getElementById("find-town").addEventListener("click", function () {
    var query = townInput.value.trim();
    if (query.length < 2) { townInput.focus(); return; }
    var country = document.getElementById("country");
    var url = box.dataset.placesUrl + "?q=" + encodeURIComponent(query) + "&country=" + (country ? country.value : "DE");
    fetch(url, {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.places && data.places.length) {
          place(data.places[0].lat, data.places[0].lon, 13);
          result.textContent = data.places[0].label;
        } else {
          result.textContent = (data.error && data.error.message) || box.dataset.notFound || "–";
        }
      });
  });
}());
