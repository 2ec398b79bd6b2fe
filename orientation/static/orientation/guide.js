/*
 * Maillage — the guided path « Trouver de l'aide » (/aide/ and the kiosk /borne/…/).
 *
 * Progressive enhancement only: every screen is a plain GET form that works without JavaScript. With it,
 * « Imprimer la fiche » appears and opens the print dialog (the slip is the print style of the result).
 * « Autour de moi » is the site's one position script, static/js/near-me.js, like every « Près de chez moi ».
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
})();
