// « Autour de moi »: ask the browser for its position, put it in the form's hidden `lat` and `lon` fields
// (the commune typed is cleared: the position replaces it) and send the form. Without JavaScript, or when
// the browser has no position to give, the button stays hidden and the commune field does the job.
(function () {
  "use strict";
  if (!("geolocation" in navigator)) return;
  document.querySelectorAll("[data-near-me]").forEach(function (block) {
    var form = block.closest("form");
    var button = block.querySelector("button");
    var status = block.querySelector("[role=status]");
    if (!form || !button) return;
    var field = function (name) { return form.querySelector("[name=" + name + "]"); };
    block.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = block.dataset.waiting || "";
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          field("lat").value = position.coords.latitude.toFixed(3);
          field("lon").value = position.coords.longitude.toFixed(3);
          if (field("pres")) field("pres").value = "";
          form.submit();
        },
        function () {
          status.textContent = block.dataset.denied || "";
          button.disabled = false;
          if (field("pres")) field("pres").focus();
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
      );
    });
  });
  // A commune typed replaces a position found earlier.
  document.querySelectorAll("[data-near-me]").forEach(function (block) {
    var form = block.closest("form");
    var commune = form && form.querySelector("[name=pres]");
    if (!commune) return;
    commune.addEventListener("input", function () {
      form.querySelector("[name=lat]").value = "";
      form.querySelector("[name=lon]").value = "";
    });
  });
})();
