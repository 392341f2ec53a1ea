// The EST report form: one mini map per incident card; tap to place, or use the device position.
(function (T) {
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var places = T.readJSON("report-places") || [];
  var boundary = T.readJSON("map-boundary");
  var centre = T.readJSON("map-centre") || [62, 15];
  var totalInput = form.querySelector('input[name$="-TOTAL_FORMS"]');

  function field(card, name) {
    return card.querySelector('[name="' + card.dataset.prefix + "-" + name + '"]');
  }

  function initCard(card) {
    var mapEl = card.querySelector(".mini-map");
    var map = T.createMap(mapEl, { tap: true });
    T.drawBoundary(map, boundary);
    var lat = field(card, "lat"), lon = field(card, "lon");
    var status = card.querySelector(".js-position");
    var marker = null;
    function setPoint(latlng, fill) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      if (fill) {
        lat.value = latlng.lat.toFixed(6);
        lon.value = latlng.lng.toFixed(6);
        status.textContent = status.dataset.chosen || "✓";
      }
    }
    if (lat.value && lon.value) {
      setPoint(L.latLng(parseFloat(lat.value), parseFloat(lon.value)), false);
      map.setView([parseFloat(lat.value), parseFloat(lon.value)], 16);
    } else {
      map.setView(centre, 15);
    }
    map.on("click", function (e) { setPoint(e.latlng, true); });
    var place = field(card, "place");
    if (place) {
      place.addEventListener("change", function () {
        var chosen = places.find(function (p) { return String(p.id) === place.value; });
        if (chosen) {
          map.setView([chosen.lat, chosen.lon], 16);
          if (!lat.value) { setPoint(L.latLng(chosen.lat, chosen.lon), false); }
        }
      });
    }
    card.querySelector(".js-locate").addEventListener("click", function () {
      if (!navigator.geolocation) { return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
        setPoint(ll, true);
        map.setView(ll, 17);
      });
    });
    setTimeout(function () { map.invalidateSize(); }, 50);
  }

  // A form opened from the phone's copy (no network) carries the time it was kept: a new card starts at now.
  function localNow() {
    var d = new Date();
    d.setSeconds(0, 0);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }
  function startNow(card) {
    var start = field(card, "occurred_start");
    if (start) { start.value = localNow(); }
  }
  var fresh = document.getElementById("cards").getAttribute("data-fresh") === "1";

  function renumber() {
    form.querySelectorAll(".incident-card").forEach(function (card, i) {
      var n = card.querySelector(".card-number");
      if (n) { n.textContent = i + 1; }
    });
  }

  form.querySelectorAll(".incident-card").forEach(function (card) {
    if (fresh) { startNow(card); }
    initCard(card);
  });
  document.getElementById("add-card").addEventListener("click", function () {
    var index = parseInt(totalInput.value, 10);
    var html = document.getElementById("card-template").innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var card = holder.firstElementChild;
    document.getElementById("cards").appendChild(card);
    totalInput.value = index + 1;
    startNow(card);
    initCard(card);
    renumber();
    var first = card.querySelector("select, input, textarea");
    if (first) { first.focus(); }
  });
  var municipality = form.querySelector('select[name="municipality"]');
  if (municipality) {
    municipality.addEventListener("change", function () {
      window.location.search = "?m=" + encodeURIComponent(municipality.value);
    });
  }
})(window.Trygg);
