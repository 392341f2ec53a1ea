// The lägesbild's interactive map: boundary, hot/cold cells (hatched by class in the legend text), emerging cells.
(function (T) {
  var el = document.getElementById("report-map");
  if (!el) { return; }
  var layers = T.readJSON("report-layers") || {};
  var map = T.createMap(el);
  var outline = T.drawBoundary(map, layers.boundary);
  var group = L.featureGroup().addTo(map);
  function cells(list, style, label) {
    list.forEach(function (c) {
      var ring = c.polygon.map(function (p) { return [p[1], p[0]]; });
      L.polygon(ring, style(c)).bindTooltip(label(c)).addTo(group);
    });
  }
  var hotStyle = function (c) {
    var level = c["class"].split("_")[1];
    return { color: "#7f1d1d", weight: 1, fillColor: "#c0392b", fillOpacity: level === "99" ? 0.7 : level === "95" ? 0.5 : 0.3 };
  };
  var coldStyle = function (c) {
    var level = c["class"].split("_")[1];
    return { color: "#1f4e79", weight: 1, fillColor: "#3c78b4", fillOpacity: level === "99" ? 0.7 : level === "95" ? 0.5 : 0.3, dashArray: "3" };
  };
  cells(layers.hot || [], hotStyle, function (c) { return c["class"].replace("_", " ") + " %, n=" + c.count + ", z=" + c.z; });
  cells(layers.cold || [], coldStyle, function (c) { return c["class"].replace("_", " ") + " %, n=" + c.count; });
  if (layers.area) {
    L.geoJSON(layers.area, { style: { color: "#000", weight: 2, dashArray: "6 4", fill: false } }).addTo(map);
  }
  if (group.getLayers().length) {
    map.fitBounds(group.getBounds().pad(0.5));
  } else if (outline) {
    map.fitBounds(outline.getBounds());
  }
})(window.Trygg);
