// The stop form of a safety walk: "Använd min position" fills the hidden lat/lon from the phone (works without
// network); tapping the map does the same. Without Leaflet or tiles the form still works (position or named place).
(function () {
  var form = document.getElementById("stop-form");
  if (!form) { return; }
  var T = window.Trygg || {};
  var lat = form.querySelector('input[name="lat"]');
  var lon = form.querySelector('input[name="lon"]');
  var status = form.querySelector(".js-position");
  var mapEl = form.querySelector(".js-stop-map");
  var map = null, marker = null;

  function say(text) { if (status && text) { status.textContent = text; } }

  function setPoint(la, lo, fill) {
    if (fill) {
      lat.value = la.toFixed(6);
      lon.value = lo.toFixed(6);
      say(status.dataset.chosen);
    }
    if (map) {
      var ll = L.latLng(la, lo);
      if (marker) { marker.setLatLng(ll); } else { marker = L.marker(ll).addTo(map); }
    }
  }

  if (mapEl && window.L && T.createMap) {
    try {
      map = T.createMap(mapEl, { tap: true });
      T.drawBoundary(map, T.readJSON("map-boundary"));
      var area = T.readJSON("walk-area");
      var centre = T.readJSON("map-centre") || [62, 15];
      if (area) {
        var layer = L.geoJSON(area, { style: { color: "#1f4e79", weight: 2, fill: false, dashArray: "4" } }).addTo(map);
        map.fitBounds(layer.getBounds(), { maxZoom: 17 });
      } else {
        map.setView(centre, 15);
      }
      (T.readJSON("stop-places") || []).forEach(function (p) {
        L.circleMarker([p.lat, p.lon], { radius: 3, color: "#444" }).bindTooltip(T.escape(p.name)).addTo(map);
      });
      if (lat.value && lon.value) { setPoint(parseFloat(lat.value), parseFloat(lon.value), false); }
      map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng, true); });
      setTimeout(function () { map.invalidateSize(); }, 50);
    } catch (e) {
      map = null;  // no map: the position button and the named places still work
    }
  } else if (mapEl) {
    mapEl.hidden = true;
  }

  var locate = form.querySelector(".js-locate");
  if (locate) {
    locate.addEventListener("click", function () {
      if (!navigator.geolocation) { say(status.dataset.failed); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        setPoint(pos.coords.latitude, pos.coords.longitude, true);
        if (map) { map.setView([pos.coords.latitude, pos.coords.longitude], 17); }
      }, function () { say(status.dataset.failed); }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
})();
