(function (T) {
  var el = document.getElementById("public-map");
  if (!el) { return; }
  var map = T.createMap(el);
  var outline = T.drawBoundary(map, T.readJSON("map-boundary"));
  map.setView(T.readJSON("map-centre") || [62, 15], 13);
  var group = L.featureGroup().addTo(map);
  (T.readJSON("public-cells") || []).forEach(function (c) {
    var ring = c.polygon.map(function (p) { return [p[1], p[0]]; });
    L.polygon(ring, { color: "#7f1d1d", weight: 1, fillColor: "#c0392b", fillOpacity: Math.min(0.8, 0.2 + c.count / 50) })
      .bindTooltip(String(c.count), { permanent: true, direction: "center", className: "cell-count" }).addTo(group);
  });
  if (group.getLayers().length) { map.fitBounds(group.getBounds().pad(0.3)); } else if (outline) { map.fitBounds(outline.getBounds()); }
})(window.Trygg);
