/*
 * Maillage — « Copier le lien » (a cycle's programme) and « Copier l'adresse » (« S'abonner »).
 *
 * Progressive enhancement: without JavaScript the address is in a read-only field that can be selected and
 * copied by hand, and the button stays hidden. With it, the button copies the address (Clipboard API), or,
 * where the browser refuses, selects it and says how to copy it. What happened is announced in the
 * [data-copy-status] live region; every text comes from data-label-* attributes, translated by the template.
 */
(function () {
  "use strict";

  function announce(button, message) {
    const status = button.closest(".share__copy")?.querySelector("[data-copy-status]");
    if (status) {
      status.textContent = "";
      // A fresh text node makes screen readers announce the message again on a second click.
      window.setTimeout(() => {
        status.textContent = message;
      }, 50);
    }
  }

  function selectAddress(field, button) {
    field.focus();
    field.select();
    announce(button, button.dataset.labelSelect);
  }

  document.querySelectorAll("[data-copy-link]").forEach((button) => {
    const field = document.getElementById(button.dataset.copyLink);
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", () => {
      if (!navigator.clipboard || !window.isSecureContext) {
        selectAddress(field, button);
        return;
      }
      navigator.clipboard.writeText(field.value).then(
        () => announce(button, button.dataset.labelCopied),
        () => selectAddress(field, button)
      );
    });
  });
})();
