// The residents' public map: squares with their counts in steps of k, from the day's release (aggregated on the
// server; no points are sent).
(function (T) {
  var el = document.getElementById("public-map");
  if (!el) { return; }
  var map = T.createMap(el);
  var outline = T.drawBoundary(map, T.readJSON("map-boundary"));
  map.setView(T.readJSON("map-centre") || [62, 15], 13);
  // the same classes as the legend's swatches (public_map.css): colour, and the border's dash and weight
  var styles = [
    { color: "#333", weight: 2, dashArray: "6 4", fillColor: "#f6bd60", fillOpacity: 0.55 },
    { color: "#333", weight: 2, fillColor: "#e76f51", fillOpacity: 0.65 },
    { color: "#000", weight: 4, fillColor: "#7f1d1d", fillOpacity: 0.75 }
  ];
  var group = L.featureGroup().addTo(map);
  (T.readJSON("public-cells") || []).forEach(function (c) {
    var ring = c.polygon.map(function (p) { return [p[1], p[0]]; });
    var range = c.low + "\u2013" + c.high;  // "5–9", as in the table
    L.polygon(ring, styles[c["class"]] || styles[0])
      .bindTooltip(range, { permanent: true, direction: "center", className: "cell-count" })
      .bindPopup(T.escape(c.place) + ": " + T.escape(range))
      .addTo(group);
  });
  // never closer than zoom 14: a single square would otherwise fill the map and hide where it is
  if (group.getLayers().length) { map.fitBounds(group.getBounds().pad(0.3), { maxZoom: 14 }); } else if (outline) { map.fitBounds(outline.getBounds()); }
})(window.Trygg);
