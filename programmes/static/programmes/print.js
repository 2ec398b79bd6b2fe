/*
 * Maillage — the « Imprimer » button of a programme's printable version: opens the browser's print dialog.
 * Hidden without JavaScript, where the page says how to print with the browser's own command.
 */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
})();
