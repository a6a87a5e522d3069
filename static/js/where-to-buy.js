// Provenance page: "nearest first" sorts the outlets that sell the product by distance from the
// visitor, who is asked for their position only when pressing the button. Nothing is sent anywhere.
(function () {
  "use strict";
  var button = document.getElementById("nearest-first");
  var list = document.getElementById("outlets-list");
  if (!button || !list) { return; }
  if (!navigator.geolocation) { button.hidden = true; return; }  // shown from the start: no shift

  function km(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180, dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
    var a = Math.pow(Math.sin(dLat / 2), 2) +
            Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * 6371.0088 * Math.asin(Math.sqrt(a));
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      var lat = position.coords.latitude, lon = position.coords.longitude;
      var items = Array.prototype.slice.call(list.children);
      items.forEach(function (item) {
        item.dataset.km = km(lat, lon, parseFloat(item.dataset.lat), parseFloat(item.dataset.lon));
        item.querySelector(".distance").textContent =
          "· " + Number(item.dataset.km).toLocaleString(document.documentElement.lang, {maximumFractionDigits: 1}) + " km";
      });
      items.sort(function (a, b) { return a.dataset.km - b.dataset.km; });
      items.forEach(function (item) { list.appendChild(item); });
      button.hidden = true;
    }, function () { button.disabled = false; }, {maximumAge: 600000, timeout: 10000});
  });
}());
