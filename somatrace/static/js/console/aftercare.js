// Fill the aftercare text from a chosen template (the page works without this: edit by hand).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-aftercare-template]");
  if (!button) return;
  const source = document.getElementById(button.dataset.aftercareTemplate);
  const field = document.getElementById("id_aftercare");
  if (source && field) {
    field.value = source.content.textContent.trim();
    field.focus();
  }
});
