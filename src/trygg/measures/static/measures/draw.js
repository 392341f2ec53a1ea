// Drawing an area: each tap adds a corner; the polygon goes into a hidden field as GeoJSON.
(function (T) {
  var boundary = T.readJSON("map-boundary");
  var initial = T.readJSON("draw-initial");
  // where to open when nothing is drawn yet: the city centre (the named areas), not the whole municipality
  var view = T.readJSON("draw-view");
  document.querySelectorAll(".js-draw").forEach(function (el) {
    var field = document.getElementById(el.dataset.target);
    var map = T.createMap(el);
    var outline = T.drawBoundary(map, boundary);
    var corners = [], shape = null, pending = null;
    if (field && field.value) {
      // a drawing sent back with a question (e.g. "is the place really this large?"): shown, kept until redrawn
      try {
        pending = L.geoJSON(JSON.parse(field.value), { style: { color: "#c0392b" } }).addTo(map);
      } catch (e) { pending = null; }
    }
    if (pending) {
      map.fitBounds(pending.getBounds().pad(0.2));
    } else if (initial) {
      var layer = L.geoJSON(initial).addTo(map);
      map.fitBounds(layer.getBounds().pad(0.5));
    } else if (view && view.bounds) {
      map.fitBounds(view.bounds, { maxZoom: 16 });
    } else if (outline) {
      map.fitBounds(outline.getBounds());
    }
    function redraw() {
      if (pending) { map.removeLayer(pending); pending = null; }
      if (shape) { map.removeLayer(shape); }
      shape = corners.length > 1 ? L.polygon(corners, { color: "#c0392b" }).addTo(map) : null;
      if (corners.length >= 3) {
        var ring = corners.map(function (c) { return [Number(c.lng.toFixed(6)), Number(c.lat.toFixed(6))]; });
        ring.push(ring[0]);
        field.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      } else {
        field.value = "";
      }
    }
    map.on("click", function (e) { corners.push(e.latlng); redraw(); });
    document.querySelectorAll('.js-draw-clear[data-target="' + el.dataset.target + '"]').forEach(function (b) {
      b.addEventListener("click", function () { corners = []; redraw(); });
    });
  });
})(window.Trygg);
