(function (T) {
  var el = document.getElementById("map");
  if (!el) { return; }
  var layers = T.readJSON("map-layers") || { points: [], areas: [] };
  var boundary = T.readJSON("map-boundary");
  var map = T.createMap(el);
  var outline = T.drawBoundary(map, boundary);
  var bounds = L.latLngBounds([]);
  layers.points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: 5, color: T.colourFor(p.category), weight: 1, fillOpacity: 0.7
    }).addTo(map);
    marker.bindPopup(
      "<strong>" + T.escape(p.label) + "</strong><br>" + T.escape(p.date) +
      (p.generated ? "<br><em>" + T.escape(el.dataset.generatedLabel || "generated demo data") + "</em>" : "") +
      '<br><a href="/incidents/' + Number(p.id) + '/">' + T.escape(el.dataset.openLabel || "Open") + "</a>"
    );
    bounds.extend([p.lat, p.lon]);
  });
  layers.areas.forEach(function (a) {
    var icon = L.divIcon({ className: "area-count " + a.level, html: String(Number(a.count)), iconSize: [38, 38] });
    L.marker([a.lat, a.lon], { icon: icon, keyboard: true, title: a.name + ": " + a.count })
      .bindPopup(T.escape(a.name) + ": " + Number(a.count)).addTo(map);
  });
  if (bounds.isValid()) {
    map.fitBounds(bounds.pad(0.2), { maxZoom: 15 });
  } else if (outline) {
    map.fitBounds(outline.getBounds());
  }
})(window.Trygg);
