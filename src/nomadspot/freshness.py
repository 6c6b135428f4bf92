"""How fresh a place's facts are: ``nomadspot stale`` lists what to re-check.

A place's facts were last confirmed on ``Place.last_checked`` (its ``checked`` date, or a
later visit). Stale: never checked, or checked longer ago than the age asked for. The
list puts the never-checked first, then the oldest, and says what is still unknown about
each, so a person knows what to ask when they go.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from nomadspot.errors import UsageError
from nomadspot.model import Place
from nomadspot.selection import sort_key

DEFAULT_AGE = "1y"
AGE_FORMS = "'90d', '6w', '6mo', '1y' (days, weeks, months, years)"
_AGE = re.compile(r"^(?P<count>\d{1,4})\s*(?P<unit>[a-z]+)$")
_UNIT_DAYS = {
    "d": 1,
    "day": 1,
    "days": 1,
    "j": 1,
    "jour": 1,
    "jours": 1,
    "w": 7,
    "week": 7,
    "weeks": 7,
    "sem": 7,
    "semaine": 7,
    "semaines": 7,
    "mo": 30,
    "month": 30,
    "months": 30,
    "mois": 30,
    "y": 365,
    "year": 365,
    "years": 365,
    "an": 365,
    "ans": 365,
}
# The amenities a person re-checking a place is asked about; the others stay quiet.
KEY_AMENITIES = ("wifi", "power", "quiet", "calls")


@dataclass(frozen=True, slots=True)
class StalePlace:
    place: Place
    last_checked: dt.date | None
    unknown: tuple[str, ...]


def parse_age(text: str) -> dt.timedelta:
    """``90d``, ``6w``, ``6mo``, ``1y`` (and ``6 months``, ``1 an``): a month is 30 days
    and a year 365. ``UsageError`` (exit 2) otherwise."""
    match = _AGE.match(" ".join(text.strip().lower().split()))
    days = _UNIT_DAYS.get(match["unit"]) if match else None
    if match is None or days is None or int(match["count"]) == 0:
        raise UsageError(f"--older-than {text!r} is not an age; use {AGE_FORMS}")
    return dt.timedelta(days=int(match["count"]) * days)


def unknown_facts(place: Place) -> tuple[str, ...]:
    """What a visit could find out: hours, the key amenities, sockets, seats, price,
    coordinates, when unknown."""
    unknown = []
    if place.opening_hours is None:
        unknown.append("hours")
    unknown += [amenity for amenity in KEY_AMENITIES if place.has(amenity) is None]
    if place.sockets is None and place.has("power") is not False:
        unknown.append("sockets")
    if place.seats is None:
        unknown.append("seats")
    if place.price is None:
        unknown.append("price")
    if place.coordinates is None:
        unknown.append("coordinates")
    return tuple(unknown)


def stale(places: Iterable[Place], older_than: dt.timedelta, today: dt.date) -> list[StalePlace]:
    """The places not checked since ``today - older_than``: never checked first (by city
    and name), then the oldest first."""
    since = today - older_than
    found = []
    for place in places:
        last = place.last_checked
        if last is None or last < since:
            found.append(StalePlace(place, last, unknown_facts(place)))
    return sorted(
        found,
        key=lambda entry: (
            entry.last_checked is not None,
            entry.last_checked or dt.date.min,
            sort_key(entry.place),
        ),
    )
