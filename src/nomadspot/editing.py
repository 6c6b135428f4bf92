"""Creating and changing places from field values typed on the command line or given by
a library caller.

Pure: values in, a validated ``Place`` out, or a ``UsageError`` (exit 2) naming the option.
A change is a mapping of catalogue keys (``fields.PLACE_FIELDS`` that have an option) to
values, typed (``seats=40``) or as text (``seats="40"``); ``None`` means "not given" and
an empty text clears an optional field. Besides: ``amenities`` (a mapping of amenity
names, aliases accepted, to true/false), the price columns (``price_hour``, ``price_day``,
``price_room_hour``), and ``private`` (a mapping of keys to values; an empty value
removes the key, the others are kept).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from nomadspot import fields
from nomadspot.errors import UsageError
from nomadspot.fields import FieldError, FieldSpec
from nomadspot.model import Place, Price
from nomadspot.text import slug
from nomadspot.vocabulary import Sockets, parse_amenity

EDITABLE: dict[str, FieldSpec] = {
    spec.name: spec for spec in fields.PLACE_FIELDS if spec.option is not None
}
PRICE_OPTIONS: dict[str, FieldSpec] = {
    spec.column: spec for spec in fields.PRICE_FIELDS if spec.option and spec.column
}
TABLE_CHANGES = ("amenities", "private")


def amenity_flags(
    *,
    flags: Mapping[str, bool | None],
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


def given(spec: FieldSpec, value: Any, today: dt.date | None = None) -> Any:
    """``value`` as the field holds it; ``UsageError`` naming the option when it does not fit."""
    try:
        result = spec.type.given(value, today)
    except FieldError as error:
        message = error.message if error.whole else f"{spec.flag} {error.message}"
        raise UsageError(message, hint=error.hint) from error
    if result is None and spec.required:
        raise UsageError(f"{spec.flag} must not be empty")
    return result


def is_empty(changes: Mapping[str, Any]) -> bool:
    return all(value is None or value in ({}, ()) for value in changes.values())


def new_place(
    name: str,
    kind: str | Any,
    city: str,
    changes: Mapping[str, Any],
    place_id: str | None = None,
    today: dt.date | None = None,
) -> Place:
    """A new place from ``add``'s options; its id derives from name and city."""
    name_spec, kind_spec, city_spec = (fields.BY_NAME[key] for key in ("name", "kind", "city"))
    name = given(name_spec, name) if isinstance(name, str) and name.strip() else name
    if not isinstance(name, str) or not name.strip():
        raise UsageError("NAME must not be empty")
    city_text = given(city_spec, city)
    ident = place_id if place_id is not None else slug(f"{name}-{city_text}")
    if not ident or not fields.ID_PATTERN.fullmatch(ident):
        raise UsageError(
            f"id {ident!r} must be lowercase a-z, 0-9 and '-'", hint="give one with --id"
        )
    base = Place(id=ident, name=name, kind=given(kind_spec, kind), city=city_text)
    return apply(base, changes, today)


def apply(place: Place, changes: Mapping[str, Any], today: dt.date | None = None) -> Place:
    """``place`` with the given fields changed; tags are added, amenities set."""
    unknown = [key for key in changes if key not in EDITABLE and key not in PRICE_OPTIONS]
    unknown = [key for key in unknown if key not in TABLE_CHANGES]
    if unknown:
        known = ", ".join([*EDITABLE, *PRICE_OPTIONS, *TABLE_CHANGES])
        raise UsageError(f"unknown field {unknown[0]!r}", hint=f"fields: {known}")
    updates: dict[str, Any] = {}
    for name, spec in EDITABLE.items():
        value = changes.get(name)
        if value is not None:
            updates[name] = given(spec, value, today)
    if "tags" in updates:
        updates["tags"] = tuple(dict.fromkeys((*place.tags, *updates["tags"])))
    if "opening_hours" in updates:
        updates["opening_hours_raw"] = None
    amenities = changes.get("amenities") or {}
    typed = {parse_amenity(key).value: bool(flag) for key, flag in amenities.items()}
    if typed:
        updates["amenities"] = {**place.amenities, **typed}
    price = _price(place.price, changes)
    if price is not None:
        updates["price"] = price
    if changes.get("private"):
        updates["private"] = _private(place.private, changes["private"])
    changed = _power_agrees(replace(place, **updates), "sockets" in updates, "power" in typed)
    if (changed.lat is None) != (changed.lon is None):
        raise UsageError("--lat and --lon go together")
    return changed


def _private(old: Mapping[str, Any], given_values: Mapping[str, Any]) -> dict[str, Any]:
    private = dict(old)
    for key, value in given_values.items():
        name = key.strip() if isinstance(key, str) else ""
        if not name:
            raise UsageError("--private needs a KEY before '='")
        if value is None or value == "":
            private.pop(name, None)
        else:
            private[name] = value
    return private


def _power_agrees(place: Place, sockets_given: bool, power_given: bool) -> Place:
    """``sockets`` and the ``power`` amenity say the same: the fact given now wins over the
    one it contradicts; both given and contradicting is an error."""
    power = place.amenities.get("power")
    if place.sockets is None or power is None or place.sockets.power == power:
        return place
    if sockets_given and power_given:
        raise UsageError(
            f"--sockets {place.sockets.value} contradicts --{'' if power else 'no-'}power"
        )
    if sockets_given:
        return replace(place, amenities={**place.amenities, "power": place.sockets.power})
    # --power with sockets = none: how many is unknown now; --no-power: none.
    return replace(place, sockets=None if power else Sockets.NONE)


def _price(old: Price | None, changes: Mapping[str, Any]) -> Price | None:
    given_prices = {
        spec.name: given(spec, changes[column])
        for column, spec in PRICE_OPTIONS.items()
        if changes.get(column) is not None
    }
    if not given_prices:
        return None
    return replace(old or Price(), **given_prices)
