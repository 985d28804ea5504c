// Body-map painting: Pointer Events on a <canvas> under the atlas outline (inline SVG).
// The canonical record is the strokes (points normalised 0-1 to the view, pressure, time);
// the server rasterises them (bodymaps/raster.py). Colours match bodymaps/render.py.
import { postJSON } from "../net.js";

function init(root) {
  // What the server owns (raster, payload and render limits and colours), from Python.
  const config = JSON.parse(document.getElementById("bm-config").textContent);
  const COLOURS = config.colours;
  const BODY_FILL = config.bodyFill;
  const PRESSURE_FLOOR = config.pressureFloor;
  const MAX_POINTS = config.maxPoints;
  const MAX_TIME_MS = config.maxTimeMs;
  const canvas = root.querySelector("#bm-canvas");
  const ctx = canvas.getContext("2d");
  const status = root.querySelector("#bm-status");
  const undoButton = root.querySelector("#bm-undo");
  const redoButton = root.querySelector("#bm-redo");
  const radiusInput = root.querySelector("#bm-radius");
  const eraser = root.querySelector("#bm-eraser");
  const nothing = root.querySelector("#bm-nothing");
  const W = config.width;
  const H = config.height;
  const SCALE = 2; // canvas pixels per atlas unit
  canvas.width = W * SCALE;
  canvas.height = H * SCALE;

  const layers = {};
  for (const name of Object.keys(COLOURS)) {
    const c = document.createElement("canvas");
    c.width = canvas.width;
    c.height = canvas.height;
    layers[name] = c;
  }

  // Region polygons per body outline and view, from the server-rendered SVG (atlas units).
  // Both outlines are on the page: choosing the other one keeps the strokes, which are
  // normalised to the view, and draws them on the new outline.
  //
  // The body (silhouette) is the union of the CHOIR regions only, as on the server
  // (raster.body_mask); the somatic zones overlap those regions and are no part of it. It is
  // drawn once per outline and view into a mask canvas, each region filled on its own, so the
  // union does not depend on which way round a polygon runs. (Drawn as one path with the
  // nonzero rule, a zone and a region running opposite ways cancelled where they overlap: half
  // of the heart, throat and diaphragm zones showed neither the body nor the paint stored
  // there.) Each region is also outlined one atlas unit wide, as the server's polygon fill
  // includes the boundary pixels: the hairline gaps between neighbouring regions are body too.
  const polygons = {};
  const bodies = {};
  function toPath(pts) {
    const path = new Path2D();
    pts.forEach(([x, y], i) => (i ? path.lineTo(x * SCALE, y * SCALE) : path.moveTo(x * SCALE, y * SCALE)));
    path.closePath();
    return path;
  }
  for (const outline of root.querySelectorAll(".bm-outline")) {
    const { shape: outlineShape, view } = outline.dataset;
    polygons[outlineShape] ??= {};
    bodies[outlineShape] ??= {};
    const regions = (polygons[outlineShape][view] = {});
    const body = document.createElement("canvas");
    body.width = canvas.width;
    body.height = canvas.height;
    const bc = body.getContext("2d");
    bc.fillStyle = bc.strokeStyle = BODY_FILL;
    bc.lineWidth = SCALE;
    bc.lineJoin = "round";
    for (const poly of outline.querySelectorAll("polygon[data-region]")) {
      const pts = poly.getAttribute("points").trim().split(/\s+/).map((p) => p.split(",").map(Number));
      const path = toPath(pts);
      regions[poly.dataset.region] = path;
      if (poly.classList.contains("bm-region")) {
        bc.fill(path);
        bc.stroke(path);
      }
    }
    bodies[outlineShape][view] = body;
  }
  const listRegionPolygons = {};
  for (const option of root.querySelectorAll("#bm-list-region option")) {
    listRegionPolygons[option.value] = option.dataset.view;
  }

  let view = "front";
  // The outline chosen (a browser may restore another choice than the page's on "back").
  let shape = root.querySelector("input[name=bm-shape]:checked")?.value || root.dataset.bodyShape;
  root.dataset.bodyShape = shape;
  let strokes = [];
  let past = [];
  let future = [];
  let entries = [];
  let current = null;
  let startTime = null;
  let frame = 0;

  const totalPoints = () => strokes.reduce((n, s) => n + s.points.length, 0) + (current ? current.points.length : 0);
  const layer = () => root.querySelector("input[name=bm-layer]:checked").value;
  const say = (text) => (status.textContent = text);

  function drawStroke(c, stroke) {
    const pts = stroke.points;
    c.save();
    c.globalCompositeOperation = stroke.mode === "erase" ? "destination-out" : "source-over";
    c.strokeStyle = c.fillStyle = stroke.mode === "erase" ? "#000" : COLOURS[stroke.layer];
    c.lineCap = c.lineJoin = "round";
    c.lineWidth = 2 * stroke.radius * SCALE;
    const value = (p) => (stroke.mode === "erase" ? 1 : PRESSURE_FLOOR + (1 - PRESSURE_FLOOR) * p);
    if (pts.length === 1) {
      c.globalAlpha = value(pts[0][2]);
      c.beginPath();
      c.arc(pts[0][0] * W * SCALE, pts[0][1] * H * SCALE, stroke.radius * SCALE, 0, 2 * Math.PI);
      c.fill();
    }
    for (let i = 1; i < pts.length; i++) {
      c.globalAlpha = value(Math.max(pts[i - 1][2], pts[i][2]));
      c.beginPath();
      c.moveTo(pts[i - 1][0] * W * SCALE, pts[i - 1][1] * H * SCALE);
      c.lineTo(pts[i][0] * W * SCALE, pts[i][1] * H * SCALE);
      c.stroke();
    }
    c.restore();
  }

  function redraw() {
    frame = 0;
    const body = bodies[shape][view];
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.save();
    ctx.drawImage(body, 0, 0);
    for (const [name, c] of Object.entries(layers)) {
      const lc = c.getContext("2d");
      lc.clearRect(0, 0, c.width, c.height);
      for (const entry of entries) {
        if (entry.view !== view || entry.layer !== name) continue;
        lc.globalAlpha = entry.intensity / 5;
        lc.fillStyle = COLOURS[name];
        lc.fill(polygons[shape][view][entry.region]);
        lc.globalAlpha = 1;
      }
      for (const stroke of current ? [...strokes, current] : strokes) {
        if (stroke.view === view && stroke.layer === name) drawStroke(lc, stroke);
      }
      lc.globalCompositeOperation = "destination-in"; // keep the paint on the body only
      lc.drawImage(body, 0, 0);
      lc.globalCompositeOperation = "source-over";
      ctx.globalAlpha = 0.8;
      ctx.drawImage(c, 0, 0);
    }
    ctx.restore();
    undoButton.disabled = past.length === 0;
    redoButton.disabled = future.length === 0;
    root.dataset.empty = String(!strokes.length && !entries.length && !current);
  }
  const schedule = () => frame || (frame = requestAnimationFrame(redraw));

  function addPoint(event) {
    if (totalPoints() >= MAX_POINTS) {
      say("This painting has reached its size limit; save it or undo some strokes.");
      return;
    }
    const rect = canvas.getBoundingClientRect();
    const x = Math.min(Math.max((event.clientX - rect.left) / rect.width, 0), 1);
    const y = Math.min(Math.max((event.clientY - rect.top) / rect.height, 0), 1);
    // Pressure only where the device measures it: a pen, or a value other than the 0.5
    // that mice and most touch screens report while pressed.
    const real = event.pointerType === "pen" || (event.pressure > 0 && event.pressure !== 0.5);
    const pressure = real ? Math.min(Math.max(event.pressure, 0), 1) : 1;
    const t = Math.min(Math.round(performance.now() - startTime), MAX_TIME_MS);
    current.points.push([+x.toFixed(5), +y.toFixed(5), +pressure.toFixed(3), t]);
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    if (startTime === null) startTime = performance.now();
    current = {
      view,
      layer: layer(),
      mode: eraser.checked ? "erase" : "paint",
      radius: Number(radiusInput.value),
      points: [],
      pointerId: event.pointerId,
    };
    addPoint(event);
    schedule();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current || event.pointerId !== current.pointerId) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    for (const e of events.length ? events : [event]) addPoint(e);
    schedule();
  });
  function finish(event) {
    if (!current || event.pointerId !== current.pointerId) return;
    const { pointerId, ...stroke } = current;
    current = null;
    if (stroke.points.length) {
      past.push(strokes);
      strokes = [...strokes, stroke];
      future = [];
      if (nothing.checked && stroke.mode === "paint") {
        nothing.checked = false;
        say("You painted, so \u201cI don't feel anything particular\u201d was unticked.");
      }
    }
    schedule();
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);

  undoButton.addEventListener("click", () => {
    if (!past.length) return;
    future.push(strokes);
    strokes = past.pop();
    say("Undone.");
    schedule();
  });
  redoButton.addEventListener("click", () => {
    if (!future.length) return;
    past.push(strokes);
    strokes = future.pop();
    say("Redone.");
    schedule();
  });
  root.querySelector("#bm-clear").addEventListener("click", () => {
    if (!strokes.length) return;
    past.push(strokes);
    strokes = [];
    future = [];
    say("Cleared both views. Undo brings the painting back.");
    schedule();
  });

  function showView(next) {
    view = next;
    for (const tab of root.querySelectorAll(".bm-tab")) {
      tab.setAttribute("aria-selected", String(tab.dataset.view === view));
    }
    showOutline();
    root.querySelector("#bm-stage").setAttribute("aria-labelledby", `bm-tab-${view}`);
    canvas.setAttribute("aria-label", `Painting area: ${view} view. Use the list below if you cannot paint.`);
    const front = view === "front";
    root.querySelector("#bm-side-left").textContent = front ? "Your right" : "Your left";
    root.querySelector("#bm-side-right").textContent = front ? "Your left" : "Your right";
    schedule();
  }
  function showOutline() {
    for (const outline of root.querySelectorAll(".bm-outline")) {
      outline.hidden = outline.dataset.view !== view || outline.dataset.shape !== shape;
    }
  }

  // Choosing the other body outline keeps everything painted: the strokes are normalised to
  // the view, so they are drawn (and saved) on the new outline; paint that falls outside it is
  // not counted, and comes back if the first outline is chosen again.
  for (const input of root.querySelectorAll("input[name=bm-shape]")) {
    input.addEventListener("change", () => {
      if (!input.checked || input.value === shape) return;
      shape = input.value;
      root.dataset.bodyShape = shape;
      showOutline();
      const label = input.closest("label").textContent.trim();
      const kept = strokes.length || entries.length ? " What you painted is kept on it." : "";
      say(`${label} chosen.${kept}`);
      schedule();
    });
  }

  const tabs = [...root.querySelectorAll(".bm-tab")];
  for (const tab of tabs) {
    tab.addEventListener("click", () => showView(tab.dataset.view));
    tab.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
      const next = tabs[(tabs.indexOf(tab) + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
      next.focus();
      showView(next.dataset.view);
    });
  }

  // Keyboard / list alternative: region + layer + intensity 1-5.
  const list = root.querySelector("#bm-list-entries");
  function renderEntries() {
    list.replaceChildren();
    entries.forEach((entry, index) => {
      const li = document.createElement("li");
      const label = root.querySelector(`#bm-list-region option[value="${entry.region}"]`).textContent;
      const text = document.createElement("span");
      text.textContent = `${label}: ${entry.layer === "stronger" ? "stronger / more active" : "weaker / less"}, ${entry.intensity} of 5`;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button-secondary";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", `Remove ${label}`);
      remove.addEventListener("click", () => {
        entries.splice(index, 1);
        renderEntries();
        schedule();
      });
      li.append(text, remove);
      list.append(li);
    });
  }
  root.querySelector("#bm-list-add").addEventListener("click", () => {
    const region = root.querySelector("#bm-list-region").value;
    const entry = {
      view: listRegionPolygons[region],
      layer: root.querySelector("#bm-list-layer").value,
      region,
      intensity: Number(root.querySelector("#bm-list-intensity").value),
    };
    entries = entries.filter((e) => !(e.region === region && e.layer === entry.layer));
    entries.push(entry);
    renderEntries();
    if (entry.view !== view) showView(entry.view);
    say("Region added.");
    schedule();
  });

  root.querySelector("#bm-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const emotions = [];
    for (const select of root.querySelectorAll("select[data-emotion]")) {
      if (select.value) emotions.push({ code: select.dataset.emotion, intensity: Number(select.value) });
    }
    const payload = {
      atlas_version: root.dataset.atlasVersion,
      body_shape: shape,
      nothing_felt: nothing.checked,
      strokes,
      regions: entries,
      emotions,
      words: root.querySelector("#bm-words").value,
    };
    // A page that sends the painting itself (the client's journal, which keeps entries on
    // the phone until they are sent) takes it from here.
    if (root.dataset.submit === "event") {
      root.dispatchEvent(new CustomEvent("bm-submit", { detail: payload }));
      return;
    }
    const save = root.querySelector("#bm-save");
    save.disabled = true;
    say("Saving…");
    const answer = await postJSON(root.dataset.saveUrl, payload);
    if (answer.ok && answer.body.url) {
      window.location.assign(answer.body.url);
      return;
    }
    if (answer.offline) say("The server could not be reached. Nothing was lost: try again.");
    else if (answer.auth && root.dataset.clientMode) {
      say("The body map could not be saved. Nothing was lost: please ask your practitioner.");
    } else if (answer.auth) {
      say("Your login has run out: sign in again in another tab, then save here. Nothing was lost.");
    } else say(answer.body.error || "The body map could not be saved. Nothing was lost: try again.");
    save.disabled = false;
  });

  // Start afresh (after the page took a painting with "bm-submit"): an empty map.
  root.addEventListener("bm-reset", () => {
    strokes = [];
    past = [];
    future = [];
    entries = [];
    current = null;
    startTime = null;
    nothing.checked = false;
    root.querySelector("#bm-words").value = "";
    renderEntries();
    schedule();
  });

  showOutline();
  redraw();
  root.dataset.ready = "true";
}

const root = document.getElementById("bm-paint");
if (root) init(root);
