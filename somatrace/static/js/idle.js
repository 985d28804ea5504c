// The idle sign-out warning (core/idle.py). The server signs a user out after the idle limit
// ("idle-config": limitSeconds, warningSeconds, remainingSeconds, statusUrl, stayUrl,
// loginUrl, limitText). This page asks the server how long is left when the warning is due
// (a background request: asking is not activity, but what the user did in another tab is
// counted), shows a banner with a countdown and "Stay signed in" (which is activity), and
// once signed out says so and keeps asking quietly until the user has signed in again in
// another tab; then it calls onSignedIn (the console sends the events it kept meanwhile).
import { getJSON, postJSON } from "./net.js";

const SIGNED_OUT_POLL_MS = 5000;

function clock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function watchIdle({ onSignedIn = () => {} } = {}) {
  const node = document.getElementById("idle-config");
  if (!node) return null;
  const config = JSON.parse(node.textContent);
  if (!config.limitSeconds) return null;
  const banner = document.getElementById("idle-banner");
  const message = document.getElementById("idle-message");
  const stay = document.getElementById("idle-stay");
  const login = document.getElementById("idle-login");

  let deadline = performance.now() + (config.remainingSeconds ?? config.limitSeconds) * 1000;
  let signedOut = false;
  let timer = null;
  let ticker = null;

  const left = () => (deadline - performance.now()) / 1000;
  const schedule = (ms) => {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(ms, 250));
  };

  function hide() {
    clearInterval(ticker);
    ticker = null;
    banner.hidden = true;
  }

  function warn() {
    stay.hidden = false;
    login.hidden = true;
    if (!ticker) {
      // The countdown ticks for the eye only; a screen reader hears the alert once, with the
      // time in words, not a new announcement every second.
      const countdown = document.createElement("span");
      countdown.setAttribute("aria-hidden", "true");
      const spoken = document.createElement("span");
      spoken.className = "visually-hidden";
      const seconds = Math.max(0, Math.ceil(left()));
      spoken.textContent =
        seconds >= 60
          ? `about ${Math.round(seconds / 60)} minute${Math.round(seconds / 60) === 1 ? "" : "s"}`
          : `${seconds} seconds`;
      message.replaceChildren(
        "You will be signed out in ",
        countdown,
        spoken,
        " without activity. Stay signed in to keep working; events you log are kept either way.",
      );
      const update = () => {
        countdown.textContent = clock(left());
      };
      update();
      ticker = setInterval(update, 1000);
    }
    banner.hidden = false;
  }

  function showSignedOut() {
    signedOut = true;
    clearInterval(ticker);
    ticker = null;
    message.textContent =
      `You were signed out after ${config.limitText} without activity. ` +
      "Sign in again in a new tab and keep this one open: events you log are kept here " +
      "and sent once you are signed in.";
    stay.hidden = true;
    login.hidden = false;
    banner.hidden = false;
  }

  function signedInAgain() {
    if (!signedOut) return;
    signedOut = false;
    hide();
    onSignedIn();
  }

  async function check() {
    const answer = await getJSON(config.statusUrl, { background: true });
    if (answer.offline) {
      // No answer: keep counting down on this device and ask again soon.
      if (!signedOut && left() <= config.warningSeconds) warn();
      schedule(SIGNED_OUT_POLL_MS);
      return;
    }
    if (answer.auth || !answer.body.signed_in) {
      showSignedOut();
      schedule(SIGNED_OUT_POLL_MS);
      return;
    }
    signedInAgain();
    const remaining = answer.body.remaining ?? config.limitSeconds;
    deadline = performance.now() + remaining * 1000;
    if (remaining > config.warningSeconds) {
      hide();
      schedule((remaining - config.warningSeconds) * 1000);
    } else {
      warn();
      schedule(remaining * 1000 + 500);
    }
  }

  stay.addEventListener("click", async () => {
    const answer = await postJSON(config.stayUrl, {});
    if (answer.ok) {
      deadline = performance.now() + answer.body.remaining * 1000;
      hide();
      schedule((answer.body.remaining - config.warningSeconds) * 1000);
    } else if (answer.auth) {
      showSignedOut();
      schedule(SIGNED_OUT_POLL_MS);
    }
  });
  // Back from the tab where the user signed in again: ask at once.
  window.addEventListener("focus", () => signedOut && schedule(0));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && signedOut) schedule(0);
  });

  schedule((left() - config.warningSeconds) * 1000);
  return {
    /** A request was refused for the login: find out now rather than at the next check. */
    checkSoon: () => schedule(0),
  };
}
