// A map where a tap sets the form's lat/lon (receipt reports).
(function (T) {
  var el = document.getElementById("receipt-map");
  if (!el) { return; }
  var map = T.createMap(el);
  var outline = T.drawBoundary(map, T.readJSON("map-boundary"));
  map.setView(T.readJSON("map-centre") || [62, 15], 14);
  var lat = document.querySelector('input[name="lat"]'), lon = document.querySelector('input[name="lon"]');
  var marker = null;
  map.on("click", function (e) {
    if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng).addTo(map); }
    lat.value = e.latlng.lat.toFixed(6);
    lon.value = e.latlng.lng.toFixed(6);
  });
  return outline;
})(window.Trygg);
