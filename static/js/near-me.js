// « Près de chez moi » / « Autour de moi »: ask the browser for its position and hand it to a search form as
// its `lat` and `lon` fields. One script for every page that offers it, whatever its markup:
// - a [data-near-me] block holding a button (agenda, the pros' orientation): the position is sent at once;
// - a [data-near-me-form] form and its [data-near-me] button (home page, /recherche/): the position fills the
//   hidden fields and the status line says so; the person then searches;
// - a [data-around-me] form (the guided path « Trouver de l'aide »): sending it asks for the position first.
// Without JavaScript, or when the browser has no position to give, the button stays hidden and the commune
// field does the job; refused or unavailable, the status line says so. A commune typed replaces a position
// found earlier. Every text comes from data-* attributes, translated by the template.
(function () {
  "use strict";
  if (!("geolocation" in navigator)) return;

  // The position rounded to `digits` decimals (3: about 100 m, 4: about 10 m), never stored.
  function askPosition(digits, timeout, found, refused) {
    navigator.geolocation.getCurrentPosition(
      function (position) {
        found(position.coords.latitude.toFixed(digits), position.coords.longitude.toFixed(digits));
      },
      refused,
      { enableHighAccuracy: false, timeout: timeout, maximumAge: 600000 }
    );
  }

  // A commune typed replaces the position (`disable`: the fields are not even sent).
  function forgetOnTyping(commune, lat, lon, disable) {
    if (!commune || !lat || !lon) return;
    commune.addEventListener("input", function () {
      lat.value = lon.value = "";
      if (disable) lat.disabled = lon.disabled = true;
    });
  }

  // Agenda and the pros' orientation: a block with its button and status line; the form is sent at once.
  document.querySelectorAll("[data-near-me]").forEach(function (block) {
    if (block.closest("[data-near-me-form]")) return;
    var form = block.closest("form");
    var button = block.querySelector("button");
    var status = block.querySelector("[role=status]");
    if (!form || !button) return;
    var field = function (name) { return form.querySelector("[name=" + name + "]"); };
    block.hidden = false;
    forgetOnTyping(field("pres"), field("lat"), field("lon"), false);
    button.addEventListener("click", function () {
      status.textContent = block.dataset.waiting || "";
      button.disabled = true;
      askPosition(3, 10000, function (latitude, longitude) {
        field("lat").value = latitude;
        field("lon").value = longitude;
        if (field("pres")) field("pres").value = "";
        form.submit();
      }, function () {
        status.textContent = block.dataset.denied || "";
        button.disabled = false;
        if (field("pres")) field("pres").focus();
      });
    });
  });

  // The search « De quoi avez-vous besoin ? »: the position fills the form, the person then searches.
  document.querySelectorAll("[data-near-me-form]").forEach(function (form) {
    var button = form.querySelector("[data-near-me]");
    var lat = form.querySelector("[data-near-lat]");
    var lon = form.querySelector("[data-near-lon]");
    var status = form.querySelector("[data-near-status]");
    var commune = form.querySelector("input[name='pres']");
    if (!button || !lat || !lon || !status) return;
    button.hidden = false;
    forgetOnTyping(commune, lat, lon, true);
    button.addEventListener("click", function () {
      status.textContent = button.dataset.searching;
      askPosition(5, 10000, function (latitude, longitude) {
        lat.value = latitude;
        lon.value = longitude;
        lat.disabled = lon.disabled = false;
        if (commune) commune.value = "";
        status.textContent = button.dataset.found;
      }, function () {
        lat.disabled = lon.disabled = true;
        status.textContent = button.dataset.refused;
        if (commune) commune.focus();
      });
    });
  });

  // The guided path: « Autour de moi » is a form of its own, sent with the position once it is known.
  document.querySelectorAll("[data-around-me]").forEach(function (form) {
    var status = form.querySelector("[data-around-me-status]");
    var lat = form.querySelector("input[name=lat]");
    var lon = form.querySelector("input[name=lon]");
    if (!status || !lat || !lon) return;
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      if (lat.value && lon.value) return;
      event.preventDefault();
      status.textContent = form.dataset.labelSearching;
      askPosition(4, 15000, function (latitude, longitude) {
        lat.value = latitude;
        lon.value = longitude;
        form.submit();
      }, function () {
        status.textContent = form.dataset.labelFailed;
      });
    });
  });
})();
