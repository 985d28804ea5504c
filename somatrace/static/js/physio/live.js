// Live heart rate from a Bluetooth chest strap (Heart Rate Service 0x180D), with Web Bluetooth.
// Parses the Heart Rate Measurement characteristic (Bluetooth GATT spec, "Heart Rate Service"):
// flags byte: bit 0 = heart rate is uint16 (else uint8), bit 3 = energy expended (uint16)
// present, bit 4 = RR intervals present (uint16 each, units of 1/1024 s).
// Shows heart rate and RMSSD over the last 30 beats, and sends RR values to the server in
// batches every few seconds (each batch has a UUID, so a retried batch is stored once).

const BATCH_MS = 3000;
const RMSSD_BEATS = 30;

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

function start(root) {
  const connect = root.querySelector("#live-connect");
  const stop = root.querySelector("#live-stop");
  const state = root.querySelector("#live-state");
  const hrOut = root.querySelector("#live-hr");
  const rmssdOut = root.querySelector("#live-rmssd");
  const storedOut = root.querySelector("#live-stored");
  const recent = [];
  let pending = [];
  let inFlight = null;
  let device = null;
  let timer = null;

  async function send() {
    if (inFlight) return;
    if (!pending.length) return;
    inFlight = { batch: crypto.randomUUID(), rr_ms: pending.map((v) => Math.round(v * 10) / 10) };
    pending = [];
    await post();
  }

  async function post() {
    try {
      const response = await fetch(root.dataset.postUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
        body: JSON.stringify(inFlight),
        credentials: "same-origin",
      });
      if (response.ok) {
        const body = await response.json();
        storedOut.textContent = String(body.stored);
        inFlight = null;
      } else if (response.status === 400) {
        state.textContent = "The server refused some beats; they were dropped.";
        inFlight = null;
      }
      // other failures: keep the batch (same UUID) and retry on the next tick
    } catch {
      state.textContent = "Saving paused (no connection); beats are kept and will be sent.";
    }
  }

  async function tick() {
    if (inFlight) await post();
    else await send();
  }

  function onMeasurement(event) {
    const { heartRate, rr } = parseHeartRateMeasurement(event.target.value);
    hrOut.textContent = String(heartRate);
    for (const value of rr) {
      recent.push(value);
      pending.push(value);
    }
    while (recent.length > RMSSD_BEATS) recent.shift();
    const value = rmssd(recent);
    rmssdOut.textContent = value === null ? "—" : value.toFixed(1);
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
      timer = setInterval(tick, BATCH_MS);
    } catch (error) {
      state.textContent = `Could not connect: ${error.message}`;
    }
  });

  stop.addEventListener("click", async () => {
    clearInterval(timer);
    if (device && device.gatt && device.gatt.connected) device.gatt.disconnect();
    await tick();
    await tick();
    state.textContent = "Stopped. The recording is saved with the session.";
    stop.hidden = true;
    connect.hidden = false;
  });
}

const root = document.getElementById("physio-live");
if (root) start(root);
