"""What filters and criteria read: the meeting worked out once (``Context``), and what the
filters found out about one place (``Facts``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from nomadspot import hours
from nomadspot.model import Meeting, Place
from nomadspot.ranking.weights import Weights
from nomadspot.text import fold

TownCentres = Mapping[tuple[str, str], tuple[float, float]]
"""(city as the place spells it, country) -> the town's centre, for places without
coordinates (looked up by the caller: the engine does no I/O)."""

# Names in ``Result.unknown`` besides amenity keys.
UNKNOWN_HOURS, UNKNOWN_SEATS, UNKNOWN_ROOM_SEATS = "hours", "seats", "meeting_room_seats"
UNKNOWN_PRICE, UNKNOWN_DISTANCE = "price", "distance"
_OTHER_UNKNOWNS: Final = (
    UNKNOWN_HOURS,
    UNKNOWN_SEATS,
    UNKNOWN_ROOM_SEATS,
    UNKNOWN_PRICE,
    UNKNOWN_DISTANCE,
)


def ordered_unknown(keys: list[str], meeting: Meeting) -> tuple[str, ...]:
    """What is unknown, in the order a person asks: the required amenities as the meeting
    lists them, then hours, seats, meeting room seats, price, distance."""
    if len(keys) < 2:
        return tuple(keys)
    order = {key: index for index, key in enumerate((*meeting.needs, *_OTHER_UNKNOWNS))}
    return tuple(sorted(keys, key=lambda key: order.get(key, len(order))))


def label(key: str) -> str:
    """``meeting_room`` -> ``meeting room``."""
    return key.replace("_", " ")


def number(value: float) -> str:
    """``27.0`` -> ``27``, ``27.25`` -> ``27.2``."""
    return f"{value:.1f}".removesuffix(".0")


def duration_text(minutes: float) -> str:
    minutes = round(minutes)
    if minutes < 60:
        return f"{minutes} min"
    whole, rest = divmod(minutes, 60)
    return f"{whole} h" if rest == 0 else f"{whole} h {rest:02d}"


def estimated_cost(place: Place, meeting: Meeting) -> float | None:
    """The cost of this meeting at this place, or None when unknown: ``room_hour x hours``
    when a meeting room is required, else per person ``min(hour x hours, day) x people``
    (with only one of hour and day known, that one)."""
    price = place.price
    if price is None:
        return None
    if "meeting_room" in meeting.needs:
        return None if price.room_hour is None else price.room_hour * meeting.hours
    per_hour = None if price.hour is None else price.hour * meeting.hours
    candidates = [amount for amount in (per_hour, price.day) if amount is not None]
    return min(candidates) * meeting.people if candidates else None


@dataclass(frozen=True, slots=True)
class Context:
    """The meeting as filters and criteria read it, worked out once per ``rank``."""

    meeting: Meeting
    weights: Weights
    city_key: str | None
    country: str | None
    window: hours.WindowJudge | None
    town_centres: TownCentres
    today: dt.date | None

    @classmethod
    def of(
        cls,
        meeting: Meeting,
        weights: Weights,
        town_centres: TownCentres,
        today: dt.date | None,
    ) -> Context:
        start, end = meeting.start, None
        if start is not None:  # an aware start is an instant: hours judge it per place
            try:
                end = start + meeting.duration
            except OverflowError:
                end = dt.datetime.max
        return cls(
            meeting=meeting,
            weights=weights,
            city_key=fold(meeting.city) if meeting.city else None,
            country=meeting.country.upper() if meeting.country else None,
            window=None if start is None or end is None else hours.WindowJudge(start, end),
            town_centres=town_centres,
            today=today,
        )

    @property
    def total_distance(self) -> bool:
        return self.meeting.objective == "total"


@dataclass(slots=True)
class Facts:
    """What the filters found out about one place, for the criteria and the result."""

    distances: tuple[float, ...] | None = None
    distance: float | None = None
    distance_approx: bool = False
    check: hours.WindowCheck | None = None
    cost: float | None = None
    matched: list[str] = field(default_factory=list)
    likely: dict[str, str] = field(default_factory=dict)  # need -> why ("coworking")
    unknown: list[str] = field(default_factory=list)  # keys, as in Result.unknown
    notes: list[str] = field(default_factory=list)  # facts worth saying (seats, cost)
    unknown_notes: list[str] = field(default_factory=list)  # "seats unknown"
