// Beside each time shown in the practice's zone, the same time in the browser's own zone
// when the two differ (a client travelling, or living elsewhere). No request is made.
const own = Intl.DateTimeFormat().resolvedOptions().timeZone;

for (const element of document.querySelectorAll("time[data-local-time]")) {
  const zone = element.dataset.zone;
  const moment = new Date(element.getAttribute("datetime"));
  if (!own || !zone || own === zone || Number.isNaN(moment.getTime())) continue;
  const wallClock = (timeZone) =>
    new Intl.DateTimeFormat(undefined, {
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      timeZone,
    }).format(moment);
  // Zones with other names may show the same clock at this moment (London and UTC in winter).
  if (wallClock(own) === wallClock(zone)) continue;
  const format = new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: own,
    timeZoneName: "short",
  });
  const extra = document.createElement("span");
  extra.className = "muted small";
  extra.textContent = ` (${format.format(moment)} your time)`;
  element.after(extra);
}
