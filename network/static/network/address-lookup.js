/*
 * Address lookup and position map of the structure form (network/widgets.py, AddressLookupWidget).
 *
 * « Chercher l'adresse » asks Maillage's admin proxy (network/admin_views.py, AddressLookupView; never the
 * national address base directly) and lists the matches as buttons; choosing one fills the address, postcode,
 * commune, INSEE code, latitude and longitude fields of the same form. The map shows a marker at the
 * coordinates; dragging it rewrites them, and typing them moves it. Without this script the fields are
 * typed by hand, as before.
 */
(function () {
  "use strict";

  const FILLED_ZOOM = 17;

  function field(form, name) {
    return form.elements.namedItem(name);
  }

  function setValue(input, value) {
    if (input && value !== undefined && value !== null) {
      input.value = value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function readPoint(form) {
    const lat = parseFloat((field(form, "latitude") || {}).value);
    const lon = parseFloat((field(form, "longitude") || {}).value);
    return Number.isFinite(lat) && Number.isFinite(lon) ? [lat, lon] : null;
  }

  function setUpMap(container) {
    const input = document.getElementById(container.dataset.input);
    if (!input || !input.form || typeof L === "undefined") {
      return null;
    }
    const form = input.form;
    container.hidden = false;
    const canvas = container.querySelector("[data-address-map-canvas]");
    const map = L.map(canvas, { scrollWheelZoom: false });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (container.dataset.tilesUrl) {
      L.tileLayer(container.dataset.tilesUrl, {
        attribution: container.dataset.attribution || "",
        maxZoom: 19,
      }).addTo(map);
    }
    const start = readPoint(form);
    map.setView(
      start || [parseFloat(container.dataset.centerLat), parseFloat(container.dataset.centerLon)],
      start ? FILLED_ZOOM : parseInt(container.dataset.zoom, 10) || 7
    );
    const marker = L.marker(start || map.getCenter(), {
      draggable: true,
      title: container.dataset.markerLabel,
      alt: container.dataset.markerLabel,
      // Keyboard users type the coordinates in their fields; the marker is not a stop of its own.
      keyboard: false,
    });
    if (start) {
      marker.addTo(map);
    }
    marker.on("dragend", () => {
      const position = marker.getLatLng();
      setValue(field(form, "latitude"), position.lat.toFixed(6));
      setValue(field(form, "longitude"), position.lng.toFixed(6));
    });

    function moveTo(point, zoom) {
      marker.setLatLng(point);
      if (!map.hasLayer(marker)) {
        marker.addTo(map);
      }
      map.setView(point, zoom || map.getZoom());
    }

    ["latitude", "longitude"].forEach((name) => {
      const coordinate = field(form, name);
      if (coordinate) {
        coordinate.addEventListener("input", () => {
          const point = readPoint(form);
          if (point) {
            moveTo(point);
          }
        });
      }
    });
    return { moveTo: (point) => moveTo(point, FILLED_ZOOM) };
  }

  function setUpLookup(lookup, map) {
    const input = document.getElementById(lookup.dataset.input);
    if (!input || !input.form) {
      return;
    }
    const form = input.form;
    const button = lookup.querySelector("[data-address-search]");
    const status = lookup.querySelector("[data-address-status]");
    const results = lookup.querySelector("[data-address-results]");
    lookup.hidden = false;

    function query() {
      const parts = [input.value];
      ["code_postal", "commune"].forEach((name) => {
        const other = field(form, name);
        if (other && other.value.trim()) {
          parts.push(other.value.trim());
        }
      });
      return parts.join(" ").trim();
    }

    function choose(match) {
      if (match.adresse) {
        setValue(input, match.adresse);
      }
      setValue(field(form, "code_postal"), match.code_postal);
      setValue(field(form, "commune"), match.commune);
      setValue(field(form, "code_insee"), match.code_insee);
      setValue(field(form, "latitude"), match.latitude.toFixed(6));
      setValue(field(form, "longitude"), match.longitude.toFixed(6));
      if (map) {
        map.moveTo([match.latitude, match.longitude]);
      }
      results.replaceChildren();
      status.textContent = lookup.dataset.messageChosen;
      input.focus();
    }

    function show(matches) {
      results.replaceChildren();
      matches.forEach((match) => {
        const item = document.createElement("li");
        const choice = document.createElement("button");
        choice.type = "button";
        choice.className = "button button-small button-secondary";
        choice.textContent = match.label;
        choice.addEventListener("click", () => choose(match));
        item.appendChild(choice);
        results.appendChild(item);
      });
    }

    async function search() {
      const words = query();
      status.textContent = lookup.dataset.messageSearching;
      results.replaceChildren();
      let data = null;
      try {
        const response = await fetch(lookup.dataset.url + "?" + new URLSearchParams({ q: words }), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        data = await response.json();
        if (!response.ok) {
          status.textContent = data.message || lookup.dataset.messageUnavailable;
          return;
        }
      } catch (error) {
        status.textContent = lookup.dataset.messageUnavailable;
        return;
      }
      const matches = data.results || [];
      if (matches.length === 0) {
        status.textContent = lookup.dataset.messageEmpty;
        return;
      }
      status.textContent =
        matches.length === 1
          ? lookup.dataset.messageFoundOne
          : lookup.dataset.messageFound.replace("{count}", String(matches.length));
      show(matches);
    }

    button.addEventListener("click", search);
    // Enter in the address field searches instead of submitting the whole page form.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        search();
      }
    });
  }

  function init() {
    const maps = new Map();
    document.querySelectorAll("[data-address-map]").forEach((container) => {
      maps.set(container.dataset.input, setUpMap(container));
    });
    document.querySelectorAll("[data-address-lookup]").forEach((lookup) => {
      setUpLookup(lookup, maps.get(lookup.dataset.input) || null);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
