// The one network layer of the browser code: the CSRF token, JSON POSTs, and a queue of
// POSTs kept on the device until the server has them. Every POST a script makes goes
// through postJSON (somatrace/tests/test_net_js.py checks that no other script reads the
// CSRF token or POSTs with fetch itself).
//
// postJSON(url, body) answers {ok, status, body, offline, auth} and never throws (unless its
// signal aborts it):
//   ok       a 2xx answer
//   status   the HTTP status (0 when there was no answer, or a redirect was refused)
//   body     the answer's JSON ({} when it had none or it was not JSON)
//   offline  no answer at all: no connection, DNS, connection reset
//   auth     the login ran out: a redirect (to the login page; redirects are not followed),
//            401, or 403 (an outdated CSRF token answers 403 too)

const MAX_DELAY_MS = 30_000;

export function uuid4() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  // randomUUID needs a secure context; getRandomValues does not (plain http on a LAN).
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Django's CSRF token: the csrftoken cookie, else a form's hidden csrfmiddlewaretoken. */
export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

/** POST `body` as JSON to `url` (same origin) and read the answer; see the top of the file. */
export async function postJSON(url, body = {}, { signal } = {}) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(body ?? {}),
      credentials: "same-origin",
      redirect: "manual", // a redirect means the login ran out: never follow it to a page
      signal,
    });
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    return { ok: false, status: 0, body: {}, offline: true, auth: false };
  }
  const auth =
    response.type === "opaqueredirect" || response.status === 401 || response.status === 403;
  let answer = {};
  if (response.type !== "opaqueredirect") {
    try {
      answer = await response.json();
    } catch {
      answer = {};
    }
  }
  if (answer === null || typeof answer !== "object") answer = {};
  return { ok: response.ok, status: response.status, body: answer, offline: false, auth };
}

/**
 * GET JSON from `url` (same origin); answers like postJSON. `background: true` marks the
 * request as the page's own, not the user's activity (core/idle.py: it does not keep the
 * session alive).
 */
export async function getJSON(url, { background = false, signal } = {}) {
  let response;
  try {
    response = await fetch(url, {
      headers: { Accept: "application/json", ...(background ? { "X-Somatrace-Background": "1" } : {}) },
      credentials: "same-origin",
      redirect: "manual",
      signal,
    });
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    return { ok: false, status: 0, body: {}, offline: true, auth: false };
  }
  const auth =
    response.type === "opaqueredirect" || response.status === 401 || response.status === 403;
  let answer = {};
  try {
    answer = response.type === "opaqueredirect" ? {} : await response.json();
  } catch {
    answer = {};
  }
  if (answer === null || typeof answer !== "object") answer = {};
  return { ok: response.ok, status: response.status, body: answer, offline: false, auth };
}

/** Kept and retried, never set aside: no answer, the login ran out, or the server failed. */
function worthRetrying(answer) {
  return (
    answer.offline ||
    answer.auth ||
    answer.status >= 500 ||
    answer.status === 408 ||
    answer.status === 429 ||
    answer.status === 0
  );
}

// A queue of POSTs kept in localStorage until the server has them.
//
// Treatment rooms have poor Wi-Fi. Every item has an id (a UUID) given when it is made; the
// server stores an id once, so sending the same request again never duplicates it. Requests
// go out one at a time, in order. A network failure or a server error keeps the request and
// retries with backoff (1 s, 2 s, 4 s ... up to 30 s) and at once when the browser says it is
// online again; so does a refusal that is about the login rather than the request (it needs
// the user to sign in again in another tab; the items wait on the device meanwhile). A
// request the server refuses as invalid (400, 404, 409 ...) is set aside and reported, never
// retried. Sent requests are removed from the device.
//
// An item is {id, url, body, ...anything the page wants to keep with it}.
export class RequestQueue {
  /**
   * key: the localStorage key (one per session).
   * onChange(items, problem): called whenever the queue changes; problem is "offline",
   *   "auth" or "retrying" when a send failed and will be retried.
   * onSent(item, status, body): called with each server answer (2xx).
   * onRejected(item, status, body): called when the server refuses an item (4xx).
   */
  constructor(key, { onChange = () => {}, onSent = () => {}, onRejected = () => {} } = {}) {
    this.key = key;
    this.onChange = onChange;
    this.onSent = onSent;
    this.onRejected = onRejected;
    this.sending = false;
    this.inFlight = null;
    this.delay = 1000;
    this.timer = null;
    // Back online: try at once, and from a short wait again. If a send is still failing
    // from before, `wokenUp` makes its retry come at once instead of after its backoff.
    this.wokenUp = false;
    window.addEventListener("online", () => {
      this.delay = 1000;
      this.wokenUp = true;
      this.flushSoon(0);
    });
  }

  load() {
    try {
      const stored = JSON.parse(localStorage.getItem(this.key) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch {
      return [];
    }
  }

  save(items) {
    if (items.length) localStorage.setItem(this.key, JSON.stringify(items));
    else localStorage.removeItem(this.key);
    this.onChange(items);
  }

  get pending() {
    return this.load();
  }

  add(item) {
    this.addAll([item]);
  }

  /** Append several items at once (one write, one onChange), then send. */
  addAll(newItems) {
    if (!newItems.length) return;
    this.save([...this.load(), ...newItems]);
    this.flushSoon(0);
  }

  /** Remove an item not yet sent. False if it is unknown or on its way to the server. */
  remove(id) {
    if (this.inFlight === id) return false;
    return this.drop(id);
  }

  drop(id) {
    const items = this.load();
    const kept = items.filter((item) => item.id !== id);
    this.save(kept);
    return kept.length !== items.length;
  }

  has(id) {
    return this.load().some((item) => item.id === id);
  }

  flushSoon(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), delay);
  }

  async flush() {
    if (this.sending) return;
    this.sending = true;
    this.wokenUp = false;
    try {
      for (;;) {
        const [item] = this.load();
        if (!item) break;
        this.inFlight = item.id;
        const answer = await postJSON(item.url, item.body || {});
        if (worthRetrying(answer)) {
          this.inFlight = null;
          this.onChange(this.load(), answer.offline ? "offline" : answer.auth ? "auth" : "retrying");
          this.flushSoon(this.wokenUp ? 0 : this.delay);
          this.delay = this.wokenUp ? 1000 : Math.min(this.delay * 2, MAX_DELAY_MS);
          this.wokenUp = false;
          return;
        }
        this.drop(item.id);
        this.inFlight = null;
        if (answer.ok) this.onSent(item, answer.status, answer.body);
        else this.onRejected(item, answer.status, answer.body);
        this.delay = 1000;
      }
    } finally {
      this.sending = false;
      this.inFlight = null;
    }
  }
}
