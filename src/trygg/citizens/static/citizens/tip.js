// The tip form: tap the map to place the tip; open tips of the same kind nearby (per public grid square) are
// shown first, each with "Jag också" — one more resident for that tip instead of a duplicate.
(function (T) {
  var form = document.getElementById("tip-form");
  if (!form) { return; }
  var map = T.createMap(document.getElementById("tip-map"));
  T.drawBoundary(map, T.readJSON("map-boundary"));
  map.setView(T.readJSON("map-centre") || [62, 15], 15);
  var lat = form.querySelector('input[name="lat"]'), lon = form.querySelector('input[name="lon"]');
  var service = form.querySelector('select[name="service"]');
  var status = form.querySelector(".js-position"), nearby = document.getElementById("nearby");
  var marker = null, asked = 0;
  function checkNearby() {
    if (!lat.value) { return; }
    var question = ++asked;  // an answer to an earlier question (another kind, another spot) is dropped
    var url = "/tips/nara/?service=" + encodeURIComponent(service.value) + "&lat=" + lat.value + "&lon=" + lon.value;
    fetch(url, { headers: { "Accept": "application/json" } }).then(function (r) { return r.json(); }).then(function (data) {
      if (question !== asked) { return; }
      nearby.textContent = "";
      if (!data.tips || !data.tips.length) { nearby.hidden = true; return; }
      var title = document.createElement("p");
      title.textContent = nearby.dataset.title;
      var list = document.createElement("ul");
      data.tips.forEach(function (t) {
        var item = document.createElement("li");
        item.textContent = t.service + ", " + t.date + " ";
        if (t.me_too) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "js-me-too";
          button.textContent = nearby.dataset.meToo;
          button.addEventListener("click", function () { meToo(t.me_too, item, button); });
          item.appendChild(button);
        }
        list.appendChild(item);
      });
      nearby.appendChild(title);
      nearby.appendChild(list);
      nearby.hidden = false;
    });
  }
  function meToo(token, item, button) {
    button.disabled = true;
    var body = new URLSearchParams({ token: token });
    var csrf = form.querySelector('input[name="csrfmiddlewaretoken"]');
    fetch(nearby.dataset.meTooUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "", "Accept": "application/json" }
    }).then(function (r) {
      var note = document.createElement("strong");
      note.setAttribute("role", "status");
      note.textContent = r.ok ? nearby.dataset.meTooDone : nearby.dataset.meTooFailed;
      button.replaceWith(note);
    });
  }
  if (lat.value && lon.value) {
    marker = L.marker([parseFloat(lat.value), parseFloat(lon.value)]).addTo(map);
  }
  map.on("click", function (e) {
    if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng).addTo(map); }
    lat.value = e.latlng.lat.toFixed(6);
    lon.value = e.latlng.lng.toFixed(6);
    status.textContent = status.dataset.chosen;
    checkNearby();
  });
  service.addEventListener("change", checkNearby);
  var municipality = form.querySelector('select[name="municipality"]');
  municipality.addEventListener("change", function () {
    window.location.search = "?m=" + encodeURIComponent(municipality.value);
  });
})(window.Trygg);
