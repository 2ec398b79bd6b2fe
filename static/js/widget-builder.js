/*
 * « Intégrer l'agenda sur votre site »: keeps the snippet and the preview in step with the choices, and adds
 * a "Copier le code" button. Without this file the page still works: the form reloads it with a new snippet.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-widget-builder]");
  var snippet = document.querySelector("[data-widget-snippet]");
  var preview = document.querySelector("[data-widget-preview]");
  if (!form || !snippet) {
    return;
  }

  function escapeAttribute(text) {
    return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function update() {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value) {
        params.append(field.name, field.value);
      }
    });
    var widgetUrl = new URL(form.dataset.widgetBase, window.location.href);
    widgetUrl.search = params.toString();
    snippet.value =
      '<iframe src="' + escapeAttribute(widgetUrl.href) + '" title="' +
      escapeAttribute(snippet.dataset.iframeTitle) + '" width="100%" height="520" ' +
      'style="border: 1px solid #ccc; max-width: 100%;" loading="lazy"></iframe>';
    if (preview) {
      preview.src = widgetUrl.pathname + widgetUrl.search;
    }
    if (window.history.replaceState) {
      window.history.replaceState(null, "", "?" + params.toString());
    }
  }

  form.addEventListener("change", update);

  var copy = document.querySelector("[data-widget-copy]");
  var status = document.querySelector("[data-widget-copy-status]");
  if (copy && status) {
    copy.hidden = false;
    copy.querySelector("button").addEventListener("click", function () {
      function done(ok) {
        status.textContent = ok ? status.dataset.copied : status.dataset.failed;
      }
      snippet.focus();
      snippet.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(snippet.value).then(function () { done(true); }, function () { done(false); });
      } else {
        var ok = false;
        try {
          ok = document.execCommand("copy");
        } catch (error) {
          ok = false;
        }
        done(ok);
      }
    });
  }
})();
