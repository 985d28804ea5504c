// A queue of requests kept in localStorage until the server has them.
//
// Treatment rooms have poor Wi-Fi. Every event gets its id (a UUID) when it is tapped; the
// server stores an id once, so sending the same request again never duplicates it. Requests
// go out one at a time, in order. A network failure or a server error keeps the request and
// retries with backoff (1 s, 2 s, 4 s ... up to 30 s) and at once when the browser says it is
// online again. A request the server refuses as invalid (400, 404, 409) is set aside and
// shown, never retried.
// Sent requests are removed from the device.

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

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

export class RequestQueue {
  /**
   * key: the localStorage key (one per session).
   * onChange(pending, rejected): called whenever the queue changes.
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
    window.addEventListener("online", () => this.flushSoon(0));
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
    const items = this.load();
    items.push(item);
    this.save(items);
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
    try {
      for (;;) {
        const [item] = this.load();
        if (!item) break;
        this.inFlight = item.id;
        let response;
        try {
          response = await fetch(item.url, {
            method: "POST",
            headers: {
              "Content-Type": "application/json",
              Accept: "application/json",
              "X-CSRFToken": csrfToken(),
            },
            body: JSON.stringify(item.body || {}),
            credentials: "same-origin",
            redirect: "manual", // a redirect means the login ran out: keep the item
          });
        } catch {
          response = null; // offline, DNS, connection reset
        }
        // Kept and retried: no connection, a server error, a timeout, and a refusal that is
        // about the login rather than the event (the login ran out: a redirect to the login
        // page, or a 403 from an outdated CSRF token). Those need the practitioner to sign in
        // again in another tab; the events wait on the device meanwhile.
        const auth = response && (response.type === "opaqueredirect" || response.status === 401 ||
          response.status === 403);
        if (!response || auth || response.status >= 500 || response.status === 408 ||
            response.status === 429 || response.status === 0) {
          this.inFlight = null;
          this.onChange(this.load(), !response ? "offline" : auth ? "auth" : "retrying");
          this.flushSoon(this.delay);
          this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
          return;
        }
        let body = {};
        try {
          body = await response.json();
        } catch {
          body = {};
        }
        this.drop(item.id);
        this.inFlight = null;
        if (response.ok) this.onSent(item, response.status, body);
        else this.onRejected(item, response.status, body);
        this.delay = 1000;
      }
    } finally {
      this.sending = false;
      this.inFlight = null;
    }
  }
}
