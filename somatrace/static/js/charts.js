// Draw the Vega-Lite specs the server embeds as <script type="application/json">.
// Vega runs in its CSP-safe mode: expressions are interpreted, never compiled with eval.

const VENDOR = new URL("../vendor/", import.meta.url);
let vegaReady = null;

function loadScript(name) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = new URL(name, VENDOR).href;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${name}`));
    document.head.append(script);
  });
}

function loadVega() {
  // Loaded on demand, in order: vega-embed needs vega and vega-lite on window.
  vegaReady ??= loadScript("vega.min.js")
    .then(() => loadScript("vega-lite.min.js"))
    .then(() => loadScript("vega-interpreter.min.js"))
    .then(() => loadScript("vega-embed.min.js"));
  return vegaReady;
}

// "container" width does not work inside facets; size to the element instead.
function fitWidth(spec, width) {
  if (spec && typeof spec === "object") {
    if (spec.width === "container") spec.width = width;
    for (const value of Object.values(spec)) {
      if (value && typeof value === "object") fitWidth(value, width);
    }
  }
  return spec;
}

function darkTheme() {
  return window.matchMedia("(prefers-color-scheme: dark)").matches;
}

async function draw(element) {
  const source = document.getElementById(element.dataset.specId);
  if (!source) return;
  const spec = JSON.parse(source.textContent);
  // Leave room for the y axis and its labels beside the plotting area.
  const width = Math.max(200, element.clientWidth - 56);
  await loadVega();
  const result = await window.vegaEmbed(element, fitWidth(spec, width), {
    actions: false,
    renderer: "svg",
    ast: true,
    expr: window.vegaExpressionInterpreter,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true },
    theme: darkTheme() ? "dark" : undefined,
    config: darkTheme() ? { background: null } : undefined,
  });
  element.dataset.rendered = "true";
  element.setAttribute("aria-hidden", "true");
  return result;
}

export function renderCharts(root) {
  root.querySelectorAll(".vega-chart:not([data-rendered])").forEach((element) => {
    draw(element).catch((error) => {
      element.dataset.rendered = "error";
      element.textContent = "The chart could not be drawn; the table below has the same data.";
      console.error(error);
    });
  });
}
