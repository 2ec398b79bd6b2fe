/*
 * Recurrence editor of the atelier admin form: shows only the questions that apply to the chosen
 * repetition, and refreshes the "Aperçu des prochaines séances" region (aria-live) from the server,
 * which composes the rule exactly as the save will. Without JavaScript every group stays visible, each in
 * a fieldset whose legend says when it applies, and the preview appears after saving.
 * A question is always hidden with its label: the element hidden is the panel wrapper holding both
 * (`.w-panel__wrapper`), or the whole fieldset of a rhythm (`[data-rhythm-group]`).
 */
(function () {
  "use strict";

  var DELAY_MS = 300;
  var SCHEDULE_FIELDS = [
    "start_date", "start_time", "end_time", "repetition", "interval", "weekdays",
    "monthly_position", "ending", "until", "count", "skipped_dates",
  ];

  function wrapperOf(form, name) {
    var input = form.querySelector('[name="' + name + '"]');
    if (!input) return null;
    return input.closest(".w-panel__wrapper") || input.closest(".w-field__wrapper");
  }

  function checkedValue(form, name) {
    var checked = form.querySelector('[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }

  function show(form, name, visible) {
    var wrapper = wrapperOf(form, name);
    if (wrapper) wrapper.hidden = !visible;
  }

  function toggleFields(form) {
    var repetition = checkedValue(form, "repetition");
    var ending = checkedValue(form, "ending");
    var position = (form.querySelector('[name="monthly_position"]') || {}).value || "";
    form.querySelectorAll("[data-rhythm-group]").forEach(function (group) {
      var rhythms = group.getAttribute("data-rhythm-group").split(" ");
      var hidden = rhythms.indexOf(repetition) === -1;
      group.hidden = hidden;
      // The enclosing panel's wrapper too, so that no empty row keeps its spacing.
      var wrapper = group.parentElement.closest(".w-panel__wrapper");
      if (wrapper) wrapper.hidden = hidden;
    });
    show(form, "weekdays", repetition === "WEEKLY" || position !== "");
    show(form, "until", ending === "date");
    show(form, "count", ending === "nombre");
  }

  function init() {
    var region = document.querySelector("[data-atelier-preview]");
    if (!region) return;
    var form = region.closest("form");
    var content = region.querySelector("[data-preview-content]");
    var url = region.getAttribute("data-preview-url");
    var timer = null;
    var controller = null;

    function refresh() {
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
        signal: controller.signal,
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          content.innerHTML = html;
        })
        .catch(function () {
          /* The preview is a help, never a blocker: keep the last one shown. */
        });
    }

    function onChange(event) {
      var name = event.target && event.target.name;
      if (!name || SCHEDULE_FIELDS.indexOf(name) === -1) return;
      toggleFields(form);
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    }

    form.addEventListener("change", onChange);
    form.addEventListener("input", onChange);
    toggleFields(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
