// Clickable atlas: pick a region for the practitioner chart forms, or cycle touch consent.
// Every action here also has a list / select alternative on the same page.

const CYCLE = ["welcome", "check_in", "not_welcome"];
const LABELS = { welcome: "touch welcome", check_in: "check in first", not_welcome: "not welcome" };

function init(pick) {
  const marksElement = document.getElementById(pick.dataset.marksId);
  const marks = marksElement ? JSON.parse(marksElement.textContent) : {};
  const polygons = pick.querySelectorAll("polygon[data-region]");
  const status = document.createElement("p");
  status.className = "small muted";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  pick.after(status);

  const paint = (code, value) => {
    for (const poly of pick.querySelectorAll(`polygon[data-region="${code}"]`)) {
      if (value) poly.dataset.touch = value;
    }
  };
  for (const poly of polygons) {
    if (marks[poly.dataset.region]) poly.dataset.touch = marks[poly.dataset.region];
  }

  if (pick.dataset.mode === "pick") {
    const selects = document.querySelectorAll("select[data-region-select]");
    pick.addEventListener("click", (event) => {
      const poly = event.target.closest("polygon[data-region]");
      if (!poly) return;
      for (const p of polygons) p.classList.toggle("bm-selected", p === poly);
      for (const select of selects) select.value = poly.dataset.region;
      const name = poly.querySelector("title")?.textContent || poly.dataset.region;
      const touch = marks[poly.dataset.region];
      status.textContent = `Chosen: ${name}${touch ? ` (${LABELS[touch]})` : ""}.`;
    });
    return;
  }

  // Consent mode: a tap cycles the region's status and updates its <select>.
  pick.addEventListener("click", (event) => {
    const poly = event.target.closest("polygon[data-region]");
    if (!poly) return;
    const code = poly.dataset.region;
    const select = document.querySelector(`select[data-region="${code}"]`);
    if (!select) return;
    const next = CYCLE[(CYCLE.indexOf(select.value) + 1) % CYCLE.length];
    select.value = next;
    paint(code, next);
    const name = poly.querySelector("title")?.textContent || code;
    status.textContent = `${name}: ${LABELS[next]}. Save to keep this as a new version.`;
  });
  for (const select of document.querySelectorAll("select[data-region]")) {
    select.addEventListener("change", () => paint(select.dataset.region, select.value));
  }
}

for (const pick of document.querySelectorAll(".bm-pick")) init(pick);
