"""The domain: places, their visits and prices, and a meeting to plan.

Plain frozen dataclasses with no I/O and no typer or rich imports. Amenities are tri-state:
``True`` (has it), ``False`` (known not to have it), absent from the mapping (unknown).
Keys nomadspot does not know are kept in ``extra`` so a rewrite loses nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from nomadspot.vocabulary import Kind

DEFAULT_COUNTRY = "FR"
DEFAULT_CURRENCY = "EUR"
DEFAULT_PEOPLE = 2
DEFAULT_DURATION = dt.timedelta(hours=1)

EMPTY: Mapping[str, Any] = {}


@dataclass(frozen=True)
class Visit:
    date: dt.date
    rating: int | None = None
    wifi_mbps: float | None = None
    note: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Price:
    """Amounts in ``currency``. ``hour``: per person per hour of work (what a café expects
    you to order); ``day``: per person day pass; ``room_hour``: the whole meeting room."""

    hour: float | None = None
    day: float | None = None
    room_hour: float | None = None
    currency: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return (
            self.hour is None
            and self.day is None
            and self.room_hour is None
            and self.currency is None
            and not self.extra
        )


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: Kind
    city: str
    country: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    opening_hours: str | None = None
    opening_hours_raw: str | None = None
    seats: int | None = None
    meeting_room_seats: int | None = None
    wifi_mbps: float | None = None
    website: str | None = None
    phone: str | None = None
    tags: tuple[str, ...] = ()
    notes: str | None = None
    source: str | None = None
    amenities: Mapping[str, bool] = field(default_factory=dict)
    price: Price | None = None
    visits: tuple[Visit, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def has(self, amenity: str) -> bool | None:
        """True, False, or None when unknown."""
        return self.amenities.get(amenity)

    @property
    def country_or_default(self) -> str:
        return self.country or DEFAULT_COUNTRY

    @property
    def coordinates(self) -> tuple[float, float] | None:
        if self.lat is None or self.lon is None:
            return None
        return (self.lat, self.lon)

    @property
    def average_rating(self) -> float | None:
        ratings = [visit.rating for visit in self.visits if visit.rating is not None]
        return sum(ratings) / len(ratings) if ratings else None

    @property
    def measured_wifi_mbps(self) -> float | None:
        """The newest measured speed: the last visit's measure, else the place's field."""
        for visit in reversed(self.visits):
            if visit.wifi_mbps is not None:
                return visit.wifi_mbps
        return self.wifi_mbps

    def with_visit(self, visit: Visit) -> Place:
        visits = sorted((*self.visits, visit), key=lambda v: v.date)
        return replace(self, visits=tuple(visits))


@dataclass(frozen=True, slots=True)
class Participant:
    """Someone coming to the meeting, and where from."""

    label: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Meeting:
    """What the user asks of ``find``. ``start`` is local wall-clock time (each place's own),
    or None when no window was asked for."""

    city: str | None = None
    country: str | None = None
    kinds: frozenset[Kind] = frozenset()
    needs: tuple[str, ...] = ()
    prefer: tuple[str, ...] = ()
    people: int = DEFAULT_PEOPLE
    start: dt.datetime | None = None
    duration: dt.timedelta = DEFAULT_DURATION
    near: tuple[Participant, ...] = ()
    radius_km: float | None = None
    budget: float | None = None
    strict: bool = False
    objective: str = "fair"
    """``fair``: distance is the farthest participant's; ``total``: the sum of them all."""

    @property
    def end(self) -> dt.datetime | None:
        return None if self.start is None else self.start + self.duration

    @property
    def hours(self) -> float:
        return self.duration.total_seconds() / 3600
