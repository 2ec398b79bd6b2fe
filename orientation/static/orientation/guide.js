/*
 * Maillage — the guided path « Trouver de l'aide » (/aide/ and the kiosk /borne/…/).
 *
 * Progressive enhancement only: every screen is a plain GET form that works without JavaScript. With it:
 * - « Autour de moi » appears, asks the browser for the position and sends it as lat/lon (rounded to about
 *   10 m, and never stored); when the browser refuses, it says so and the commune field stays the way;
 * - « Imprimer la fiche » appears and opens the print dialog (the slip is the print style of the result).
 * Every text comes from data-label-* attributes, translated by the template.
 */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
  if (document.querySelector("[data-print]")) {
    document.querySelectorAll("[data-print-hint]").forEach((hint) => {
      hint.hidden = true;
    });
  }

  const form = document.querySelector("[data-around-me]");
  if (!form || !("geolocation" in navigator)) {
    return;
  }
  const status = form.querySelector("[data-around-me-status]");
  const latitude = form.querySelector("input[name=lat]");
  const longitude = form.querySelector("input[name=lon]");
  form.hidden = false;
  form.addEventListener("submit", (event) => {
    if (latitude.value && longitude.value) {
      return;
    }
    event.preventDefault();
    status.textContent = form.dataset.labelSearching;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        latitude.value = position.coords.latitude.toFixed(4);
        longitude.value = position.coords.longitude.toFixed(4);
        form.submit();
      },
      () => {
        status.textContent = form.dataset.labelFailed;
      },
      { timeout: 15000, maximumAge: 600000 }
    );
  });
})();
