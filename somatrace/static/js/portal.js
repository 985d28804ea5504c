// The client portal: draw the charts of what the practitioner shares (as on staff pages), and
// install the service worker (offline shell).
import { renderCharts } from "./charts.js";

renderCharts(document);

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/portal/sw.js", { scope: "/portal/" }).catch(() => {});
}
