// Small progressive enhancements. Every page works without JavaScript.
import { renderCharts } from "./charts.js";

function enhance(root) {
  renderCharts(root);
}

document.addEventListener("DOMContentLoaded", () => enhance(document));
document.addEventListener("htmx:afterSwap", (event) => enhance(event.target));
