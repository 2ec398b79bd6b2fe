/*
 * Maillage — the map of places.
 *
 * Reads the markers from <script id="map-markers" type="application/json"> (a list of
 * {id, name, url, commune, lat, lon}) and draws them on the [data-map] container with Leaflet (served from
 * our own static files). Tiles are optional: an empty data-tiles-url draws no background, and markers never
 * depend on tiles loading.
 *
 * When markers are close together they are grouped: at each zoom level, markers whose pixel positions fall
 * in the same CELL_SIZE × CELL_SIZE square become one round marker showing their count; activating it zooms
 * in on them (or lists them, when they cannot be told apart by zooming).
 *
 * With data-markers-url (a national directory: too many places to embed in the page), nothing is embedded:
 * at each move or zoom the script asks that address for the visible area (bbox=west,south,east,north and
 * zoom, the page's filters already in the URL). The server answers either the places themselves (drawn and
 * grouped as above) or clusters it computed, each {lat, lon, count}: a round button showing the count
 * ("125 lieux ici, zoomer"), which zooms in on its position when activated.
 *
 * Once drawn, the container carries data-marker-count: the number of places plotted (end-to-end tests);
 * with remote data, data-cluster-count (clusters drawn) and data-current-zoom too.
 * All visible text comes from data-label-* attributes, translated by the template.
 */
(function () {
  "use strict";

  const CELL_SIZE = 60;
  const MIN_GAP = 52; // pixels between group centres: the largest group marker is 58px wide
  const SINGLE_PLACE_ZOOM = 15;
  const MAX_ZOOM = 18;
  const CLUSTER_LIST_LIMIT = 30;
  const CLUSTER_ZOOM_STEP = 2;

  function escapeHtml(text) {
    const element = document.createElement("span");
    element.textContent = text;
    return element.innerHTML;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
  }

  function readMarkers() {
    const source = document.getElementById("map-markers");
    if (!source) {
      return [];
    }
    let data;
    try {
      data = JSON.parse(source.textContent);
    } catch (error) {
      return [];
    }
    if (!Array.isArray(data)) {
      return [];
    }
    return data.filter(
      (marker) =>
        marker &&
        typeof marker.lat === "number" &&
        typeof marker.lon === "number" &&
        Number.isFinite(marker.lat) &&
        Number.isFinite(marker.lon)
    );
  }

  function placeLink(marker) {
    const link = document.createElement("a");
    link.href = marker.url;
    link.textContent = marker.name;
    return link;
  }

  function placePopup(marker) {
    const content = document.createElement("div");
    content.className = "map-popup";
    const title = document.createElement("p");
    title.className = "map-popup__title";
    title.appendChild(placeLink(marker));
    content.appendChild(title);
    if (marker.commune) {
      const commune = document.createElement("p");
      commune.className = "map-popup__commune";
      commune.textContent = marker.commune;
      content.appendChild(commune);
    }
    return content;
  }

  function clusterPopup(items, labels) {
    const content = document.createElement("div");
    content.className = "map-popup";
    const title = document.createElement("p");
    title.className = "map-popup__title";
    title.textContent = format(labels.clusterList, { count: items.length });
    content.appendChild(title);
    const list = document.createElement("ul");
    list.className = "map-popup__list";
    items
      .slice()
      .sort((a, b) => a.name.localeCompare(b.name, "fr"))
      .slice(0, CLUSTER_LIST_LIMIT)
      .forEach((marker) => {
        const item = document.createElement("li");
        item.appendChild(placeLink(marker));
        if (marker.commune) {
          item.appendChild(document.createTextNode(" — " + marker.commune));
        }
        list.appendChild(item);
      });
    content.appendChild(list);
    return content;
  }

  /*
   * Group markers by the CELL_SIZE square their pixel position falls in, at `zoom`. Groups on either side
   * of a cell border can still overlap, so groups whose centres are closer than MIN_GAP pixels are then
   * merged, until none are.
   */
  function groupByCell(map, markers, zoom) {
    const cells = new Map();
    markers.forEach((marker) => {
      const point = map.project([marker.lat, marker.lon], zoom);
      const key = Math.floor(point.x / CELL_SIZE) + ":" + Math.floor(point.y / CELL_SIZE);
      if (!cells.has(key)) {
        cells.set(key, { items: [], x: 0, y: 0 });
      }
      addToGroup(cells.get(key), [marker], point.x, point.y);
    });
    return mergeOverlapping(Array.from(cells.values())).map((group) => group.items);
  }

  /* Add `items`, whose centre is (x, y), to `group`, keeping the group's centre the mean of its items. */
  function addToGroup(group, items, x, y) {
    const total = group.items.length + items.length;
    group.x = (group.x * group.items.length + x * items.length) / total;
    group.y = (group.y * group.items.length + y * items.length) / total;
    items.forEach((item) => group.items.push(item));
  }

  function mergeOverlapping(groups) {
    let merged = true;
    while (merged) {
      merged = false;
      const index = new Map();
      groups.forEach((group) => {
        const key = Math.floor(group.x / CELL_SIZE) + ":" + Math.floor(group.y / CELL_SIZE);
        if (!index.has(key)) {
          index.set(key, []);
        }
        index.get(key).push(group);
      });
      const absorbed = new Set();
      groups.forEach((group) => {
        if (absorbed.has(group)) {
          return;
        }
        const column = Math.floor(group.x / CELL_SIZE);
        const row = Math.floor(group.y / CELL_SIZE);
        for (let dx = -1; dx <= 1; dx += 1) {
          for (let dy = -1; dy <= 1; dy += 1) {
            (index.get(column + dx + ":" + (row + dy)) || []).forEach((other) => {
              if (other !== group && !absorbed.has(other) && Math.hypot(other.x - group.x, other.y - group.y) < MIN_GAP) {
                addToGroup(group, other.items, other.x, other.y);
                absorbed.add(other);
                merged = true;
              }
            });
          }
        }
      });
      groups = groups.filter((group) => !absorbed.has(group));
    }
    return groups;
  }

  function centerOf(items) {
    let lat = 0;
    let lon = 0;
    items.forEach((marker) => {
      lat += marker.lat;
      lon += marker.lon;
    });
    return L.latLng(lat / items.length, lon / items.length);
  }

  function placeIcon() {
    return L.divIcon({
      className: "map-place",
      html: '<span class="map-place__dot" aria-hidden="true"></span>',
      iconSize: [44, 44],
      iconAnchor: [22, 22],
      popupAnchor: [0, -14],
    });
  }

  function clusterIcon(count) {
    const size = count < 10 ? 44 : count < 100 ? 50 : 58;
    return L.divIcon({
      className: "map-cluster",
      html: '<span class="map-cluster__count" aria-hidden="true">' + escapeHtml(String(count)) + "</span>",
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
    });
  }

  function isEnter(event) {
    const original = event && event.originalEvent;
    return Boolean(original && (original.key === "Enter" || original.keyCode === 13));
  }

  /* Markers have role="button": Space activates them too (Leaflet only handles Enter). */
  function onSpace(leafletMarker, activate) {
    const element = leafletMarker.getElement();
    if (!element) {
      return;
    }
    element.addEventListener("keydown", (event) => {
      if (event.key === " " || event.key === "Spacebar") {
        event.preventDefault();
        activate();
      }
    });
  }

  /* Leaflet's own controls speak English; give them the page's words. */
  function translatePopupClose(popup, labels) {
    const element = popup.getElement();
    const close = element && element.querySelector(".leaflet-popup-close-button");
    if (close) {
      close.setAttribute("aria-label", labels.close);
      close.setAttribute("title", labels.close);
    }
  }

  function focusFirstLink(popup) {
    const element = popup.getElement();
    const link = element && element.querySelector("a[href]:not(.leaflet-popup-close-button)");
    if (link) {
      link.focus();
    }
  }

  function nameMarker(leafletMarker, name) {
    const element = leafletMarker.getElement();
    if (element) {
      element.setAttribute("aria-label", name);
    }
  }

  function drawMap(container) {
    const labels = {
      zoomIn: container.dataset.labelZoomIn || "+",
      zoomOut: container.dataset.labelZoomOut || "−",
      close: container.dataset.labelClose || "×",
      cluster: container.dataset.labelCluster || "{count}",
      clusterList: container.dataset.labelClusterList || "{count}",
      clusterRemote: container.dataset.labelClusterRemote || "{count}",
      clusterRemoteOne: container.dataset.labelClusterRemoteOne || "1",
      loadingError: container.dataset.labelLoadingError || "",
    };
    const remoteUrl = container.dataset.markersUrl || "";
    let markers = remoteUrl ? [] : readMarkers();

    const map = L.map(container, {
      zoomControl: false,
      scrollWheelZoom: false,
      // On touch screens one finger scrolls the page, not the map (two fingers still zoom).
      dragging: !L.Browser.mobile,
      maxZoom: MAX_ZOOM,
      zoomSnap: 0.5,
    });
    L.control.zoom({ zoomInTitle: labels.zoomIn, zoomOutTitle: labels.zoomOut }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');

    const tilesUrl = container.dataset.tilesUrl;
    if (tilesUrl) {
      L.tileLayer(tilesUrl, {
        attribution: escapeHtml(container.dataset.attribution || ""),
        maxZoom: MAX_ZOOM,
      }).addTo(map);
    } else {
      container.classList.add("map--no-tiles");
    }

    if (markers.length === 0) {
      map.setView(
        [parseFloat(container.dataset.centerLat), parseFloat(container.dataset.centerLon)],
        parseInt(container.dataset.zoom, 10) || 7
      );
    } else if (markers.length === 1) {
      map.setView([markers[0].lat, markers[0].lon], SINGLE_PLACE_ZOOM);
    } else {
      const bounds = L.latLngBounds(markers.map((marker) => [marker.lat, marker.lon]));
      map.fitBounds(bounds, { padding: [32, 32], maxZoom: SINGLE_PLACE_ZOOM });
    }

    const layer = L.layerGroup().addTo(map);
    // The marker a keyboard user opened a popup from: focus goes back to it when the popup closes.
    let returnFocusTo = null;

    function focusPopupOf(leafletMarker) {
      if (leafletMarker.isPopupOpen()) {
        returnFocusTo = leafletMarker.getElement();
        focusFirstLink(leafletMarker.getPopup());
      }
    }

    function addPlace(marker) {
      const leafletMarker = L.marker([marker.lat, marker.lon], {
        icon: placeIcon(),
        title: marker.name,
        riseOnHover: true,
      });
      leafletMarker.bindPopup(placePopup(marker));
      // Leaflet opens the popup on Enter with its own handler, bound first; then focus moves into it.
      leafletMarker.on("keypress", (event) => {
        if (isEnter(event)) {
          focusPopupOf(leafletMarker);
        }
      });
      layer.addLayer(leafletMarker);
      nameMarker(leafletMarker, marker.commune ? marker.name + ", " + marker.commune : marker.name);
      onSpace(leafletMarker, () => {
        leafletMarker.openPopup();
        focusPopupOf(leafletMarker);
      });
    }

    function addCluster(items) {
      const name = format(labels.cluster, { count: items.length });
      const leafletMarker = L.marker(centerOf(items), {
        icon: clusterIcon(items.length),
        title: name,
        riseOnHover: true,
      });

      function activate(byKeyboard) {
        const bounds = L.latLngBounds(items.map((marker) => [marker.lat, marker.lon]));
        const samePlace = bounds.getNorthEast().equals(bounds.getSouthWest());
        if (samePlace || map.getZoom() >= map.getMaxZoom()) {
          const popup = L.popup({ maxHeight: 260 })
            .setLatLng(leafletMarker.getLatLng())
            .setContent(clusterPopup(items, labels))
            .openOn(map);
          if (byKeyboard) {
            returnFocusTo = leafletMarker.getElement();
            focusFirstLink(popup);
          }
          return;
        }
        const zoom = Math.min(
          map.getMaxZoom(),
          Math.max(map.getZoom() + 1, map.getBoundsZoom(bounds, false, L.point(64, 64)))
        );
        map.setView(bounds.getCenter(), zoom);
        if (byKeyboard) {
          // The activated group is gone once regrouped: keep the keyboard user on the map.
          map.once("moveend", () => container.focus());
        }
      }

      leafletMarker.on("click", () => activate(false));
      leafletMarker.on("keypress", (event) => {
        if (isEnter(event)) {
          activate(true);
        }
      });
      layer.addLayer(leafletMarker);
      nameMarker(leafletMarker, name);
      onSpace(leafletMarker, () => activate(true));
    }

    // Only groups around the visible area are drawn (thousands of markers would slow phones down); panning
    // further than that margin redraws.
    let drawnZoom = null;
    let drawnBounds = null;
    let remoteClusters = [];

    /* A cluster computed by the server: activating it zooms in on its position, where it splits. */
    function addRemoteCluster(cluster) {
      const name =
        cluster.count === 1 ? labels.clusterRemoteOne : format(labels.clusterRemote, { count: cluster.count });
      const leafletMarker = L.marker([cluster.lat, cluster.lon], {
        icon: clusterIcon(cluster.count),
        title: name,
        riseOnHover: true,
      });

      function activate(byKeyboard) {
        map.setView([cluster.lat, cluster.lon], Math.min(map.getMaxZoom(), map.getZoom() + CLUSTER_ZOOM_STEP));
        if (byKeyboard) {
          map.once("moveend", () => container.focus());
        }
      }

      leafletMarker.on("click", () => activate(false));
      leafletMarker.on("keypress", (event) => {
        if (isEnter(event)) {
          activate(true);
        }
      });
      layer.addLayer(leafletMarker);
      nameMarker(leafletMarker, name);
      const element = leafletMarker.getElement();
      if (element) {
        element.classList.add("map-cluster--remote");
      }
      onSpace(leafletMarker, () => activate(true));
    }

    function render() {
      drawnZoom = map.getZoom();
      drawnBounds = map.getBounds().pad(1);
      layer.clearLayers();
      remoteClusters.forEach(addRemoteCluster);
      groupByCell(map, markers, drawnZoom).forEach((items) => {
        if (!drawnBounds.contains(centerOf(items))) {
          return;
        }
        if (items.length === 1) {
          addPlace(items[0]);
        } else {
          addCluster(items);
        }
      });
    }

    map.on("popupopen", (event) => {
      translatePopupClose(event.popup, labels);
      // Escape closes the popup from inside it too (Leaflet only listens while the map itself has focus).
      const element = event.popup.getElement();
      if (element && !element.dataset.escapeCloses) {
        element.dataset.escapeCloses = "true";
        element.addEventListener("keydown", (keyEvent) => {
          if (keyEvent.key === "Escape") {
            map.closePopup();
          }
        });
      }
    });
    map.on("popupclose", () => {
      if (returnFocusTo && document.body.contains(returnFocusTo)) {
        returnFocusTo.focus();
      }
      returnFocusTo = null;
    });
    if (remoteUrl) {
      // Each move asks for the visible area; an answer that arrives after a newer request is dropped.
      let requestNumber = 0;
      let controller = null;
      const load = () => {
        requestNumber += 1;
        const number = requestNumber;
        if (controller) {
          controller.abort();
        }
        controller = typeof AbortController === "function" ? new AbortController() : null;
        const bounds = map.getBounds();
        const url = new URL(remoteUrl, window.location.href);
        url.searchParams.set(
          "bbox",
          [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
            .map((value) => value.toFixed(5))
            .join(",")
        );
        url.searchParams.set("zoom", String(Math.round(map.getZoom())));
        fetch(url.toString(), {
          headers: { Accept: "application/json" },
          signal: controller ? controller.signal : undefined,
        })
          .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
          .then((data) => {
            if (number !== requestNumber) {
              return;
            }
            markers = Array.isArray(data.markers) ? data.markers : [];
            remoteClusters = Array.isArray(data.clusters) ? data.clusters : [];
            container.removeAttribute("aria-busy");
            render();
            container.dataset.markerCount = String(markers.length);
            container.dataset.clusterCount = String(remoteClusters.length);
            container.dataset.currentZoom = String(Math.round(map.getZoom()));
          })
          .catch((error) => {
            if (error && error.name === "AbortError") {
              return;
            }
            container.removeAttribute("aria-busy");
            if (!container.parentNode.querySelector(".map-block__error")) {
              const note = document.createElement("p");
              note.className = "map-block__error";
              note.setAttribute("role", "status");
              note.textContent = labels.loadingError;
              container.parentNode.insertBefore(note, container.nextSibling);
            }
          });
      };
      container.setAttribute("aria-busy", "true");
      map.on("moveend", load);
      load();
      return map;
    }

    map.on("zoomend", render);
    map.on("moveend", () => {
      if (map.getZoom() === drawnZoom && drawnBounds && !drawnBounds.contains(map.getBounds())) {
        render();
      }
    });
    render();
    container.dataset.markerCount = String(markers.length);
    return map;
  }

  function start() {
    const container = document.querySelector("[data-map]");
    if (!container || typeof window.L === "undefined") {
      return; // The list of places stays the whole content.
    }
    const block = container.closest("[data-map-block]");
    if (block) {
      block.hidden = false; // Shown first, so that Leaflet measures a visible container.
    }
    try {
      drawMap(container);
    } catch (error) {
      if (block) {
        block.hidden = true;
      }
      throw error;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
