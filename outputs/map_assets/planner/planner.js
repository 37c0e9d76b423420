/* warden-planner map layers (Apache-2.0).
 *
 * Every string that comes from the station's data is written with textContent, never
 * as HTML: a staff name such as <img src=x onerror=alert(1)> shows as text.
 */
var WZ = (function () {
  "use strict";

  var SYMBOLS = {
    warden: { text: "W", colour: "#0b3d91" },
    deputy: { text: "D", colour: "#00838f" },
    asc: { text: "A", colour: "#6a1b9a" },
    assembly: { text: "A", colour: "#1b8a3a", shape: "triangle" },
    concentration: { text: "C", colour: "#d9822b", shape: "triangle" },
    safe_haven: { text: "S", colour: "#2e7d32", shape: "triangle" },
    relocation_site: { text: "L", colour: "#00695c", shape: "triangle" },
    hibernation: { text: "\u2302", colour: "#4e342e", shape: "triangle" },
    hospital: { text: "+", colour: "#c62828", shape: "square" },
    hotel: { text: "H", colour: "#5d4037", shape: "square" },
    repeater: { text: "R", colour: "#7b1fa2", shape: "diamond" },
    airport: { text: "\u2708", colour: "#37474f", shape: "square" },
    border_crossing: { text: "B", colour: "#37474f", shape: "square" },
    police: { text: "P", colour: "#283593", shape: "square" },
    office: { text: "O", colour: "#455a64", shape: "square" },
    suggested: { text: "?", colour: "#9e9d24", shape: "triangle" }
  };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  /* A card: {title, rows: [[label, value], ...], note} built as DOM text. */
  function card(content) {
    var box = el("div", "wz-card");
    if (content.title) { box.appendChild(el("div", "wz-card-title", content.title)); }
    if (content.rows && content.rows.length) {
      var table = el("table", "wz-card-rows");
      content.rows.forEach(function (row) {
        var tr = table.insertRow();
        tr.appendChild(el("th", "", row[0]));
        tr.appendChild(el("td", "", row[1]));
      });
      box.appendChild(table);
    }
    if (content.note) { box.appendChild(el("div", "wz-card-note", content.note)); }
    return box;
  }

  function symbolIcon(name, big, colour) {
    var symbol = SYMBOLS[name] || SYMBOLS.office;
    var size = big ? 24 : 18;
    var node = el("div", "wz-symbol wz-" + (symbol.shape || "circle"), symbol.text);
    node.style.background = colour || symbol.colour;
    return L.divIcon({ html: node, className: "wz-symbol-box", iconSize: [size, size],
                       iconAnchor: [size / 2, size / 2], popupAnchor: [0, -size / 2] });
  }

  function bind(layer, props) {
    if (props.tip) {
      layer.bindTooltip(function () { return card(props.tip); }, { sticky: true, opacity: 0.95 });
    }
    if (props.popup) {
      layer.bindPopup(function () { return card(props.popup); }, { maxWidth: 360 });
    }
  }

  /* A layer from GeoJSON: options.kind is "area", "line", "dot", "symbol" or "circle". */
  function layer(data, options) {
    var renderer = options.canvas ? L.canvas({ padding: 0.3 }) : undefined;
    var features = L.geoJSON(data, {
      interactive: options.interactive !== false,
      style: function (feature) {
        var style = L.extend({}, options.style, feature.properties.style || {});
        if (renderer) { style.renderer = renderer; }
        if (options.className) { style.className = options.className; }
        return style;
      },
      pointToLayer: function (feature, latlng) {
        var props = feature.properties;
        var style = L.extend({}, options.style, props.style || {});
        if (options.kind === "symbol") {
          return L.marker(latlng, { icon: symbolIcon(props.symbol, props.big, style.fillColor), keyboard: false });
        }
        if (options.kind === "circle") {
          return L.circle(latlng, L.extend(style, { radius: props.radius }));
        }
        if (renderer) { style.renderer = renderer; }
        return L.circleMarker(latlng, style);
      },
      onEachFeature: function (feature, item) { bind(item, feature.properties); }
    });
    var group = options.cluster
      ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40,
                               chunkedLoading: true })
      : L.featureGroup();
    if (options.cluster) { group.addLayers(features.getLayers()); } else { group.addLayer(features); }
    if (options.labels) {
      data.features.forEach(function (feature) {
        var props = feature.properties;
        if (!props.label) { return; }
        var text = el("span", "wz-label-text", props.label);
        group.addLayer(L.marker([props.label_at[1], props.label_at[0]], {
          icon: L.divIcon({ html: text, className: "wz-label", iconSize: null }),
          interactive: false, keyboard: false
        }));
      });
    }
    group.wzFeatures = features;
    return group;
  }

  /* Search the features of a layer by their "search" property; zoom to the match. */
  function search(map, target, placeholder) {
    var control = new L.Control.Search({
      layer: target.wzFeatures,
      propertyName: "search",
      marker: false,
      initial: false,
      collapsed: window.innerWidth < 700,  /* a button on a phone: the box would hide the map */
      textPlaceholder: placeholder,
      textErr: "Not found",
      buildTip: function (text) { return el("li", "", text); },
      moveToLocation: function () { return undefined; }
    });
    control.on("search:locationfound", function (event) {
      if (!event.layer) { return; }
      if (!map.hasLayer(target)) { map.addLayer(target); }
      map.fitBounds(event.layer.getBounds(), { maxZoom: 17 });
      event.layer.openPopup();
    });
    map.addControl(control);
    var wanted = /^#zone=(.+)$/.exec(window.location.hash);
    if (wanted) {
      target.wzFeatures.eachLayer(function (item) {
        if (item.feature.properties.zone_id === decodeURIComponent(wanted[1])) {
          map.fitBounds(item.getBounds(), { maxZoom: 17 });
          item.openPopup();
        }
      });
    }
    return control;
  }

  /* A title box (top centre) and a legend (bottom left), from plain text. */
  function title(map, content) {
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var box = el("div", "wz-title leaflet-bar");
      box.appendChild(el("div", "wz-title-main", content.title));
      if (content.subtitle) { box.appendChild(el("div", "wz-title-sub", content.subtitle)); }
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.addTo(map);
  }

  function legend(map, entries) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      /* Closed when the page opens (one click on "Legend" opens it): it would hide the map. */
      var box = el("details", "wz-legend leaflet-bar");
      box.appendChild(el("summary", "", "Legend"));
      entries.forEach(function (entry) {
        var row = el("div", "wz-legend-row");
        var key = el("span", "wz-key wz-key-" + entry.key);
        if (entry.key === "dashed-line") {
          key.style.borderTopColor = entry.colour;
        } else if (entry.symbol) {
          var symbol = SYMBOLS[entry.symbol];
          key = el("span", "wz-symbol wz-" + (symbol.shape || "circle"), symbol.text);
          key.style.background = symbol.colour;
        } else {
          key.style.background = entry.fill || "transparent";
          key.style.borderColor = entry.colour || "transparent";
        }
        row.appendChild(key);
        row.appendChild(el("span", "", entry.label));
        box.appendChild(row);
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(map);
  }

  /* The part of the map that a corner's controls cover, in pixels from each edge
   * (Leaflet keeps its four corner containers in map._controlCorners). */
  function covered(map, corner) {
    var frame = map.getContainer().getBoundingClientRect();
    var box = { width: 0, height: 0 };
    Array.prototype.forEach.call(map._controlCorners[corner].children, function (control) {
      var rect = control.getBoundingClientRect();
      box.width = Math.max(box.width, corner.slice(-4) === "left" ? rect.right - frame.left
                                                                    : frame.right - rect.left);
      box.height = Math.max(box.height, corner.slice(0, 3) === "top" ? rect.bottom - frame.top
                                                                      : frame.bottom - rect.top);
    });
    return box;
  }

  /* Fit the view to bounds clear of the controls. Each corner's controls are kept off
   * either by a margin at the side (their width) or at the top or bottom (their height):
   * the choice that gives the closest view wins. */
  function fit(map, bounds) {
    var margin = 12;
    var corners = ["topleft", "topright", "bottomleft", "bottomright"].map(function (name) {
      return { name: name, box: covered(map, name) };
    });
    var best = null;
    for (var choice = 0; choice < 16; choice += 1) {
      var side = { top: 0, right: 0, bottom: 0, left: 0 };
      corners.forEach(function (corner, i) {
        var horizontal = corner.name.slice(-4) === "left" ? "left" : "right";
        var vertical = corner.name.slice(0, 3) === "top" ? "top" : "bottom";
        if (!corner.box.width) { return; }
        if (choice & (1 << i)) {
          side[horizontal] = Math.max(side[horizontal], corner.box.width);
        } else {
          side[vertical] = Math.max(side[vertical], corner.box.height);
        }
      });
      var padding = { topLeft: [side.left + margin, side.top + margin],
                      bottomRight: [side.right + margin, side.bottom + margin] };
      var total = L.point(padding.topLeft).add(padding.bottomRight);
      var free = map.getSize().subtract(total);
      if (free.x > 0 && free.y > 0) {
        var zoom = map.getBoundsZoom(bounds, false, total);
        if (isFinite(zoom) && (best === null || zoom > best.zoom)) {
          best = { zoom: zoom, padding: padding };
        }
      }
    }
    if (best === null) { map.fitBounds(bounds); return; }  /* a window smaller than its controls */
    map.fitBounds(bounds, { paddingTopLeft: best.padding.topLeft,
                            paddingBottomRight: best.padding.bottomRight });
  }

  return { card: card, layer: layer, search: search, title: title, legend: legend, fit: fit };
})();
