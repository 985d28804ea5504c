// One server-rendered questionnaire form: all items on a laptop, one item per screen on a
// phone. Answers are kept in sessionStorage (keyed by administration, never by name) so a
// reload loses nothing; the thank-you page clears them.
//
// The progress counts the scored items only: an unscored extra question (PHQ-9's "how
// difficult") is shown as such, never as "question 10 of 10". The progress bar is sticky;
// its height is published as --q-sticky-height so that the page's scroll padding
// (measures.css) keeps every question below it when it is scrolled to or focused.

const PHONE = window.matchMedia("(max-width: 640px)");

function storageGet(key) {
  try {
    return JSON.parse(window.sessionStorage.getItem(key) || "{}");
  } catch {
    return {};
  }
}

function storageSet(key, value) {
  try {
    window.sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode or storage full: the form still works, only reload-survival is lost.
  }
}

function setup(form) {
  const key = `somatrace.${form.dataset.storageKey}`;
  const items = [...form.querySelectorAll(".q-item")];
  // Optional unscored questions (e.g. PHQ-9 "how difficult") are stepped through, not counted.
  const scored = items.filter((item) => !item.classList.contains("q-extra"));
  const progressText = form.querySelector("[data-progress-text]");
  const progressBar = form.querySelector("[data-progress-bar]");
  const submit = form.querySelector(".q-submit");
  const sticky = form.querySelector(".q-progress");
  let current = 0;

  // Publish the sticky bar's height (it grows when its text wraps on a narrow phone).
  function measureSticky() {
    if (!sticky) return;
    const height = Math.ceil(sticky.getBoundingClientRect().height);
    document.documentElement.style.setProperty("--q-sticky-height", `${height}px`);
  }
  if (sticky && "ResizeObserver" in window) {
    new ResizeObserver(measureSticky).observe(sticky);
  }

  // Restore answers kept from before a reload (the server's own values win).
  const saved = storageGet(key);
  for (const [name, value] of Object.entries(saved)) {
    const group = form.querySelectorAll(`input[type=radio][name="${CSS.escape(name)}"]`);
    if (![...group].some((input) => input.checked)) {
      const input = [...group].find((radio) => radio.value === String(value));
      if (input) input.checked = true;
    }
  }

  const answered = (item) => item.querySelector("input[type=radio]:checked") !== null;

  function update() {
    const done = scored.filter(answered).length;
    if (progressBar) progressBar.value = done;
    const stepper = form.classList.contains("stepper");
    if (progressText) {
      const position = scored.indexOf(items[current]);
      let text = `${done} of ${scored.length} answered`;
      if (stepper && position >= 0) {
        text = `Question ${position + 1} of ${scored.length} · ${done} answered`;
      } else if (stepper) {
        text = `Extra question, not scored · ${done} of ${scored.length} answered`;
      }
      progressText.textContent = text;
    }
    items.forEach((item, index) => {
      item.classList.toggle("current", index === current);
      const nav = item.querySelector(".q-nav");
      if (nav) {
        nav.hidden = !stepper;
        nav.querySelector("[data-prev]").disabled = index === 0;
        nav.querySelector("[data-next]").hidden = index === items.length - 1;
      }
    });
    if (submit) submit.hidden = stepper && current !== items.length - 1;
    measureSticky();
  }

  function show(index, focus) {
    current = Math.max(0, Math.min(items.length - 1, index));
    update();
    if (focus && form.classList.contains("stepper")) {
      const item = items[current];
      const target = item.querySelector("input:checked") || item.querySelector("input");
      // The scroll padding (the sticky bar's height) keeps the question below the bar.
      item.scrollIntoView({ block: "start" });
      if (target) target.focus({ preventScroll: true });
    }
  }

  function layout() {
    form.classList.toggle("stepper", PHONE.matches);
    update();
  }

  form.addEventListener("change", (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.type === "radio") {
      const answers = storageGet(key);
      answers[input.name] = input.value;
      storageSet(key, answers);
      update();
    }
  });
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-next], button[data-prev]");
    if (button) {
      show(current + (button.hasAttribute("data-next") ? 1 : -1), true);
      return;
    }
    // A link in the error summary to a question that the phone layout has hidden.
    const link = event.target.closest('a[href^="#q-"]');
    if (!link || !form.classList.contains("stepper")) return;
    const index = items.findIndex((item) => `#${item.id}` === link.getAttribute("href"));
    if (index >= 0) {
      event.preventDefault();
      show(index, true);
    }
  });

  // Start at the first item with an error, else the first unanswered one.
  const firstError = items.findIndex((item) => item.classList.contains("q-error"));
  const firstOpen = scored.findIndex((item) => !answered(item));
  current = firstError >= 0 ? firstError : Math.max(0, firstOpen);
  PHONE.addEventListener("change", layout);
  layout();
}

for (const form of document.querySelectorAll("form.questionnaire[data-storage-key]")) {
  setup(form);
}
for (const marker of document.querySelectorAll("[data-clear-storage]")) {
  try {
    window.sessionStorage.removeItem(`somatrace.${marker.dataset.clearStorage}`);
  } catch {
    // nothing kept, nothing to clear
  }
}
