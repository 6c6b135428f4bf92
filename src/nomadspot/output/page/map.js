// nomadspot's map: the places numbered by rank (or by row for a list) and the
// participants, drawn with the Leaflet inlined above. Every text comes from the
// catalogue, so it is set with textContent, never as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("nomadspot-data").textContent);
  var box = document.getElementById("map");
  var points = [];

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function popup(lines) {
    var node = element("div", "ns-popup");
    lines.forEach(function (line, index) {
      if (line) { node.appendChild(element(index === 0 ? "strong" : "div", "", line)); }
    });
    return node;
  }

  data.participants.forEach(function (person) { points.push([person.lat, person.lon]); });
  data.places.forEach(function (place) { points.push([place.lat, place.lon]); });
  if (!box) { return; }
  if (typeof L === "undefined" || points.length === 0) {
    box.classList.add("ns-no-map");
    box.textContent = points.length === 0 ? "None of these places has coordinates." : "";
    return;
  }

  var map = L.map(box, { scrollWheelZoom: false });
  // The background: it loads when online; offline the markers stand on a plain one.
  L.tileLayer(data.tiles.url, {
    maxZoom: 19,
    attribution: data.tiles.attribution,
    crossOrigin: true
  }).addTo(map);

  var best = data.places.length ? data.places[0] : null;
  data.participants.forEach(function (person) {
    if (best) {
      L.polyline([[person.lat, person.lon], [best.lat, best.lon]], {
        className: "ns-route", weight: 2, dashArray: "4 6", interactive: false
      }).addTo(map);
    }
    var pin = element("span", "ns-participant-pin");
    pin.appendChild(element("span", "ns-participant-dot"));
    pin.appendChild(element("span", "ns-participant-label", person.label));
    var icon = L.divIcon({ className: "ns-participant", html: pin, iconSize: [0, 0] });
    L.marker([person.lat, person.lon], {
      icon: icon, title: person.label, keyboard: false, zIndexOffset: 2000
    })
      .addTo(map)
      .bindPopup(popup([person.label, "participant"]));
  });

  // The first places are numbered discs; the others small dots (their number in the
  // tooltip), so that a long list does not bury the answer.
  data.places.forEach(function (place, index) {
    var major = index < data.focus;
    var size = major ? 28 : 12;
    var icon = L.divIcon({
      className: "ns-place" + (major ? "" : " ns-place-minor") +
        (data.ranked && place.number === 1 ? " ns-place-best" : ""),
      html: element("span", "ns-place-number", major ? String(place.number) : ""),
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2]
    });
    L.marker([place.lat, place.lon], {
      icon: icon,
      title: place.number + ". " + place.name,
      zIndexOffset: 1000 - place.number
    })
      .addTo(map)
      .bindPopup(popup([place.number + ". " + place.name, place.detail, place.distance]));
  });

  // The view holds the participants and the first places (the answer); the rest of a
  // long list is there when one zooms out.
  var focus = data.participants.concat(data.places.slice(0, data.focus)).map(function (item) {
    return [item.lat, item.lon];
  });
  if (focus.length === 1) {
    map.setView(focus[0], 15);
  } else {
    map.fitBounds(focus, { padding: [36, 36], maxZoom: 16 });
  }
})();
