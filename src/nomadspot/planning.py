"""From what a user types to ``find`` to a ranking: parse the meeting, resolve the
participants (coordinates, a place, or a town from the offline gazetteer), rank.

The ranking engine itself (``ranking``) is pure; this module is where input is read."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nomadspot import timeparse
from nomadspot.errors import UsageError
from nomadspot.model import (
    DEFAULT_COUNTRY,
    DEFAULT_DURATION,
    DEFAULT_PEOPLE,
    Meeting,
    Participant,
    Place,
)
from nomadspot.vocabulary import Kind, parse_amenity, parse_kind

if TYPE_CHECKING:
    from nomadspot.config import Config

OBJECTIVES = ("fair", "total")

_LAT_LON = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d+)?)\s*$")


Where = str | Participant | tuple[float, float]


@dataclass(frozen=True, slots=True)
class Request:
    """``find``'s options as typed (None: not given), before the config's defaults and
    parsing. Each takes the text a user types, or the typed value."""

    city: str | None = None
    country: str | None = None
    near: tuple[Where, ...] = ()
    radius_km: float | None = None
    objective: str = "fair"
    kinds: tuple[str | Kind, ...] = ()
    needs: tuple[str, ...] = ()
    prefer: tuple[str, ...] = ()
    people: int | None = None
    at: str | dt.datetime | None = None
    duration: str | dt.timedelta | None = None
    open_now: bool = False
    budget: float | None = None
    strict: bool = False


def participant(
    where: Where, places: Sequence[Place], default_country: str, note: Callable[[str], None]
) -> Participant:
    """``LAT,LON``, a place, or a town resolved offline (or a ``Participant`` or a
    ``(lat, lon)`` pair, as typed values).

    A place is named as everywhere else (an id, a name, a unique id prefix; case and
    accents ignored), except that a town of the gazetteer wins over an id prefix, so
    ``--near lyon`` is the city even when an id starts with ``lyon``. A name that several
    places share is ambiguous (exit 2, listing them)."""
    if isinstance(where, Participant):
        return where
    if isinstance(where, tuple):
        return _point(f"{where[0]},{where[1]}", float(where[0]), float(where[1]))
    match = _LAT_LON.match(where)
    if match:
        return _point(where.strip(), float(match.group(1)), float(match.group(2)))
    from nomadspot import refs

    place = refs.by_id_or_name(where, places, flag="--near ")
    if place is not None:
        return _from_place(where, place)
    from nomadspot.gazetteer import resolve_city

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


def _point(where: str, lat: float, lon: float) -> Participant:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise UsageError(f"--near {where!r}: latitude must be within ±90 and longitude within ±180")
    return Participant(where, lat, lon)


def _from_place(where: str, place: Place) -> Participant:
    if place.coordinates is None:
        raise UsageError(
            f"--near {where!r}: {place.name} has no coordinates",
            hint=f"add them with 'nomadspot edit {place.id} --lat .. --lon ..', or name its town",
        )
    lat, lon = place.coordinates
    return Participant(place.name, lat, lon)


def meeting(
    request: Request,
    places: Sequence[Place],
    now: dt.datetime,
    note: Callable[[str], None],
    config: Config | None = None,
) -> Meeting:
    """The meeting a ``find`` request describes, with the config's defaults filled in."""
    people = request.people if request.people is not None else _config_people(config)
    country = _country(request, config)
    _check_numbers(request, people)
    start, duration = _window(request, config, now)
    _warn_if_over(start, duration, now, note)
    return Meeting(
        city=request.city or (config.city if config is not None else None),
        country=country,
        kinds=frozenset(parse_kind(kind) for kind in request.kinds),
        needs=_needs(request, config),
        prefer=_unique(parse_amenity(wish).value for wish in request.prefer),
        people=people or DEFAULT_PEOPLE,
        start=start,
        duration=duration,
        near=tuple(
            participant(where, places, country or DEFAULT_COUNTRY, note) for where in request.near
        ),
        radius_km=request.radius_km,
        budget=request.budget,
        strict=request.strict,
        objective=request.objective,
    )


def _warn_if_over(
    start: dt.datetime | None, duration: dt.timedelta, now: dt.datetime, note: Callable[[str], None]
) -> None:
    """A window already over is probably a slip (``--at 8h`` at noon): say so on stderr."""

    over = None if start is None else timeparse.window_warning(start, start + duration, now)
    if over is not None:
        note(over)


def _config_people(config: Config | None) -> int | None:
    return None if config is None else config.people


def _window(
    request: Request, config: Config | None, now: dt.datetime
) -> tuple[dt.datetime | None, dt.timedelta]:
    """The meeting's start (None without --at) and duration."""

    if request.open_now and request.at is not None:
        raise UsageError("--open-now and --at both give the meeting time; use one")
    at = "now" if request.open_now else request.at
    if isinstance(at, str):
        start: dt.datetime | None = timeparse.parse_when(at, now)
    else:
        start = at
    if isinstance(request.duration, dt.timedelta):
        duration = request.duration
    elif request.duration is not None:
        duration = timeparse.parse_duration(request.duration)
    else:
        duration_text = config.duration if config is not None else None
        with _from_config("duration"):
            duration = (
                timeparse.parse_duration(duration_text) if duration_text else DEFAULT_DURATION
            )
    if start is not None and dt.datetime.max - start.replace(tzinfo=None) < duration:
        raise UsageError(
            f"--at {at!r}: the meeting would end after the year 9999",
            hint="give a date and time within the coming years",
        )
    return start, duration


def _country(request: Request, config: Config | None) -> str | None:
    typed = request.country or (config.country if config is not None else None)
    if not typed:
        return None
    country = typed.strip().upper()
    if re.fullmatch(r"[A-Z]{2}", country):
        return country
    from nomadspot.gazetteer import country_code  # a name: France, Autriche, Austria

    try:
        return country_code(typed)
    except UsageError as error:
        where = "--country" if request.country else "the config file's [defaults] country"
        raise UsageError(f"{where}: {error.message}", hint=error.hint) from error


def _needs(request: Request, config: Config | None) -> tuple[str, ...]:
    with _from_config("needs"):
        from_config = [parse_amenity(need).value for need in (config.needs if config else ())]
    return _unique([*from_config, *(parse_amenity(need).value for need in request.needs)])


def _check_numbers(request: Request, people: int | None) -> None:
    if people is not None and people < 1:
        raise UsageError("--people must be at least 1")
    if request.radius_km is not None and not (
        math.isfinite(request.radius_km) and request.radius_km > 0
    ):
        raise UsageError("--radius must be a positive number of kilometres")
    if request.radius_km is not None and not request.near:
        raise UsageError("--radius needs at least one --near (the distance from whom?)")
    if request.budget is not None and not request.budget >= 0:  # also refuses NaN
        raise UsageError("--budget must be an amount of at least 0")
    if request.objective not in OBJECTIVES:
        raise UsageError(
            f"--objective {request.objective!r} is not one nomadspot knows",
            hint="--objective fair (the farthest participant) or total (everyone's distance)",
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
