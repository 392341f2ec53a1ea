// The request form: choosing another authority puts its template text in the request (the officer edits it).
document.getElementById("r-authority")?.addEventListener("change", (event) => {
  const template = document.querySelector(`template[data-authority="${event.target.value}"]`);
  if (template) document.getElementById("r-text").value = template.content.textContent;
});
