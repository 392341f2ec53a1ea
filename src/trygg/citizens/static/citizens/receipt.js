// The venue list shows only the venues of the chosen municipality (each municipality is an <optgroup>).
(function () {
  const municipality = document.getElementById("id_municipality");
  const venues = document.getElementById("id_venue_choice");
  if (!municipality || !venues) return;
  function follow() {
    const chosen = municipality.options[municipality.selectedIndex].text;
    for (const group of venues.querySelectorAll("optgroup")) {
      const shown = group.label === chosen;
      group.hidden = !shown;
      group.disabled = !shown;
      if (!shown && group.contains(venues.options[venues.selectedIndex])) venues.selectedIndex = 0;
    }
  }
  municipality.addEventListener("change", follow);
  follow();
})();
