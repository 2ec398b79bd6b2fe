// « Près de chez moi »: ask the browser's position and put it in the search form's lat/lon fields.
// Without JavaScript the button stays hidden and the commune field does the same job; refused or
// unavailable, the status line says so and the person types the commune.
(function () {
  "use strict";
  document.querySelectorAll("[data-near-me-form]").forEach(function (form) {
    var button = form.querySelector("[data-near-me]");
    var lat = form.querySelector("[data-near-lat]");
    var lon = form.querySelector("[data-near-lon]");
    var status = form.querySelector("[data-near-status]");
    var commune = form.querySelector("input[name='pres']");
    if (!button || !lat || !lon || !status || !("geolocation" in navigator)) return;
    button.hidden = false;
    if (commune) {
      commune.addEventListener("input", function () {
        // A commune typed replaces the position.
        lat.disabled = lon.disabled = true;
        lat.value = lon.value = "";
      });
    }
    button.addEventListener("click", function () {
      status.textContent = button.dataset.searching;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lat.value = position.coords.latitude.toFixed(5);
          lon.value = position.coords.longitude.toFixed(5);
          lat.disabled = lon.disabled = false;
          if (commune) commune.value = "";
          status.textContent = button.dataset.found;
        },
        function () {
          lat.disabled = lon.disabled = true;
          status.textContent = button.dataset.refused;
          if (commune) commune.focus();
        },
        { timeout: 10000, maximumAge: 600000 }
      );
    });
  });
})();
