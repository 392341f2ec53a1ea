(function (T) {
  var el = document.getElementById("survey-places");
  if (!el) { return; }
  var map = T.createMap(el);
  var outline = T.drawBoundary(map, T.readJSON("map-boundary"));
  var group = L.featureGroup().addTo(map);
  (T.readJSON("survey-places-data") || []).forEach(function (p) {
    L.circleMarker(p, { radius: 5, color: "#c0392b", fillOpacity: 0.5 }).addTo(group);
  });
  if (group.getLayers().length) { map.fitBounds(group.getBounds().pad(0.3)); } else if (outline) { map.fitBounds(outline.getBounds()); }
})(window.Trygg);
