// The client portal: draw the charts of what the practitioner shares (as on staff pages),
// keep the current page's tab in sight, and install the service worker (offline shell).
import { renderCharts } from "./charts.js";

renderCharts(document);

// On a phone the tabs scroll sideways; without this, "My data" or "Invoices" is the current
// page while the strip still shows Home, Appointments and Journal. The strip's own scrollLeft,
// not scrollIntoView, which would also scroll the page when the browser restores a position.
const nav = document.querySelector(".portal-nav");
const current = nav?.querySelector("[aria-current='page']");
if (nav && current && nav.scrollWidth > nav.clientWidth) {
  nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/portal/sw.js", { scope: "/portal/" }).catch(() => {});
}
