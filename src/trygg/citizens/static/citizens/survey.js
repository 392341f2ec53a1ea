// Survey: mark up to 10 places where you feel unsafe; tap a mark to remove it.
(function (T) {
  var el = document.getElementById("survey-map");
  if (!el) { return; }
  var map = T.createMap(el);
  T.drawBoundary(map, T.readJSON("map-boundary"));
  map.setView(T.readJSON("map-centre") || [62, 15], 14);
  var field = document.getElementById("unsafe-places");
  var marks = [];
  function save() { field.value = JSON.stringify(marks.map(function (m) { var p = m.getLatLng(); return [p.lat, p.lng]; })); }
  map.on("click", function (e) {
    if (marks.length >= 10) { return; }
    var m = L.circleMarker(e.latlng, { radius: 8, color: "#c0392b" }).addTo(map);
    m.on("click", function (ev) { L.DomEvent.stopPropagation(ev); map.removeLayer(m); marks.splice(marks.indexOf(m), 1); save(); });
    marks.push(m);
    save();
  });
})(window.Trygg);
