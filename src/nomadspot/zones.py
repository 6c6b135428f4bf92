"""Time zones of places: where an instant (``now``) is judged in each place's own time.

A place's zone is its country's only zone in the system's tz database (zone.tab: France,
Belgium, Japan...), else, for a country with several, the shipped gazetteer's answer for
its coordinates. Otherwise it is unknown, and an instant is read on the user's own clock
(what nomadspot did before instants).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nomadspot.model import Place

Coords = tuple[float, float]

__all__ = ["local_time", "place_zone", "zone_of"]


def zone_of(country: str | None, coords: Coords | None) -> Any:
    """The place's time zone, or None to let the library look it up: the only zone of its
    country in the system's tz database (zone.tab), else the gazetteer's answer for its
    coordinates."""
    if not country:
        return None
    try:
        from zoneinfo import ZoneInfo

        zones = country_zones().get(country.upper(), ())
        if len(zones) == 1:
            return ZoneInfo(zones[0])
        from nomadspot import gazetteer

        if coords is None:
            return None
        name = gazetteer.country_timezone(country, *coords)
        return ZoneInfo(name) if name else None
    except Exception:  # a missing zone or an unreadable index: the library looks it up
        return None


@lru_cache(maxsize=1)
def country_zones() -> dict[str, tuple[str, ...]]:
    """Country code to its zones, from the tz database's zone.tab (empty when the system
    has none, as on Windows)."""
    import zoneinfo

    for folder in zoneinfo.TZPATH:
        table = Path(folder) / "zone.tab"
        try:
            lines = table.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        zones: dict[str, list[str]] = {}
        for line in lines:
            fields = line.split("\t")
            if len(fields) >= 3 and not line.startswith("#"):
                zones.setdefault(fields[0], []).append(fields[2])
        return {country: tuple(names) for country, names in zones.items()}
    return {}


def local_time(moment: dt.datetime, zone: dt.tzinfo | None) -> dt.datetime:
    """``moment`` as a naive wall-clock time of the place: a naive one is that already; an
    aware one (an instant: ``now``) is converted to ``zone``, or, when the place's zone
    is not known, read on its own clock (the user's)."""
    if moment.tzinfo is None:
        return moment
    if zone is not None:
        try:
            return moment.astimezone(zone).replace(tzinfo=None)
        except OverflowError:  # an instant at the edge of year 1 or 9999
            pass
    return moment.replace(tzinfo=None)


def place_zone(place: Place) -> dt.tzinfo | None:
    """The place's time zone: its country's only zone in the tz database, else the
    gazetteer's answer for its coordinates when the index is built; None when unknown."""
    country = place.country_or_default
    zone = _only_zone(country.upper()) or zone_of(country, place.coordinates)
    return zone if isinstance(zone, dt.tzinfo) else None


@lru_cache(maxsize=512)
def _only_zone(country: str) -> dt.tzinfo | None:
    """The country's zone when it has only one (asked once per country: ``find`` asks it
    for every place)."""
    zones = country_zones().get(country, ())
    if len(zones) != 1:
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(zones[0])
    except Exception:  # a zone missing from the system's database
        return None
