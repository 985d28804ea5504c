// The home-practice timer: counts down the suggested minutes, and "I did it" sends how long
// the client actually practised (the form works without this script: minutes typed in).
//
// Buttons are real <button>s, so keyboard (Enter/Space) and touch work alike. The visible
// clock is hidden from screen readers (it changes every second); a polite live region says
// when the timer starts, pauses, at each whole minute left, and when the time is up.

function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function minutesLeft(seconds) {
  const m = Math.ceil(seconds / 60);
  return m === 1 ? "1 minute left" : `${m} minutes left`;
}

function setup(root) {
  const total = Number(root.dataset.seconds) || 300;
  const display = root.querySelector("[data-timer-display]");
  const status = root.querySelector("[data-timer-status]");
  const controls = root.querySelector("[data-timer-controls]");
  const start = root.querySelector("[data-timer-start]");
  const pause = root.querySelector("[data-timer-pause]");
  const reset = root.querySelector("[data-timer-reset]");
  const form = root.querySelector("[data-timer-form]");
  const seconds = form.querySelector("input[name=seconds]");
  const minutes = form.querySelector("input[name=minutes]");

  let elapsed = 0; // seconds practised, over every run
  let runStart = null; // performance.now() of the current run, null while stopped
  let tick = null;
  let lastSaid = null;

  const practised = () => elapsed + (runStart === null ? 0 : (performance.now() - runStart) / 1000);
  const say = (text) => {
    status.textContent = text;
  };

  function render() {
    const done = practised();
    const left = total - done;
    display.textContent = clock(left > 0 ? left : done);
    if (runStart !== null) {
      seconds.value = String(Math.max(1, Math.round(done)));
      if (minutes) minutes.value = String(Math.max(1, Math.round(done / 60)));
    }
    if (left <= 0 && runStart !== null && lastSaid !== "done") {
      lastSaid = "done";
      root.classList.add("timer-finished");
      say("Time is up. Take a moment, then press I did it.");
    } else if (left > 0 && runStart !== null) {
      const said = minutesLeft(left);
      if (Math.ceil(left) % 60 === 0 && said !== lastSaid) {
        lastSaid = said;
        say(said);
      }
    }
  }

  function run() {
    runStart = performance.now();
    tick = window.setInterval(render, 250);
    start.hidden = true;
    pause.hidden = false;
    reset.hidden = false;
    lastSaid = minutesLeft(total - practised()); // said here: not again on the next tick
    say(`Timer started. ${lastSaid}.`);
    pause.focus();
  }

  function stop() {
    elapsed = practised();
    runStart = null;
    window.clearInterval(tick);
    start.hidden = false;
    start.textContent = "Continue";
    pause.hidden = true;
    say(`Paused after ${clock(elapsed)}.`);
    start.focus();
  }

  start.addEventListener("click", run);
  pause.addEventListener("click", stop);
  reset.addEventListener("click", () => {
    if (runStart !== null) stop();
    elapsed = 0;
    lastSaid = null;
    seconds.value = "";
    root.classList.remove("timer-finished");
    start.textContent = "Start";
    render();
    say("Timer set back to the start.");
  });
  form.addEventListener("submit", () => {
    if (runStart !== null || elapsed > 0) {
      seconds.value = String(Math.max(1, Math.round(practised())));
    }
  });
  controls.hidden = false;
  render();
}

for (const root of document.querySelectorAll("[data-exercise-timer]")) setup(root);
