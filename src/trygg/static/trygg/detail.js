(function (T) {
  var el = document.getElementById("map");
  if (!el) { return; }
  var lat = T.readJSON("incident-lat"), lon = T.readJSON("incident-lon");
  var centroid = T.readJSON("incident-centroid");
  var map = T.createMap(el);
  var outline = T.drawBoundary(map, T.readJSON("map-boundary"));
  if (centroid) {
    if (outline) { map.fitBounds(outline.getBounds()); } else { map.setView([lat, lon], 8); }
  } else {
    L.circleMarker([lat, lon], { radius: 8, color: "#c0392b" }).addTo(map);
    map.setView([lat, lon], 16);
  }
})(window.Trygg);
