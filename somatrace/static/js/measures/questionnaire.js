// One server-rendered questionnaire form: all items on a laptop, one item per screen on a
// phone. Answers are kept in sessionStorage (keyed by administration, never by name) so a
// reload loses nothing; the thank-you page clears them.

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
  let current = 0;

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
      progressText.textContent = stepper
        ? `Question ${current + 1} of ${items.length} · ${done} answered`
        : `${done} of ${scored.length} answered`;
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
  }

  function show(index, focus) {
    current = Math.max(0, Math.min(items.length - 1, index));
    update();
    if (focus && form.classList.contains("stepper")) {
      const item = items[current];
      const target = item.querySelector("input:checked") || item.querySelector("input");
      item.scrollIntoView({ block: "start" });
      if (target) target.focus();
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
    if (!button) return;
    show(current + (button.hasAttribute("data-next") ? 1 : -1), true);
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
