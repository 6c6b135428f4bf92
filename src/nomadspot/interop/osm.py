"""OpenStreetMap tags to catalogue fields.

The tags come from Overpass API JSON (``elements[].tags``), from Overpass turbo's and
osmtogeojson's GeoJSON (tags as properties, ``@id`` like ``"node/123"``) or from export
tools that flatten tag keys (``addr_street``, ``osm_id``, ``osm_type``). Every function
takes the tags as a mapping of any JSON values and never raises: a value of the wrong type
is read as absent. ``None`` (how flattened exports write a tag an element lacks) is absent
too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from nomadspot.fields import MAX_SEATS
from nomadspot.vocabulary import Amenity, Kind

# Tag values that give a kind, in the order they are tried: a coworking tag wins over a
# generic amenity (a café that is also tagged office=coworking is a coworking space).
KIND_TAGS: tuple[tuple[str, Mapping[str, Kind]], ...] = (
    ("amenity", {"coworking_space": Kind.COWORKING}),
    ("office", {"coworking": Kind.COWORKING}),
    (
        "amenity",
        {
            "cafe": Kind.CAFE,
            "restaurant": Kind.RESTAURANT,
            "fast_food": Kind.FAST_FOOD,
            "bar": Kind.BRASSERIE,
            "pub": Kind.BRASSERIE,
            "library": Kind.LIBRARY,
            "conference_centre": Kind.BUSINESS_CENTRE,
        },
    ),
    ("tourism", {"hotel": Kind.HOTEL_LOBBY}),
)
# Tags whose presence says "this looks like OpenStreetMap data".
FEATURE_TAGS = ("amenity", "shop", "tourism", "office", "leisure", "craft")

WIFI_YES = frozenset({"wlan", "yes", "wifi"})
YES = frozenset({"yes", "designated"})
OSM_TYPES = {
    "node": "node",
    "nodes": "node",
    "n": "node",
    "way": "way",
    "ways": "way",
    "w": "way",
    "relation": "relation",
    "relations": "relation",
    "r": "relation",
}
_OSM_REF = re.compile(r"^(node|way|relation)/([0-9]{1,20})$")
_DIGITS = re.compile(r"^[0-9]{1,20}$")
_SEATS = re.compile(r"^\+?[0-9]{1,7}$")


def tag(tags: Mapping[str, Any], key: str) -> str | None:
    """The tag's text, stripped, or None. ``addr:street`` is also read as ``addr_street``,
    the name flattening export tools give it."""
    value = tags.get(key)
    if value is None and ":" in key:
        value = tags.get(key.replace(":", "_"))
    if isinstance(value, str):
        value = value.replace("\x00", "").strip()
        return value or None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**18:
        return str(value)  # a house number or a capacity written as a JSON number
    return None


def values(tags: Mapping[str, Any], key: str) -> list[str]:
    """A multi-valued tag (``internet_access=wlan;terminal``) as its lowercase values."""
    text = tag(tags, key)
    if text is None:
        return []
    return [part.strip().lower() for part in text.split(";") if part.strip()]


def looks_like_osm(tags: Mapping[str, Any]) -> bool:
    return any(tags.get(key) is not None for key in FEATURE_TAGS)


def identity(osm_type: object, osm_id: object) -> str | None:
    """``"osm:node/123"`` from an element's type and id, or None when either is unusable."""
    if not isinstance(osm_type, str):
        return None
    kind = OSM_TYPES.get(osm_type.strip().lower())
    if kind is None:
        return None
    if isinstance(osm_id, bool):
        return None
    if isinstance(osm_id, int):
        number = osm_id
    elif isinstance(osm_id, float) and osm_id.is_integer() and 0 < osm_id < 2**53:
        number = int(osm_id)
    elif isinstance(osm_id, str) and _DIGITS.match(osm_id.strip()):
        number = int(osm_id.strip())
    else:
        return None
    if not 0 < number < 10**20:
        return None
    return f"osm:{kind}/{number}"


def reference(value: object) -> str | None:
    """``"osm:node/123"`` from a reference such as ``"node/123"`` (Overpass turbo's
    ``@id``, osmtogeojson's feature id) or ``"https://www.openstreetmap.org/node/123"``."""
    if not isinstance(value, str) or len(value) > 200:
        return None
    text = value.strip()
    for prefix in (
        "https://www.openstreetmap.org/",
        "http://www.openstreetmap.org/",
        "https://openstreetmap.org/",
        "osm:",
    ):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    match = _OSM_REF.match(text)
    return None if match is None else f"osm:{match.group(1)}/{int(match.group(2))}"


def properties_identity(props: Mapping[str, Any], feature_id: object = None) -> str | None:
    """The OpenStreetMap element a GeoJSON feature stands for, from whichever convention
    its exporter used: ``@id``, a feature ``id`` like ``"node/123"``, ``osm_type`` with
    ``osm_id``, or osmtogeojson's ``type`` with a numeric ``id``."""
    for candidate in (props.get("@id"), feature_id, props.get("id")):
        found = reference(candidate)
        if found is not None:
            return found
    found = identity(props.get("osm_type"), props.get("osm_id"))
    if found is not None:
        return found
    if isinstance(props.get("id"), int) and props.get("type") in ("node", "way", "relation"):
        return identity(props.get("type"), props.get("id"))
    return None


def kind(tags: Mapping[str, Any]) -> Kind | None:
    for key, table in KIND_TAGS:
        for value in values(tags, key):
            found = table.get(value)
            if found is not None:
                return found
    return None


def amenities(tags: Mapping[str, Any]) -> dict[str, bool]:
    found: dict[str, bool] = {}
    access = values(tags, "internet_access")
    if any(value in WIFI_YES for value in access):
        found[Amenity.WIFI.value] = True
    elif access and all(value == "no" for value in access):
        found[Amenity.WIFI.value] = False
    for key, value in tags.items():
        if (
            isinstance(key, str)
            and key.startswith(("socket:", "socket_"))
            and isinstance(value, str)
            and value.strip()
            and value.strip().lower() not in ("no", "0", "none")
        ):
            found[Amenity.POWER.value] = True
            break
    wheelchair = values(tags, "wheelchair")
    if wheelchair[:1] and wheelchair[0] in YES:
        found[Amenity.ACCESSIBLE.value] = True
    elif wheelchair == ["no"]:
        found[Amenity.ACCESSIBLE.value] = False
    # limited: leave unknown, the place may or may not suit a wheelchair user
    air = values(tags, "air_conditioning")
    if air == ["yes"]:
        found[Amenity.AIR_CONDITIONING.value] = True
    elif air == ["no"]:
        found[Amenity.AIR_CONDITIONING.value] = False
    return found


def address(tags: Mapping[str, Any]) -> str | None:
    """``"27 Rue Imaginaire"`` from ``addr:housenumber`` and ``addr:street`` (or their
    ``contact:*`` twins, or ``addr:place``), else ``addr:full``."""
    for prefix in ("addr:", "contact:"):
        street = tag(tags, prefix + "street") or tag(tags, prefix + "place")
        if street is not None:
            number = tag(tags, prefix + "housenumber")
            return f"{number} {street}" if number else street
    return tag(tags, "addr:full")


def city(tags: Mapping[str, Any]) -> str | None:
    return tag(tags, "addr:city") or tag(tags, "contact:city")


def country(tags: Mapping[str, Any]) -> str | None:
    code = tag(tags, "addr:country") or tag(tags, "contact:country")
    if code is not None and len(code) == 2 and code.isascii() and code.isalpha():
        return code.upper()
    return None


def website(tags: Mapping[str, Any]) -> str | None:
    return tag(tags, "website") or tag(tags, "contact:website")


def phone(tags: Mapping[str, Any]) -> str | None:
    return tag(tags, "phone") or tag(tags, "contact:phone")


def seats(tags: Mapping[str, Any]) -> int | None:
    """``capacity`` when it is a clean whole number (not ``"20-30"``, not ``"~40"``)."""
    text = tag(tags, "capacity")
    if text is None or not _SEATS.match(text):
        return None
    number = int(text)
    return number if number <= MAX_SEATS else None
