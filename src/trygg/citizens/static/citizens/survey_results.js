(function (T) {
  var el = document.getElementById("survey-places");
  if (!el) { return; }
  var map = T.createMap(el);
  var outline = T.drawBoundary(map, T.readJSON("map-boundary"));
  var group = L.featureGroup().addTo(map);
  (T.readJSON("survey-places-data") || []).forEach(function (cell) {
    L.polygon(cell.polygon, { color: "#c0392b", weight: 1, fillOpacity: 0.45 })
      .bindTooltip(String(cell.respondents)).addTo(group);
  });
  if (group.getLayers().length) { map.fitBounds(group.getBounds().pad(0.3)); } else if (outline) { map.fitBounds(outline.getBounds()); }
})(window.Trygg);
