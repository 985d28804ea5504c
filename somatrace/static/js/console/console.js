// The live session console: one-tap events, a running clock, the pacing-guard banner,
// keyboard shortcuts and a low-glare theme. Events go through RequestQueue (../net.js), so
// nothing is lost when the connection drops. Everything the server owns (URLs, the SUDS
// window, labels, how many recent events to show) comes in the "console-config" JSON.
import { watchIdle } from "../idle.js";
import { RequestQueue, postJSON, uuid4 } from "../net.js";

const THEME_KEY = "somatrace.console.theme";

const config = JSON.parse(document.getElementById("console-config").textContent);
const $ = (id) => document.getElementById(id);

// --- Theme (works before the session starts too) -------------------------------------------

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  const button = $("console-theme");
  if (button) {
    button.setAttribute("aria-pressed", String(theme === "dark"));
  }
}

function initialTheme() {
  const stored = localStorage.getItem(THEME_KEY);
  if (stored === "dark" || stored === "light") return stored;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

applyTheme(initialTheme());
$("console-theme")?.addEventListener("click", () => {
  const next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
  localStorage.setItem(THEME_KEY, next);
  applyTheme(next);
});

// --- Help dialog ---------------------------------------------------------------------------

const help = $("console-help");
$("console-help-open")?.addEventListener("click", () => help.showModal());

// --- Clock ---------------------------------------------------------------------------------

let state = config.state;
let elapsedBase = config.elapsed;
let elapsedSince = performance.now();
const clock = $("console-clock");

function elapsedNow() {
  if (state !== "running") return elapsedBase;
  return elapsedBase + Math.floor((performance.now() - elapsedSince) / 1000);
}

function formatClock(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(s).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function tick() {
  if (!clock) return;
  const seconds = elapsedNow();
  clock.textContent = formatClock(seconds);
  clock.setAttribute("datetime", `PT${seconds}S`);
}
tick();
setInterval(tick, 1000);

// --- Pause / resume ------------------------------------------------------------------------

function setState(next, elapsed) {
  state = next;
  elapsedBase = elapsed;
  elapsedSince = performance.now();
  $("console-state").textContent = config.stateLabels[next] || next;
  const button = $("console-pause");
  if (button) {
    button.textContent = next === "paused" ? "Resume" : "Pause";
    button.dataset.state = next;
  }
  document.body.classList.toggle("console-paused", next === "paused");
  tick();
}

async function togglePause() {
  if (state !== "running" && state !== "paused") return;
  const url = state === "running" ? config.pauseUrl : config.resumeUrl;
  const answer = await postJSON(url, {});
  if (answer.ok) setState(answer.body.state, answer.body.elapsed);
  else if (answer.offline) {
    showProblem("No connection: pausing needs the server. Events you log are still kept.");
  } else if (answer.auth) {
    showProblem("Your login has run out: sign in again in a new tab, keep this one open.");
  } else showProblem(answer.body.error || "The session could not be paused.");
}
$("console-pause")?.addEventListener("click", togglePause);
document.body.classList.toggle("console-paused", state === "paused");

// --- Recent events and the queue -----------------------------------------------------------

const list = $("recent-events");
const unsent = $("console-unsent");
let sequence = 0;
let recent = config.recent.map((e, index) => ({
  seq: -index,
  suds: e.suds,
  uuid: e.uuid,
  serverId: e.id,
  kind: e.kind,
  label: e.label,
  region: e.region,
  at: e.at,
  status: "sent",
}));
const undoAfterSend = new Set();

let idle = null; // the idle sign-out warning (../idle.js), set up below

const queue = new RequestQueue(`somatrace.console.queue.${config.sessionId}`, {
  onChange: (items, problem) => {
    showUnsent(items, problem);
    if (problem === "auth") idle?.checkSoon();
  },
  onSent: (item, status, body) => {
    if (item.type !== "event") return;
    const entry = recent.find((e) => e.uuid === item.id);
    if (entry) {
      entry.status = "sent";
      entry.serverId = body.id;
    }
    if (undoAfterSend.has(item.id)) {
      undoAfterSend.delete(item.id);
      if (entry) undo(entry);
    }
    if (body.prompts?.length) showPrompts(body.prompts);
    for (const prompt of body.prompts || []) {
      recent.push({
        seq: ++sequence,
        uuid: prompt.uuid,
        kind: "guard",
        label: prompt.title,
        region: "",
        at: item.body.at,
        status: "sent",
      });
    }
    renderRecent();
  },
  onRejected: (item, status, body) => {
    const entry = recent.find((e) => e.uuid === item.id);
    if (entry) entry.status = "rejected";
    const detail = body.fields ? Object.values(body.fields).flat().join(" ") : "";
    showProblem(`Not saved: ${item.label || "event"} — ${body.error || status} ${detail}`);
    renderRecent();
  },
});

// Signed out after the idle limit, then in again in another tab: send what was kept at once.
idle = watchIdle({ onSignedIn: () => queue.flushSoon(0) });

for (const item of queue.pending) {
  if (item.type === "event" && !recent.some((e) => e.uuid === item.id)) {
    recent.push({
      seq: ++sequence,
      uuid: item.id,
      kind: item.body.kind,
      label: item.label,
      region: item.body.region,
      at: item.body.at,
      status: "unsent",
    });
  }
}

function showUnsent(items, problem) {
  if (!unsent) return;
  const count = items.filter((item) => item.type === "event").length;
  const others = items.length - count;
  if (!items.length) {
    unsent.textContent = "All events sent";
    unsent.className = "badge badge-ok";
  } else {
    const what = count ? `${count} unsent` : `${others} change${others === 1 ? "" : "s"} unsent`;
    const why = {
      offline: " — no connection, retrying",
      auth: " — your login has run out: sign in again in a new tab, keep this one open",
      retrying: " — the server did not answer, retrying",
    }[problem] || "";
    unsent.textContent = what + why;
    unsent.className = "badge badge-warning";
  }
  unsent.dataset.count = String(count);
}

function showProblem(text) {
  const box = $("rejected");
  if (!box) return;
  box.textContent = text;
  box.hidden = false;
}

function timeOf(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function renderRecent() {
  // Newest first; events within the same second in the order they were tapped.
  recent.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : (b.seq ?? 0) - (a.seq ?? 0)));
  closingHint();
  if (!list) return;
  list.replaceChildren(
    ...recent.filter((e) => e.status !== "undone").slice(0, config.recentShown).map((entry) => {
      const li = document.createElement("li");
      li.className = `recent kind-${entry.kind} status-${entry.status}`;
      li.dataset.uuid = entry.uuid;
      const time = document.createElement("span");
      time.className = "recent-time";
      time.textContent = timeOf(entry.at);
      const label = document.createElement("span");
      label.className = "recent-label";
      const region = entry.region ? ` · ${config.regions[entry.region] || entry.region}` : "";
      label.textContent = entry.label + region;
      const status = document.createElement("span");
      status.className = "recent-status small";
      status.textContent = { unsent: "unsent", sent: "", rejected: "not saved" }[entry.status] || "";
      li.append(time, label, status);
      if (entry.kind !== "guard" && entry.status !== "rejected") {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button-secondary undo";
        button.textContent = "Undo";
        button.setAttribute("aria-label", `Undo ${entry.label} at ${timeOf(entry.at)}`);
        button.addEventListener("click", () => undo(entry));
        li.append(button);
      }
      return li;
    }),
  );
}

// Ending above the window needs a closing check or a reason (the server insists too).
function closingHint() {
  const hint = $("end-hint");
  if (!hint) return;
  const last = recent.find((e) => e.kind === "suds" && e.status !== "undone" && e.suds != null);
  const high = config.window[1];
  if (last && last.suds > high) {
    hint.textContent = `The last SUDS (${last.suds}) is above the client's window (up to ${high}): take a closing check back inside it, or write why the session ends here.`;
    hint.hidden = false;
  } else {
    hint.hidden = true;
  }
}

function undo(entry) {
  if (queue.remove(entry.uuid)) {
    entry.status = "undone";
  } else if (entry.serverId) {
    queue.add({
      id: uuid4(),
      type: "delete",
      url: config.deleteUrl.replace(/\/0\/delete\/$/, `/${entry.serverId}/delete/`),
      body: {},
      label: `undo ${entry.label}`,
    });
    entry.status = "undone";
  } else {
    undoAfterSend.add(entry.uuid); // on its way: delete it as soon as the server has it
    entry.status = "undone";
  }
  renderRecent();
}

function lastEntry() {
  return recent.find((e) => e.status !== "undone" && e.kind !== "guard");
}

// --- Logging events ------------------------------------------------------------------------

const regionSelect = $("console-region");
// The chosen region outlives a reload (it applies until changed, as the label says).
const REGION_KEY = `somatrace.console.${config.sessionId}.region`;
if (regionSelect) {
  const kept = localStorage.getItem(REGION_KEY);
  if (kept && [...regionSelect.options].some((option) => option.value === kept)) {
    regionSelect.value = kept;
  }
  regionSelect.addEventListener("change", () => {
    if (regionSelect.value) localStorage.setItem(REGION_KEY, regionSelect.value);
    else localStorage.removeItem(REGION_KEY);
  });
}

function nowIso() {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
}

function log(fields, label) {
  const body = {
    uuid: uuid4(),
    kind: fields.kind,
    code: fields.code || "",
    text: fields.text || "",
    region: fields.kind === "suds" || fields.kind === "grounding" ? "" : regionSelect?.value || "",
    intensity: fields.intensity ?? null,
    suds: fields.suds ?? null,
    at: nowIso(),
    responds_to: fields.respondsTo || null,
    override_reason: fields.overrideReason || "",
  };
  recent.push({
    seq: ++sequence,
    suds: body.suds,
    uuid: body.uuid,
    kind: body.kind,
    label,
    region: body.region,
    at: body.at,
    status: "unsent",
  });
  renderRecent();
  queue.add({ id: body.uuid, type: "event", url: config.eventsUrl, body, label });
  return body;
}

function intensity() {
  const checked = document.querySelector("input[name=intensity]:checked");
  return checked ? Number(checked.value) : null;
}

// Work on a region the client marked "not welcome" needs an explicit override with a reason
// (the server refuses it otherwise); the touch map is on the page, so this works offline too.
const overrideDialog = $("touch-override");

function withTouchConsent(fields, label) {
  const region = regionSelect?.value || "";
  if (fields.kind !== "technique" || !region || config.touch?.[region] !== "not_welcome") {
    log(fields, label);
    return;
  }
  const reason = $("touch-override-reason");
  $("touch-override-region").textContent = config.regions[region] || region;
  reason.value = "";
  overrideDialog.returnValue = "";
  overrideDialog.onclose = () => {
    const text = reason.value.trim();
    if (overrideDialog.returnValue === "override" && text) {
      log({ ...fields, overrideReason: text }, `${label} (override)`);
    }
  };
  overrideDialog.showModal();
}

function tap(button) {
  const kind = button.dataset.kind;
  if (kind === "suds") {
    const value = Number(button.dataset.suds);
    log({ kind, suds: value }, `SUDS ${value}`);
    if (awaitingSuds) hidePrompt();
  } else if (kind === "emotion") {
    const level = intensity();
    log({ kind, code: button.dataset.code, intensity: level }, `${button.dataset.label}${level ? ` (${level}/5)` : ""}`);
  } else {
    withTouchConsent({ kind, code: button.dataset.code }, button.dataset.label);
  }
  button.classList.add("tapped");
  setTimeout(() => button.classList.remove("tapped"), 400);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-kind]");
  if (button) tap(button);
});

$("free-form")?.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("free-text").value.trim();
  if (!text) return;
  const kind = $("free-kind").value;
  const fields = kind === "note" ? { kind, text } : { kind, code: "other", text };
  if (kind === "emotion") fields.intensity = intensity();
  withTouchConsent(fields, text);
  $("free-text").value = "";
});

// --- Pacing guard banner -------------------------------------------------------------------

const banner = $("guard-banner");
let currentPrompt = null;
let awaitingSuds = false;

function showPrompts(prompts) {
  if (!banner) return;
  currentPrompt = prompts[0];
  awaitingSuds = false;
  $("guard-title").textContent = prompts.map((p) => p.title).join(" · ");
  $("guard-message").textContent = prompts.map((p) => p.message).join(" ");
  $("guard-options").hidden = false;
  $("guard-next").hidden = true;
  banner.hidden = false;
  document.body.classList.add("guard-open");
}

function hidePrompt() {
  if (!banner) return;
  banner.hidden = true;
  document.body.classList.remove("guard-open");
  currentPrompt = null;
  awaitingSuds = false;
}

$("guard-options")?.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-grounding]");
  if (!button) return;
  log(
    { kind: "grounding", code: button.dataset.grounding, respondsTo: currentPrompt?.uuid },
    button.dataset.label,
  );
  $("guard-options").hidden = true;
  const next = $("guard-next");
  next.textContent = `Grounding logged: ${button.dataset.label}. When the client is ready, take the next SUDS check-in.`;
  next.hidden = false;
  awaitingSuds = true;
  document.querySelector(".suds-row")?.classList.add("highlight");
  setTimeout(() => document.querySelector(".suds-row")?.classList.remove("highlight"), 4000);
});
$("guard-dismiss")?.addEventListener("click", hidePrompt);

// --- End: send everything first ------------------------------------------------------------

const endForm = $("end-form");
endForm?.addEventListener("submit", (event) => {
  if (!queue.pending.length) return;
  event.preventDefault();
  const waiting = $("end-waiting");
  waiting.hidden = false;
  waiting.textContent = "Sending the last events before ending…";
  queue.flushSoon(0);
  const check = setInterval(() => {
    if (!queue.pending.length) {
      clearInterval(check);
      endForm.submit();
    } else if (!navigator.onLine) {
      waiting.textContent = `${queue.pending.length} events are still unsent: the session ends once the connection is back.`;
    }
  }, 300);
});

// --- Keyboard shortcuts (laptop) -----------------------------------------------------------

const cueKeys = new Map(
  [...document.querySelectorAll("button[data-key]")].map((b) => [b.dataset.key, b]),
);

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  // Typing (a reason, free words) never triggers a shortcut, "?" included; on a radio or
  // checkbox only "?" does.
  if (target.closest("textarea, select, dialog[open], input:not([type=radio]):not([type=checkbox])")) return;
  if (target.closest("input") && event.key !== "?") return;
  if (event.key === "?") {
    event.preventDefault();
    if (help.open) help.close();
    else help.showModal();
    return;
  }
  if (state !== "running" && state !== "paused") return;
  if (event.key === " ") {
    // Space activates a focused link or form button, but on a tap button (focused after a
    // tap) it pauses, so that it never logs the same event twice.
    if (target.closest("a, button:not(.tap)")) return;
    event.preventDefault();
    togglePause();
  } else if (/^[0-9]$/.test(event.key) || event.key === "+") {
    const value = event.key === "+" ? 10 : Number(event.key);
    const button = document.querySelector(`button[data-kind=suds][data-suds="${value}"]`);
    if (button) tap(button);
  } else if (event.key === "z") {
    const entry = lastEntry();
    if (entry) undo(entry);
  } else if (cueKeys.has(event.key)) {
    tap(cueKeys.get(event.key));
  }
});

renderRecent();
showUnsent(queue.pending);
if (queue.pending.length) queue.flushSoon(0);
