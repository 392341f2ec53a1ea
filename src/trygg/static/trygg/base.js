// Small progressive enhancements shared by all pages (no inline scripts: see the CSP middleware).
document.querySelectorAll("select.js-autosubmit").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});

// A table wider than the screen scrolls inside its .table-wrap: such a region must be reachable by keyboard
// and named (WCAG 2.1.1; axe's scrollable-region-focusable), after the nearest caption or heading.
(function () {
  function nameOf(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    var node = wrap;
    while (node) {
      var previous = node.previousElementSibling;
      while (previous) {
        if (/^H[1-6]$/.test(previous.tagName)) { return previous.textContent.trim(); }
        previous = previous.previousElementSibling;
      }
      node = node.parentElement;
    }
    return document.title;
  }
  function markScrolling() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth <= wrap.clientWidth + 1 || wrap.hasAttribute("tabindex")) { return; }
      wrap.setAttribute("tabindex", "0");
      if (!wrap.hasAttribute("role")) { wrap.setAttribute("role", "region"); }
      if (!wrap.hasAttribute("aria-label")) { wrap.setAttribute("aria-label", nameOf(wrap)); }
    });
  }
  markScrolling();
  window.addEventListener("resize", markScrolling);
})();
