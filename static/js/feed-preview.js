// Admin preview of a synchronised calendar (calendars.views.FeedPreviewView): a Celery worker reads the
// calendar while the page waits. Ask every few seconds whether the reading has ended, then reload the page,
// which shows the result. The live region already says « Lecture du calendrier en cours… ».
(function () {
  "use strict";
  const region = document.querySelector("[data-preview-state-url]");
  if (!region) {
    return;
  }
  const url = region.getAttribute("data-preview-state-url");
  const every = 2000;
  function ask() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (state && state.finished) {
          window.location.reload();
        } else {
          window.setTimeout(ask, every);
        }
      })
      .catch(function () {
        window.setTimeout(ask, every * 3);
      });
  }
  window.setTimeout(ask, every);
})();
