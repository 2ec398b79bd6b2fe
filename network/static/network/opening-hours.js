/*
 * Opening hours editor of the structure form (network/widgets.py, OpeningHoursWidget).
 *
 * Without this script the OpenStreetMap text field is the whole widget. With it, the day-by-day grid
 * (rendered by the server from that text) is shown, and every change in it rewrites the text, which stays
 * the only submitted value: the server validates it and stores it as before. The text is written as
 * network/horaires.py `format_opening_hours` writes it: consecutive days with the same ranges share one
 * rule (Mo-Fr 09:00-12:00), closed days are left out, "PH off" comes last.
 *
 * Typing in the expert text switches the grid off (it cannot read every OSM form): the text is then saved
 * as typed, and the grid shows it again after saving.
 */
(function () {
  "use strict";

  const DAY_CODES = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

  function rangesOf(fieldset) {
    const ranges = [];
    fieldset.querySelectorAll("[data-range]").forEach((item) => {
      const start = item.querySelector("[data-start]").value;
      let end = item.querySelector("[data-end]").value;
      if (!start && !end) {
        return;
      }
      // A range ending at midnight is entered as 00:00; OSM writes it 24:00.
      if (end === "00:00" && start !== "") {
        end = "24:00";
      }
      // An unfinished range is kept as typed ("09:00-"): the server refuses it with a French message
      // rather than the editor losing it silently.
      ranges.push(start + "-" + end);
    });
    return ranges.sort();
  }

  function formatHours(days, closedOnPublicHolidays) {
    const rules = [];
    let index = 0;
    while (index < 7) {
      let last = index;
      const text = days[index].join(",");
      while (last + 1 < 7 && days[last + 1].join(",") === text) {
        last += 1;
      }
      if (text) {
        const selector = last === index ? DAY_CODES[index] : DAY_CODES[index] + "-" + DAY_CODES[last];
        rules.push(selector + " " + text);
      }
      index = last + 1;
    }
    if (closedOnPublicHolidays) {
      rules.push("PH off");
    }
    return rules.join("; ");
  }

  function setUp(editor) {
    const textarea = document.getElementById(editor.dataset.target);
    if (!textarea) {
      return;
    }
    const expert = textarea.closest("[data-horaires-expert]");
    const status = editor.querySelector("[data-horaires-status]");
    const fieldsets = Array.from(editor.querySelectorAll("fieldset[data-day]"));
    const holidays = editor.querySelector("[data-public-holidays]");
    let writing = false;

    function switchOff(message) {
      fieldsets.forEach((fieldset) => {
        fieldset.disabled = true;
      });
      holidays.disabled = true;
      status.textContent = message;
    }

    function write() {
      writing = true;
      textarea.value = formatHours(fieldsets.map(rangesOf), holidays.checked);
      textarea.dispatchEvent(new Event("change", { bubbles: true }));
      writing = false;
    }

    function refreshClosed(fieldset) {
      const closed = fieldset.querySelector("[data-closed]");
      closed.hidden = fieldset.querySelectorAll("[data-range]").length > 0;
    }

    fieldsets.forEach((fieldset) => {
      const list = fieldset.querySelector("[data-ranges]");
      const template = fieldset.querySelector("template[data-range-template]");
      const addButton = fieldset.querySelector("[data-add-range]");
      addButton.addEventListener("click", () => {
        const item = template.content.firstElementChild.cloneNode(true);
        list.appendChild(item);
        refreshClosed(fieldset);
        item.querySelector("[data-start]").focus();
        write();
      });
      fieldset.addEventListener("click", (event) => {
        const remove = event.target.closest("[data-remove-range]");
        if (!remove) {
          return;
        }
        remove.closest("[data-range]").remove();
        refreshClosed(fieldset);
        addButton.focus();
        write();
      });
      fieldset.addEventListener("input", write);
      fieldset.addEventListener("change", write);
    });
    holidays.addEventListener("change", write);

    textarea.addEventListener("input", () => {
      if (!writing) {
        switchOff(editor.dataset.messageExpert);
      }
    });

    editor.hidden = false;
    if (editor.dataset.readable === "true") {
      expert.open = false;
    } else {
      switchOff(editor.dataset.messageUnreadable);
    }
  }

  function init() {
    document.querySelectorAll("[data-horaires-editor]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
