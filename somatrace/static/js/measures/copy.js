// "Copy link" on the secure-link page.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.addEventListener("click", async () => {
    const input = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector("[data-copy-status]");
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      if (status) status.textContent = "Copied.";
    } catch {
      if (status) status.textContent = "Select the link and copy it.";
    }
  });
}
