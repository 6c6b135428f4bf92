"""find's answer in words, for the formats that take it elsewhere (``ics``, ``html``).

Everything here reads the dicts of ``find --format json`` (``query`` and one of
``results``) and a place's catalogue keys (``codec`` shape), not the ranking's objects, so
the renderers keep working when the ranking changes inside. Keys that later versions add
(``distances_km``, ``distance_approx``, ``likely``) are used when present.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from nomadspot.output.plain import place_json, ranking_json

if TYPE_CHECKING:
    from nomadspot.model import Place
    from nomadspot.ranking import Ranking

Json = Mapping[str, Any]

FACT_AMENITIES = (("wifi", "Wifi"), ("power", "Power"), ("meeting_room", "Meeting room"))
OSM_ZOOM = 18


def answer_json(ranking: Ranking) -> dict[str, Any]:
    """``find --format json``'s dict, each result with its place's catalogue keys under
    ``place`` (private values left out: they never leave the machine this way)."""

    data = ranking_json(ranking)
    for result, ranked in zip(data["results"], ranking.results, strict=True):
        result["place"] = place_keys(ranked.place)
    return data


def place_keys(place: Place) -> dict[str, Any]:
    """A place as the catalogue spells it, without ``private``."""

    keys = place_json(place)
    keys.pop("private", None)
    return keys


def location_text(result: Json) -> str:
    """Name, address, city: the city is left out when the address already names it."""
    parts = [str(result["name"])]
    address = result.get("address")
    city = str(result.get("city") or "")
    if address:
        parts.append(str(address))
    if city and (not address or city.casefold() not in str(address).casefold()):
        parts.append(city)
    return ", ".join(part.strip() for part in parts if part.strip())


def coordinates(result: Json) -> tuple[float, float] | None:
    lat, lon = result.get("lat"), result.get("lon")
    if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return (float(lat), float(lon))


def osm_url(result: Json) -> str | None:
    """The place on openstreetmap.org, marked, or None without coordinates."""
    where = coordinates(result)
    if where is None:
        return None
    lat, lon = where
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}"
        f"#map={OSM_ZOOM}/{lat:.6f}/{lon:.6f}"
    )


def participant_distances(query: Json, result: Json) -> list[tuple[str, float | None]]:
    """Each participant (``--near``, in order) and how far they travel, in km."""
    near: Sequence[Json] = query.get("near") or ()
    given = result.get("distances_km")
    if isinstance(given, list) and len(given) == len(near):
        return [(str(p["label"]), d) for p, d in zip(near, given, strict=True)]
    where = coordinates(result)  # an older ranking: worked out here, as the crow flies
    return [
        (
            str(p["label"]),
            None if where is None else round(_haversine_km(where, (p["lat"], p["lon"])), 1),
        )
        for p in near
    ]


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def amenity_state(result: Json, amenity: str) -> str:
    """``yes``, ``no``, ``likely (coworking)`` or ``unknown``, as the place's facts say."""
    place: Json = result.get("place") or {}
    known = (place.get("amenities") or {}).get(amenity)
    if known is True or amenity in result.get("matched", ()):
        return "yes"
    if known is False:
        return "no"
    if amenity in (result.get("likely") or ()):
        return f"likely ({result.get('kind')})"
    return "unknown"


def cost_text(result: Json) -> str:
    cost = result.get("cost")
    if cost is None:
        return "unknown"
    if cost == 0:
        return "free"
    price: Json = (result.get("place") or {}).get("price") or {}
    return f"{cost:.2f} {price.get('currency') or 'EUR'}"


def distance_text(result: Json) -> str:
    distance = result.get("distance_km")
    if distance is None:
        return ""
    return f"{'≈' if result.get('distance_approx') else ''}{distance:.1f} km"


def facts(query: Json, result: Json) -> list[str]:
    """The lines a participant wants before coming: wifi, power, room, cost, distances."""
    place: Json = result.get("place") or {}
    lines = []
    for amenity, label in FACT_AMENITIES:
        state = amenity_state(result, amenity)
        detail = ""
        if amenity == "wifi" and place.get("wifi_mbps") and state == "yes":
            detail = f", {place['wifi_mbps']:g} Mbps"
        elif amenity == "power" and place.get("sockets"):
            detail = f", sockets: {place['sockets']}"
        elif amenity == "meeting_room" and place.get("meeting_room_seats") and state == "yes":
            detail = f", {place['meeting_room_seats']} seats"
        lines.append(f"{label}: {state}{detail}")
    lines.append(f"Cost for the meeting: {cost_text(result)}")
    if result.get("opening_hours"):
        lines.append(f"Opening hours: {result['opening_hours']}")
    for label, km in participant_distances(query, result):
        lines.append(f"From {label}: {'unknown' if km is None else f'{km:.1f} km'}")
    return lines


def moment(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def window_text(query: Json, *, day: bool = True) -> str:
    """``Tue 24 Nov 2026 10:00–12:00`` (``10:00–12:00`` without the day), or "" without
    ``--at``."""
    start, end = moment(query.get("start")), moment(query.get("end"))
    if start is None or end is None:
        return ""
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %d %b %H:%M}"
    return f"{start:{'%a %d %b %Y %H:%M' if day else '%H:%M'}}–{until}"


def open_text(result: Json) -> str:
    """Whether the place is open for the whole window (closed ones never rank)."""
    if result.get("open") is True:
        return "open"
    return "hours unknown" if result.get("opening_hours") is None else "hours unclear"
