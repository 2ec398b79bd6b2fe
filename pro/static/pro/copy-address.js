/*
 * « Copier l'adresse » of the private agenda address (/pro/agenda/). Without JavaScript the read-only field
 * stays, with its "select and copy" hint; with it, the button appears and says in a live region whether the
 * copy worked.
 */
(function () {
  "use strict";
  var block = document.querySelector("[data-copy]");
  var source = document.querySelector("[data-copy-source]");
  if (!block || !source) {
    return;
  }
  var button = block.querySelector("button");
  var status = block.querySelector("[data-copy-status]");

  function done(ok) {
    status.textContent = ok ? status.dataset.copied : status.dataset.failed;
  }

  source.addEventListener("focus", function () {
    source.select();
  });
  button.addEventListener("click", function () {
    source.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(function () { done(true); }, function () { done(false); });
      return;
    }
    try {
      done(document.execCommand("copy"));
    } catch (error) {
      done(false);
    }
  });
  block.hidden = false;
})();
