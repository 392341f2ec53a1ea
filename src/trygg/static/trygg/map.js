// Shared Leaflet helpers. Tile URL and attribution come from settings via <meta> tags in base.html.
window.Trygg = window.Trygg || {};
(function (T, script) {
  // Leaflet guesses its marker images' folder from leaflet.css, which fails with hashed static file names
  // (marker-icon.png is asked for next to the page): the template gives their URLs from {% static %}.
  var icons = script ? script.dataset : {};
  if (icons.markerIcon) {
    L.Icon.Default.imagePath = "";  // a string: no guessing, the URLs below are whole
    L.Icon.Default.mergeOptions({
      iconUrl: icons.markerIcon,
      iconRetinaUrl: icons.markerIcon2x || icons.markerIcon,
      shadowUrl: icons.markerShadow
    });
  }
  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }
  T.readJSON = function (id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  };
  T.createMap = function (element, options) {
    // A view is set at once: Leaflet cannot add vector layers to a map that has none yet.
    var map = L.map(element, Object.assign({ scrollWheelZoom: false, center: [62, 15], zoom: 5, zoomControl: false },
      options || {}));
    // the zoom buttons in the page's language (Leaflet's own titles are English)
    L.control.zoom({ zoomInTitle: meta("trygg-zoom-in") || "+", zoomOutTitle: meta("trygg-zoom-out") || "−" }).addTo(map);
    // Leaflet's own credit without its English tooltip ("A JavaScript library for interactive maps")
    if (map.attributionControl) { map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>'); }
    var url = meta("trygg-tile-url");
    if (url) {
      L.tileLayer(url, { maxZoom: 19, attribution: meta("trygg-tile-attribution") }).addTo(map);
    }
    return map;
  };
  T.drawBoundary = function (map, geometry) {
    if (!geometry) { return null; }
    var layer = L.geoJSON(geometry, { style: { color: "#1f4e79", weight: 2, fill: false } }).addTo(map);
    return layer;
  };
  var palette = ["#1b6ca8", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#2c3e50", "#b8860b",
    "#7f8c8d", "#e84393", "#0097a7", "#6d4c41"];
  var assigned = {};
  T.colourFor = function (code) {
    if (!(code in assigned)) { assigned[code] = palette[Object.keys(assigned).length % palette.length]; }
    return assigned[code];
  };
  T.escape = function (text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  };
})(window.Trygg, document.currentScript);
