"""From what a user types to ``find`` to a ranking: parse the meeting, resolve the
participants (coordinates, a place, or a town from the offline gazetteer), rank.

The ranking engine itself (``ranking``) is pure; this module is where input is read."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from nomadspot.errors import UsageError
from nomadspot.model import (
    DEFAULT_COUNTRY,
    DEFAULT_DURATION,
    DEFAULT_PEOPLE,
    Meeting,
    Participant,
    Place,
)
from nomadspot.vocabulary import parse_amenity, parse_kind

_LAT_LON = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True, slots=True)
class Request:
    """``find``'s options as typed (None: not given), before defaults and parsing."""

    city: str | None = None
    country: str | None = None
    near: tuple[str, ...] = ()
    radius_km: float | None = None
    kinds: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    prefer: tuple[str, ...] = ()
    people: int | None = None
    at: str | None = None
    duration: str | None = None
    open_now: bool = False
    budget: float | None = None
    strict: bool = False
    defaults: dict[str, object] = field(default_factory=dict)


def participant(
    where: str, places: Sequence[Place], default_country: str, note: Callable[[str], None]
) -> Participant:
    """``LAT,LON``, a place, or a town resolved offline.

    A place is named as everywhere else (an id, a name, a unique id prefix; case and
    accents ignored), except that a town of the gazetteer wins over an id prefix, so
    ``--near lyon`` is the city even when an id starts with ``lyon``. A name that several
    places share is ambiguous (exit 2, listing them)."""
    match = _LAT_LON.match(where)
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise UsageError(
                f"--near {where!r}: latitude must be within ±90 and longitude within ±180"
            )
        return Participant(where.strip(), lat, lon)
    from nomadspot import refs

    place = refs.by_id_or_name(where, places, flag="--near ")
    if place is not None:
        return _from_place(where, place)
    from nomadspot.gazetteer import note_if_building, resolve_city

    note_if_building(note)
    try:
        found = resolve_city(where, default_country)
    except UsageError:
        place = refs.by_id_prefix(where, places, flag="--near ")
        if place is not None:
            return _from_place(where, place)
        raise
    town = found.town
    if found.ambiguous:
        others = ", ".join(alt.label for alt in found.alternatives[:3])
        note(
            f"note: --near {where!r}: using {town.label} ({town.lat:.4f}, {town.lon:.4f}); "
            f"also matches {others}; write e.g. '{where.split(',', maxsplit=1)[0]}, XX' to choose"
        )
    return Participant(town.label, town.lat, town.lon)


def _from_place(where: str, place: Place) -> Participant:
    if place.coordinates is None:
        raise UsageError(
            f"--near {where!r}: {place.name} has no coordinates",
            hint=f"add them with 'nomadspot edit {place.id} --lat .. --lon ..', or name its town",
        )
    lat, lon = place.coordinates
    return Participant(place.name, lat, lon)


def meeting(
    request: Request, places: Sequence[Place], now: dt.datetime, note: Callable[[str], None]
) -> Meeting:
    """The meeting a ``find`` request describes, with config defaults filled in."""
    from nomadspot import timeparse

    defaults = request.defaults
    if request.open_now and request.at is not None:
        raise UsageError("--open-now and --at both give the meeting time; use one")
    at = "now" if request.open_now else request.at
    start = timeparse.parse_when(at, now) if at is not None else None
    if request.duration is not None:
        duration = timeparse.parse_duration(request.duration)
    else:
        duration_text = _text(defaults.get("duration"))
        with _from_config("duration"):
            duration = (
                timeparse.parse_duration(duration_text) if duration_text else DEFAULT_DURATION
            )
    if start is not None and dt.datetime.max - start.replace(tzinfo=None) < duration:
        raise UsageError(
            f"--at {at!r}: the meeting would end after the year 9999",
            hint="give a date and time within the coming years",
        )
    over = None if start is None else timeparse.window_warning(start, start + duration, now)
    if over is not None:
        note(over)
    typed_country = request.country or _text(defaults.get("country"))
    country = typed_country.strip().upper() if typed_country else None
    if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
        where = "--country" if request.country else "the config file's [defaults] country"
        raise UsageError(f"{where} {typed_country!r} must be a two-letter ISO code such as FR")
    with _from_config("needs"):
        config_needs = [parse_amenity(need).value for need in _list(defaults.get("needs"))]
    needs = [*config_needs, *(parse_amenity(need).value for need in request.needs)]
    people = (
        request.people
        if request.people is not None
        else _int(defaults.get("people")) or DEFAULT_PEOPLE
    )
    if people < 1:
        raise UsageError("--people must be at least 1")
    if request.radius_km is not None and not (
        math.isfinite(request.radius_km) and request.radius_km > 0
    ):
        raise UsageError("--radius must be a positive number of kilometres")
    if request.radius_km is not None and not request.near:
        raise UsageError("--radius needs at least one --near (the distance from whom?)")
    if request.budget is not None and not request.budget >= 0:  # also refuses NaN
        raise UsageError("--budget must be an amount of at least 0")
    near_country = country or DEFAULT_COUNTRY
    return Meeting(
        city=request.city or _text(defaults.get("city")),
        country=country,
        kinds=frozenset(parse_kind(kind) for kind in request.kinds),
        needs=_unique(needs),
        prefer=_unique(parse_amenity(wish).value for wish in request.prefer),
        people=people,
        start=start,
        duration=duration,
        near=tuple(participant(where, places, near_country, note) for where in request.near),
        radius_km=request.radius_km,
        budget=request.budget,
        strict=request.strict,
    )


@contextlib.contextmanager
def _from_config(key: str) -> Iterator[None]:
    """Say where a bad value came from when the user did not type it."""
    try:
        yield
    except UsageError as error:
        raise UsageError(
            f"the config file's [defaults] {key}: {error.message}",
            hint=error.hint or "fix or remove that line ('nomadspot config' shows the file)",
        ) from error


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _list(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
