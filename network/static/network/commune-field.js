// « Près de … » fields: as the person types, fill the field's <datalist> with matching communes.
// Without JavaScript the field is a plain text box and the server reads the commune name forgivingly.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.suggestionsUrl;
    if (!list || !url) return;
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (text.length < 2 || text === last) return;
      last = text;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { communes: [] }; })
          .then(function (data) {
            list.replaceChildren();
            data.communes.forEach(function (name) {
              var option = document.createElement("option");
              option.value = name;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a help, the field works without them */ });
      }, 200);
    });
  }
  document.querySelectorAll("input[data-suggestions-url]").forEach(attach);
})();
