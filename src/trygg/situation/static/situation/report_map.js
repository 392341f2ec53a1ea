// The lägesbild's interactive map: boundary, density overlay, hot/cold cells, numbered hot spots, area outline.
(function (T) {
  var el = document.getElementById("report-map");
  if (!el) { return; }
  var layers = T.readJSON("report-layers") || {};
  var labels = layers.labels || {};
  var map = T.createMap(el);
  var outline = T.drawBoundary(map, layers.boundary);
  var group = L.featureGroup().addTo(map);
  if (layers.density) {
    L.imageOverlay(layers.density.png, layers.density.bounds, { opacity: 0.8, interactive: false }).addTo(map);
  }
  function ring(polygon) { return polygon.map(function (p) { return [p[1], p[0]]; }); }
  function cells(list, style, label) {
    list.forEach(function (c) {
      L.polygon(ring(c.polygon), style(c)).bindTooltip(T.escape(label(c))).addTo(group);
    });
  }
  function opacity(c) { return c["class"].split("_")[1] === "99" ? 0.6 : 0.4; }
  cells(layers.hot || [], function (c) {
    return { color: "#7f1d1d", weight: 1, fillColor: "#c0392b", fillOpacity: opacity(c) };
  }, function (c) { return (labels.hot || "") + " " + c["class"].split("_")[1] + " %: " + c.window + " " + (labels.incidents || ""); });
  cells(layers.cold || [], function (c) {
    return { color: "#1f4e79", weight: 1, fillColor: "#3c78b4", fillOpacity: opacity(c), dashArray: "3" };
  }, function (c) { return (labels.cold || "") + " " + c["class"].split("_")[1] + " %"; });
  (layers.hotspots || []).forEach(function (h) {
    var shape = L.polygon(ring(h.polygon), { color: "#000", weight: 2, fill: false }).addTo(group);
    shape.bindTooltip(T.escape(h.label));
    L.marker(shape.getBounds().getCenter(), {
      icon: L.divIcon({ className: "hotspot-number", html: String(h.number), iconSize: [22, 22] }),
      keyboard: false,
      title: h.label
    }).addTo(group);
  });
  if (layers.area) {
    L.geoJSON(layers.area, { style: { color: "#000", weight: 2, dashArray: "6 4", fill: false } }).addTo(map);
  }
  if (group.getLayers().length) {
    map.fitBounds(group.getBounds().pad(0.5));
  } else if (layers.density) {
    map.fitBounds(layers.density.bounds);
  } else if (outline) {
    map.fitBounds(outline.getBounds());
  }
})(window.Trygg);
