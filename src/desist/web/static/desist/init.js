// Start GOV.UK Frontend's components. Relative to this file, so it works with hashed static names too.
import { initAll } from "../dist/govuk-frontend.min.js";

initAll();

// HTMX swaps part of a page (a plan task saved, a notice marked read). Keep keyboard focus where the user was: on
// the same control in what came back, or, when the part went away, on the same control of the next part. Start
// GOV.UK Frontend in what came back, so an error summary there takes focus as it does on a whole page.
const FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";
let kept = null;

document.body.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  const active = document.activeElement;
  kept = null;
  if (!target || !active || !target.contains(active)) return;
  kept = {
    targetId: target.id,
    activeId: active.id,
    index: Array.from(target.querySelectorAll(FOCUSABLE)).indexOf(active),
    neighbour: target.nextElementSibling || target.previousElementSibling,
  };
  // A part swapped away (an empty answer) takes its events with it: restore from here too, once settled.
  setTimeout(restoreFocus, 50);
});

document.body.addEventListener("htmx:afterSettle", restoreFocus);

function restoreFocus() {
  if (!kept) return;
  const { targetId, activeId, index, neighbour } = kept;
  kept = null;
  const swapped = targetId ? document.getElementById(targetId) : null;
  if (swapped) {
    initAll({ scope: swapped });
    if (swapped.querySelector(".govuk-error-summary")) return; // the summary has taken focus
    const controls = Array.from(swapped.querySelectorAll(FOCUSABLE));
    const again = (activeId && document.getElementById(activeId)) || controls[index] || controls[0];
    if (again) again.focus({ preventScroll: true });
    return;
  }
  // The same control in the next part (its "Mark as read" for a notice marked read), else its first.
  const others = neighbour && neighbour.isConnected ? Array.from(neighbour.querySelectorAll(FOCUSABLE)) : [];
  const next = others[index] || others[0];
  const fallback = document.querySelector("main h1");
  if (next) {
    next.focus({ preventScroll: true });
  } else if (fallback) {
    fallback.setAttribute("tabindex", "-1");
    fallback.focus({ preventScroll: true });
  }
}
