// Small progressive enhancements shared by all pages (no inline scripts: see the CSP middleware).
document.querySelectorAll("select.js-autosubmit").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
