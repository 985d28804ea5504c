// The client portal: install the service worker (offline shell). Nothing else runs here.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/portal/sw.js", { scope: "/portal/" }).catch(() => {});
}
