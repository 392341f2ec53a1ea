(function (T) {
  var el = document.getElementById("measure-map");
  if (!el) { return; }
  var map = T.createMap(el);
  T.drawBoundary(map, T.readJSON("map-boundary"));
  var group = L.featureGroup().addTo(map);
  var treated = T.readJSON("treated-area"), control = T.readJSON("control-area");
  if (treated) { L.geoJSON(treated, { style: { color: "#c0392b", weight: 2 } }).bindTooltip("Behandlat område").addTo(group); }
  if (control) { L.geoJSON(control, { style: { color: "#1f4e79", weight: 2, dashArray: "5 4" } }).bindTooltip("Kontrollområde").addTo(group); }
  if (group.getLayers().length) { map.fitBounds(group.getBounds().pad(0.5)); }
})(window.Trygg);
