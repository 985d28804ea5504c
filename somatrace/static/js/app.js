// Small progressive enhancements. Every page works without JavaScript.
import { renderCharts } from "./charts.js";

function enhance(root) {
  renderCharts(root);
}

// Enter in a field marked data-enter-clicks="ID" presses that button, not the form's first.
document.addEventListener("keydown", (event) => {
  const target = event.key === "Enter" && event.target.dataset?.enterClicks;
  if (target) {
    event.preventDefault();
    document.getElementById(target)?.click();
  }
});

document.addEventListener("DOMContentLoaded", () => enhance(document));
document.addEventListener("htmx:afterSwap", (event) => enhance(event.target));
