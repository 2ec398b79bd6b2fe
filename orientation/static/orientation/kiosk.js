/*
 * Maillage — the kiosk /borne/…/ goes back to its start after a while without a touch, so that the next
 * person never finds the previous one's answers. The delay is the body's data-idle-seconds (90 by default,
 * setting MAILLAGE_KIOSK_IDLE_SECONDS); ten seconds before (half the delay if it is shorter), a notice says
 * so, and any touch keeps the screen.
 * The start replaces the current page in the history.
 */
(function () {
  "use strict";

  const body = document.body;
  const seconds = Number.parseFloat(body.dataset.idleSeconds);
  const start = body.dataset.startUrl;
  if (!(seconds > 0) || !start) {
    return;
  }
  const notice = document.querySelector("[data-idle-notice]");
  let warnTimer = null;
  let resetTimer = null;

  function backToStart() {
    if (window.location.pathname + window.location.search === start) {
      document.querySelectorAll("form").forEach((form) => form.reset());
      window.scrollTo(0, 0);
      arm();
    } else {
      window.location.replace(start);
    }
  }

  function arm() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(resetTimer);
    if (notice) {
      notice.hidden = true;
      warnTimer = window.setTimeout(() => {
        notice.hidden = false;
      }, (seconds - Math.min(10, seconds / 2)) * 1000);
    }
    resetTimer = window.setTimeout(backToStart, seconds * 1000);
  }

  ["pointerdown", "keydown", "input", "scroll", "wheel", "touchstart"].forEach((name) => {
    window.addEventListener(name, arm, { capture: true, passive: true });
  });
  arm();
})();
