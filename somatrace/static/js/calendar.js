// The calendar's drag to move and drag to resize, with pointer events (mouse, touch, pen).
// A block moves in steps of one grid row (15 minutes), to another day column in the week
// view; dragging its lower edge changes its length. On release the new time is POSTed
// (net.js) to the block's data-move-url, which runs the same checks as the booking form;
// a refusal shows the server's message and puts the block back. Without this script every
// block is still a link to its page, where a form moves it.

import { postJSON } from "./net.js";

const SLOT_MINUTES = 15;
const DRAG_THRESHOLD_PX = 6; // less than this is a tap or a click: follow the link

function pad(n) {
  return String(n).padStart(2, "0");
}

function say(message, isError) {
  const status = document.getElementById("cal-status");
  if (!status) return;
  status.textContent = message;
  status.classList.toggle("is-error", Boolean(isError));
}

function columnAt(x, y) {
  for (const element of document.elementsFromPoint(x, y)) {
    if (element.classList && element.classList.contains("cal-col")) return element;
  }
  return null;
}

function setup(calendar) {
  const rows = Number(calendar.dataset.rows);
  let drag = null;

  function slotHeight(column) {
    return column.getBoundingClientRect().height / rows;
  }

  function reset(block) {
    block.style.transform = "";
    block.style.gridRowEnd = "";
    block.classList.remove("is-dragging", "is-saving");
  }

  calendar.addEventListener("pointerdown", (event) => {
    const block = event.target.closest(".cal-appt[data-move-url]");
    if (!block || event.button !== 0 || drag) return;
    const [day, clock] = block.dataset.start.split(" ");
    const [hours, minutes] = clock.split(":").map(Number);
    drag = {
      block,
      pointerId: event.pointerId,
      resize: event.target.classList.contains("cal-resize"),
      x: event.clientX,
      y: event.clientY,
      column: block.parentElement,
      day,
      startMinutes: hours * 60 + minutes,
      length: Number(block.dataset.minutes),
      span: block.getBoundingClientRect().height,
      moved: false,
      steps: 0,
      target: block.parentElement,
    };
    block.setPointerCapture(event.pointerId);
  });

  calendar.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
    drag.moved = true;
    event.preventDefault();
    const { block } = drag;
    block.classList.add("is-dragging");
    const step = slotHeight(drag.column);
    drag.steps = Math.round(dy / step);
    if (drag.resize) {
      const slots = Math.max(1, Math.round(drag.length / SLOT_MINUTES) + drag.steps);
      drag.steps = slots - Math.round(drag.length / SLOT_MINUTES);
      block.style.gridRowEnd = `span ${slots}`;
      return;
    }
    // Another day's column (week view); in the day view columns are practitioners, and an
    // appointment keeps its practitioner: it moves up and down only.
    let target = columnAt(event.clientX, event.clientY) || drag.column;
    if (target.dataset.practitioner && target.dataset.practitioner !== block.dataset.practitioner) {
      target = drag.column;
    }
    drag.target = target;
    const across = target.getBoundingClientRect().left - drag.column.getBoundingClientRect().left;
    block.style.transform = `translate(${across}px, ${drag.steps * step}px)`;
  });

  async function finish(event) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const current = drag;
    drag = null;
    if (!current.moved) return; // a tap: the link opens
    // The click that follows a drag must not open the link.
    current.block.addEventListener("click", (click) => click.preventDefault(), { once: true, capture: true });
    if (event.type === "pointercancel" || (current.steps === 0 && current.target === current.column)) {
      reset(current.block);
      return;
    }
    let start = current.startMinutes;
    let length = current.length;
    if (current.resize) {
      length = current.length + current.steps * SLOT_MINUTES;
    } else {
      start += current.steps * SLOT_MINUTES;
    }
    const day = current.target.dataset.date || current.day;
    if (start < 0 || start + length > 24 * 60) {
      reset(current.block);
      say("An appointment stays within one day.", true);
      return;
    }
    current.block.classList.add("is-saving");
    const answer = await postJSON(current.block.dataset.moveUrl, {
      date: day,
      time: `${pad(Math.floor(start / 60))}:${pad(start % 60)}`,
      duration_minutes: length,
    });
    if (answer.ok) {
      say(answer.body.message || "Moved.", false);
      window.location.reload();
      return;
    }
    reset(current.block);
    if (answer.offline) say("Not moved: no connection. Try again.", true);
    else if (answer.auth) say("Not moved: please sign in again.", true);
    else say(answer.body.error || "Not moved.", true);
  }

  // A link's own drag (to the address bar) would cancel the pointer events.
  calendar.addEventListener("dragstart", (event) => event.preventDefault());
  calendar.addEventListener("pointerup", finish);
  calendar.addEventListener("pointercancel", finish);
}

for (const calendar of document.querySelectorAll(".cal[data-rows]")) setup(calendar);
