"""Creating and changing places from field values typed on the command line.

Pure: values in, a validated ``Place`` out, or a ``UsageError`` (exit 2) naming the field.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

from nomadspot.codec import MAX_PRICE, MAX_SEATS, MAX_WIFI_MBPS
from nomadspot.errors import UsageError
from nomadspot.model import Place, Price
from nomadspot.text import slug
from nomadspot.vocabulary import parse_amenity, parse_kind

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


@dataclass(frozen=True, slots=True)
class Fields:
    """Field values from ``add``/``edit`` options. None: not given. For ``edit``, an empty
    text clears an optional field."""

    name: str | None = None
    kind: str | None = None
    city: str | None = None
    country: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    hours: str | None = None
    seats: int | None = None
    meeting_room_seats: int | None = None
    wifi_mbps: float | None = None
    website: str | None = None
    phone: str | None = None
    notes: str | None = None
    tags: tuple[str, ...] = ()
    amenities: dict[str, bool] = field(default_factory=dict)
    price_hour: float | None = None
    price_day: float | None = None
    price_room_hour: float | None = None

    def is_empty(self) -> bool:
        return self == Fields()


def amenity_flags(
    *,
    flags: dict[str, bool | None],
    have: list[str] | None,
    have_not: list[str] | None,
) -> dict[str, bool]:
    """``--wifi/--no-wifi``-style flags plus ``--amenity X`` / ``--no-amenity X``."""
    result = {key: value for key, value in flags.items() if value is not None}
    for word in have or []:
        result[parse_amenity(word).value] = True
    for word in have_not or []:
        key = parse_amenity(word).value
        if result.get(key) is True:
            raise UsageError(f"amenity {key!r} is given both as present and as absent")
        result[key] = False
    return result


def _country(value: str) -> str:
    if not _COUNTRY.match(value):
        raise UsageError(f"country {value!r} must be a two-letter ISO code such as FR or BE")
    return value.upper()


def _hours(value: str) -> str:
    """OpenStreetMap syntax (read as meant) or the French form, stored as OpenStreetMap."""
    from nomadspot.hours import from_user

    return from_user(value)


def _coordinates(lat: float | None, lon: float | None) -> None:
    if lat is not None and not (-90 <= lat <= 90 and math.isfinite(lat)):
        raise UsageError(f"--lat {lat} must be between -90 and 90")
    if lon is not None and not (-180 <= lon <= 180 and math.isfinite(lon)):
        raise UsageError(f"--lon {lon} must be between -180 and 180")


def _required_text(value: str, option: str) -> str:
    value = value.strip()
    if not value:
        raise UsageError(f"{option} must not be empty")
    return value


def _optional_text(value: str | None) -> str | None:
    """Given text stripped; an empty text clears the field."""
    if value is None:
        return None
    return value.strip() or None


def new_place(fields: Fields, place_id: str | None = None) -> Place:
    """A new place from ``add``'s options; its id derives from name and city."""
    if fields.name is None or fields.kind is None or fields.city is None:
        raise UsageError("a place needs a name, --kind and --city")
    name = _required_text(fields.name, "NAME")
    city = _required_text(fields.city, "--city")
    if (fields.lat is None) != (fields.lon is None):
        raise UsageError("--lat and --lon go together")
    ident = place_id if place_id is not None else slug(f"{name}-{city}")
    if not ident or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", ident):
        raise UsageError(
            f"id {ident!r} must be lowercase a-z, 0-9 and '-'", hint="give one with --id"
        )
    base = Place(id=ident, name=name, kind=parse_kind(fields.kind), city=city)
    return apply(base, replace(fields, name=None, kind=None, city=None))


def apply(place: Place, fields: Fields) -> Place:
    """``place`` with the given fields changed; tags are added, amenities set."""
    changes: dict[str, Any] = {}
    if fields.name is not None:
        changes["name"] = _required_text(fields.name, "--name")
    if fields.kind is not None:
        changes["kind"] = parse_kind(fields.kind)
    if fields.city is not None:
        changes["city"] = _required_text(fields.city, "--city")
    if fields.country is not None:
        text = fields.country.strip()
        changes["country"] = _country(text) if text else None
    for key in ("address", "website", "phone", "notes"):
        value = getattr(fields, key)
        if value is not None:
            changes[key] = _optional_text(value)
    if fields.hours is not None:
        text = fields.hours.strip()
        changes["opening_hours"] = _hours(text) if text else None
        changes["opening_hours_raw"] = None
    _coordinates(fields.lat, fields.lon)
    if fields.lat is not None:
        changes["lat"] = fields.lat
    if fields.lon is not None:
        changes["lon"] = fields.lon
    for key, high in (
        ("seats", MAX_SEATS),
        ("meeting_room_seats", MAX_SEATS),
        ("wifi_mbps", MAX_WIFI_MBPS),
    ):
        value = getattr(fields, key)
        if value is not None:
            if not 0 <= value <= high:  # also false for nan
                raise UsageError(f"--{key.replace('_', '-')} must be between 0 and {high:.0f}")
            changes[key] = value
    if fields.tags:
        tags = list(place.tags)
        for typed in fields.tags:
            tag = _required_text(typed, "--tag")
            if tag not in tags:
                tags.append(tag)
        changes["tags"] = tuple(tags)
    if fields.amenities:
        changes["amenities"] = {**place.amenities, **fields.amenities}
    prices = {
        "hour": fields.price_hour,
        "day": fields.price_day,
        "room_hour": fields.price_room_hour,
    }
    given: dict[str, Any] = {key: value for key, value in prices.items() if value is not None}
    if given:
        for key, value in given.items():
            if not 0 <= value <= MAX_PRICE:  # also false for nan and inf
                raise UsageError(
                    f"--price-{key.replace('_', '-')} must be an amount between 0 and "
                    f"{MAX_PRICE:.0f}"
                )
        changes["price"] = replace(place.price or Price(), **given)
    return replace(place, **changes)
