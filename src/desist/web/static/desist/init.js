// Start GOV.UK Frontend's components. Relative to this file, so it works with hashed static names too.
import { initAll } from "../dist/govuk-frontend.min.js";

initAll();

// HTMX swaps part of a page (a plan task saved, a notice marked read). Keep keyboard focus where the user was: on
// the same control in what came back, or, when the part went away, on the next part's first control. Start
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
});

document.body.addEventListener("htmx:afterSettle", () => {
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
  const next = neighbour && neighbour.isConnected ? neighbour.querySelector(FOCUSABLE) : null;
  const fallback = document.querySelector("main h1");
  if (next) {
    next.focus({ preventScroll: true });
  } else if (fallback) {
    fallback.setAttribute("tabindex", "-1");
    fallback.focus({ preventScroll: true });
  }
});
