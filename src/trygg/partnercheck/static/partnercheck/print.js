// "Skriv ut kvittot": the button is shown only where a script may print the page (no inline script: CSP).
document.querySelectorAll(".js-print").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
