// The client's body-scan journal in the portal. The painter (../bodymaps/paint.js) hands
// each finished map to this script ("bm-submit"); the entry gets its key (a UUID) here, when
// it is written, and goes into a RequestQueue (../net.js), which keeps it in localStorage
// until the server has it: written without a connection, it waits on the phone (across
// reloads) and is sent when the phone is back online. The server stores a key once, so an
// entry sent twice (an answer lost on the way back) is stored once.
import { RequestQueue, uuid4 } from "../net.js";

const config = JSON.parse(document.getElementById("journal-config").textContent);
const painter = document.getElementById("bm-paint");
const pendingBox = document.getElementById("journal-pending");
const pendingList = document.getElementById("journal-pending-list");
const status = document.getElementById("journal-status");
const say = (text) => (status.textContent = text);

function describe(item) {
  const when = new Date(item.written);
  return `Entry written ${when.toLocaleString([], { dateStyle: "medium", timeStyle: "short" })}`;
}

function showPending(items, problem) {
  pendingList.replaceChildren(
    ...items.map((item) => {
      const li = document.createElement("li");
      li.textContent = describe(item);
      return li;
    }),
  );
  pendingBox.hidden = items.length === 0;
  if (items.length && problem === "offline") {
    say("You are offline. Your entry is kept on this phone and will be sent when you are back online.");
  } else if (items.length && problem === "auth") {
    say("Please sign in again: your entry is kept on this phone and will be sent afterwards.");
  }
}

const queue = new RequestQueue(config.queueKey, {
  onChange: showPending,
  onSent: () => {
    say("Your entry was saved.");
    if (queue.pending.length) return;
    // Show it in the list, unless the client is already writing the next one.
    if (painter.dataset.empty === "true" && !document.getElementById("bm-words").value) {
      window.setTimeout(() => window.location.reload(), 600);
    } else say("Your entry was saved. It appears in your list when you next open the journal.");
  },
  onRejected: (item, statusCode, body) => {
    const words = item.body && item.body.words ? ` Your words were: “${item.body.words}”` : "";
    say(`${body.error || "This entry could not be saved."}${words}`);
  },
});

painter.addEventListener("bm-submit", (event) => {
  const painting = event.detail;
  const emotions = [];
  for (const select of document.querySelectorAll("select[data-journal-emotion]")) {
    if (select.value !== "") emotions.push({ code: select.dataset.journalEmotion, intensity: Number(select.value) });
  }
  const key = uuid4();
  const body = {
    key,
    shared: document.getElementById("journal-shared").checked,
    emotions,
    words: painting.words,
    painting: {
      atlas_version: painting.atlas_version,
      body_shape: painting.body_shape,
      nothing_felt: painting.nothing_felt,
      strokes: painting.strokes,
      regions: painting.regions,
    },
  };
  queue.add({ id: key, url: config.createUrl, body, written: new Date().toISOString() });
  painter.dispatchEvent(new CustomEvent("bm-reset"));
  for (const select of document.querySelectorAll("select[data-journal-emotion]")) select.value = "";
  document.getElementById("journal-shared").checked = false;
  say(navigator.onLine ? "Sending your entry…" : "You are offline. Your entry is kept on this phone and will be sent when you are back online.");
});

// Fetch the writer once while online, so that the service worker keeps it for offline use.
if (navigator.onLine && location.pathname !== config.writeUrl) {
  fetch(config.writeUrl, { credentials: "same-origin" }).catch(() => {});
}

showPending(queue.pending);
if (queue.pending.length) queue.flushSoon(0);
document.body.dataset.journalReady = "true";
