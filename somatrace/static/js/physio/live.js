// Live heart rate from a Bluetooth chest strap (Heart Rate Service 0x180D), with Web Bluetooth.
// Parses the Heart Rate Measurement characteristic (Bluetooth GATT spec, "Heart Rate Service"):
// flags byte: bit 0 = heart rate is uint16 (else uint8), bit 3 = energy expended (uint16)
// present, bit 4 = RR intervals present (uint16 each, units of 1/1024 s).
// Shows heart rate and RMSSD over the last 30 beats, and sends RR values to the server.
//
// No beat is kept in memory only. Each beat is written at once to this session's "open
// batch" in localStorage; every few seconds the open batch is closed into batches of at
// most the server's limit, each with a UUID (the server stores a batch once however often
// it is sent), and put in a RequestQueue (../net.js), also in localStorage. The queue sends
// them in order and keeps them through a lost connection or a reload. While batches are
// waiting (no connection), beats gather in the open batch up to the limit, so a long
// backlog is sent in few requests. A page that opens with unsent beats of this session
// sends them, strap or not.
//
// Stop puts a "finish" request in the same queue, after the last batch: the server then
// analyses the whole recording once (it keeps only a running five-minute summary while beats
// arrive, so a batch costs the same however long the recording is).
//
// What the server owns comes in the "physio-live-config" JSON (physio/panels.py
// live_config): the session id, the post and finish URLs, maxBatch (beats per batch) and
// maxRrMs (the longest RR interval it accepts).
import { RequestQueue, uuid4 } from "../net.js";

const BATCH_MS = 3000;
const RMSSD_BEATS = 30;
const RENDER_MS = 400; // state shown once it has lasted this long (a batch sent at once is not news)

export function parseHeartRateMeasurement(view) {
  const flags = view.getUint8(0);
  let offset = 1;
  let heartRate;
  if (flags & 0x01) {
    heartRate = view.getUint16(offset, true);
    offset += 2;
  } else {
    heartRate = view.getUint8(offset);
    offset += 1;
  }
  if (flags & 0x08) offset += 2; // energy expended, kJ
  const rr = [];
  if (flags & 0x10) {
    while (offset + 1 < view.byteLength) {
      rr.push((view.getUint16(offset, true) * 1000) / 1024);
      offset += 2;
    }
  }
  return { heartRate, rr };
}

export function rmssd(rr) {
  if (rr.length < 2) return null;
  let sum = 0;
  for (let i = 1; i < rr.length; i += 1) {
    const d = rr[i] - rr[i - 1];
    sum += d * d;
  }
  return Math.sqrt(sum / (rr.length - 1));
}

/** Split `values` into lists of at most `size`. */
export function batches(values, size) {
  const out = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function start(root, config) {
  const connect = root.querySelector("#live-connect");
  const stop = root.querySelector("#live-stop");
  const state = root.querySelector("#live-state");
  const sync = root.querySelector("#live-sync");
  const refusedBox = root.querySelector("#live-refused");
  const hrOut = root.querySelector("#live-hr");
  const rmssdOut = root.querySelector("#live-rmssd");
  const storedOut = root.querySelector("#live-stored");
  const openKey = `somatrace.physio.live.${config.sessionId}.open`;
  const recent = [];
  let stored = Number(storedOut.textContent) || 0;
  let acknowledged = false; // the server has answered a batch since this page opened
  let refused = 0; // beats the server refused, since this page opened
  let skipped = 0; // intervals no heart makes (0, or longer than maxRrMs): never sent
  let problem = ""; // why the queue is waiting: "offline", "auth", "retrying"
  let recording = false;
  let device = null;
  let timer = null;
  let renderTimer = null;

  // --- The open batch (localStorage) ---------------------------------------------------------

  function openBatch() {
    try {
      const values = JSON.parse(localStorage.getItem(openKey) || "[]");
      return Array.isArray(values) ? values : [];
    } catch {
      return [];
    }
  }

  function keep(values) {
    if (!values.length) return;
    localStorage.setItem(openKey, JSON.stringify([...openBatch(), ...values]));
  }

  /** Move the open batch into the queue. Unless `all`, while earlier batches still wait only
   * full batches move (the rest keeps gathering). */
  function close(all) {
    const values = openBatch();
    if (!values.length) return;
    const waiting = queue.pending.length > 0;
    const parts = batches(values, config.maxBatch);
    let rest = [];
    if (!all && waiting) {
      if (parts[parts.length - 1].length < config.maxBatch) rest = parts.pop();
      if (!parts.length) return;
    }
    if (rest.length) localStorage.setItem(openKey, JSON.stringify(rest));
    else localStorage.removeItem(openKey);
    queue.addAll(
      parts.map((rr) => {
        const batch = uuid4();
        return { id: batch, url: config.postUrl, body: { batch, rr_ms: rr } };
      }),
    );
  }

  // --- The queue -----------------------------------------------------------------------------

  const queue = new RequestQueue(`somatrace.physio.live.${config.sessionId}`, {
    onChange: (items, why) => {
      problem = why || "";
      render();
    },
    onSent: (item, status, body) => {
      if (typeof body.stored === "number") {
        stored = body.stored;
        storedOut.textContent = String(stored);
      }
      acknowledged = true;
      render();
    },
    onRejected: (item, status, body) => {
      if (!item.body?.rr_ms) return; // the finish request, which carries no beats
      const count = item.body?.rr_ms?.length || 0;
      refused += count;
      refusedBox.textContent =
        `The server refused ${plural(count, "beat")}: ${body.error || `error ${status}`}. ` +
        `${count === 1 ? "It was" : "They were"} not saved.` +
        (refused > count ? ` (${plural(refused, "beat")} refused in all.)` : "");
      refusedBox.hidden = false;
      render();
    },
  });

  // --- What the page says --------------------------------------------------------------------

  function waitingBeats() {
    const queued = queue.pending.reduce((n, item) => n + (item.body?.rr_ms?.length || 0), 0);
    // While recording, the open batch is a few seconds of beats about to be closed: waiting
    // only once batches before it wait too.
    return queued || !recording ? queued + openBatch().length : 0;
  }

  function syncText() {
    const waiting = waitingBeats();
    const notKept = skipped ? ` ${plural(skipped, "impossible interval")} (0, or over ${config.maxRrMs} ms) not kept.` : "";
    if (waiting) {
      const why = {
        offline: " — no connection; they are kept on this device and sent when it is back",
        auth: " — your login has run out: sign in again in a new tab, keep this one open",
        retrying: " — the server did not answer, retrying",
      }[problem] || "";
      return `${plural(waiting, "beat")} waiting to be sent${why}.${notKept}`;
    }
    if (recording) return `Beats are sent as they come.${notKept}`;
    if (refused) {
      return `${plural(stored, "beat")} saved with the session; ${plural(refused, "beat")} refused and not saved.${notKept}`;
    }
    if (acknowledged) return `All beats sent: ${plural(stored, "beat")} saved with the session.${notKept}`;
    return notKept.trim();
  }

  function render() {
    clearTimeout(renderTimer);
    renderTimer = setTimeout(() => {
      const text = syncText();
      if (sync.textContent !== text) sync.textContent = text; // a live region: no repeats
    }, RENDER_MS);
  }

  // --- The strap -----------------------------------------------------------------------------

  function onMeasurement(event) {
    const { heartRate, rr } = parseHeartRateMeasurement(event.target.value);
    hrOut.textContent = String(heartRate);
    const values = [];
    for (const raw of rr) {
      const value = Math.round(raw * 10) / 10;
      if (value > 0 && value <= config.maxRrMs) values.push(value);
      else skipped += 1;
    }
    keep(values);
    recent.push(...values);
    while (recent.length > RMSSD_BEATS) recent.shift();
    const value = rmssd(recent);
    rmssdOut.textContent = value === null ? "—" : value.toFixed(1);
    if (values.length !== rr.length) render();
  }

  connect.addEventListener("click", async () => {
    if (!navigator.bluetooth) {
      state.textContent = "This browser cannot use Bluetooth. Use Chrome or Edge, or upload a file.";
      return;
    }
    try {
      device = await navigator.bluetooth.requestDevice({ filters: [{ services: ["heart_rate"] }] });
      state.textContent = `Connecting to ${device.name || "the strap"}…`;
      const server = await device.gatt.connect();
      const service = await server.getPrimaryService("heart_rate");
      const characteristic = await service.getCharacteristic("heart_rate_measurement");
      characteristic.addEventListener("characteristicvaluechanged", onMeasurement);
      await characteristic.startNotifications();
      state.textContent = `Recording from ${device.name || "the strap"}.`;
      connect.hidden = true;
      stop.hidden = false;
      recording = true;
      timer = setInterval(() => close(false), BATCH_MS);
      render();
    } catch (error) {
      state.textContent = `Could not connect: ${error.message}`;
    }
  });

  stop.addEventListener("click", () => {
    clearInterval(timer);
    recording = false;
    if (device && device.gatt && device.gatt.connected) device.gatt.disconnect();
    close(true);
    queue.add({ id: uuid4(), url: config.finishUrl, body: {} }); // after the last batch
    state.textContent = "Stopped.";
    stop.hidden = true;
    connect.hidden = false;
    render();
  });

  // Beats left unsent by an earlier visit (a reload, a lost connection): send them now.
  close(true);
  if (queue.pending.length) queue.flushSoon(0);
  render();
}

const root = document.getElementById("physio-live");
const configElement = document.getElementById("physio-live-config");
if (root && configElement) start(root, JSON.parse(configElement.textContent));
