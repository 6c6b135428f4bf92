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

from nomadspot.vocabulary import Kind, Sockets, Status

__all__ = [
    "DEFAULT_COUNTRY",
    "NO_TIME_LIMIT",
    "Kind",
    "Meeting",
    "Participant",
    "Place",
    "Price",
    "Sockets",
    "Status",
    "Visit",
]

DEFAULT_COUNTRY = "FR"
DEFAULT_CURRENCY = "EUR"
DEFAULT_PEOPLE = 2
DEFAULT_DURATION = dt.timedelta(hours=1)

EMPTY: Mapping[str, Any] = {}
# ``time_limit = "none"``: the place says laptop workers may stay as long as they like.
NO_TIME_LIMIT = dt.timedelta.max
# The wifi speed is the median of the readings of the 12 months before the newest one.
RECENT_READINGS = dt.timedelta(days=365)


@dataclass(frozen=True, slots=True)
class Visit:
    date: dt.date
    rating: int | None = None
    wifi_mbps: float | None = None
    note: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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
    status: Status = Status.OPEN
    checked: dt.date | None = None
    sockets: Sockets | None = None
    time_limit: dt.timedelta | None = None
    amenities: Mapping[str, bool] = field(default_factory=dict)
    price: Price | None = None
    visits: tuple[Visit, ...] = ()
    private: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def has(self, amenity: str) -> bool | None:
        """True, False, or None when unknown. Without a ``power`` amenity, ``sockets`` says;
        without a ``wifi`` amenity, a measured wifi speed says there is wifi."""
        found = self.amenities.get(amenity)
        if found is None and amenity == "power" and self.sockets is not None:
            return self.sockets.power
        if found is None and amenity == "wifi" and (self.measured_wifi_mbps or 0) > 0:
            return True
        return found

    @property
    def last_checked(self) -> dt.date | None:
        """When its facts were last confirmed: ``checked``, or a later visit."""
        newest = max(visit.date for visit in self.visits) if self.visits else None
        if newest is None or (self.checked is not None and self.checked >= newest):
            return self.checked
        return newest

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
    def wifi_readings(self) -> tuple[tuple[dt.date | None, float], ...]:
        """The measured speeds: the place's ``wifi_mbps`` (no date), then each visit's."""
        readings: list[tuple[dt.date | None, float]] = []
        if self.wifi_mbps is not None:
            readings.append((None, self.wifi_mbps))
        readings += [(v.date, v.wifi_mbps) for v in self.visits if v.wifi_mbps is not None]
        return tuple(readings)

    @property
    def measured_wifi_mbps(self) -> float | None:
        """The median of the recent measurements: the visits' of the 12 months before the
        newest one, and the place's ``wifi_mbps``."""
        if not self.visits:
            return self.wifi_mbps
        dated = [(v.date, v.wifi_mbps) for v in self.visits if v.wifi_mbps is not None]
        if not dated:
            return self.wifi_mbps
        since = max(day for day, _ in dated) - RECENT_READINGS
        recent = [mbps for day, mbps in dated if day >= since]
        if self.wifi_mbps is not None:
            recent.append(self.wifi_mbps)
        return _median(recent)

    def without_private(self) -> Place:
        """The place as it may leave the machine: ``[place.private]`` left out."""
        return replace(self, private=EMPTY) if self.private else self

    def with_visit(self, visit: Visit) -> Place:
        """The place with the visit logged; a visit confirms its facts that day."""
        visits = sorted((*self.visits, visit), key=lambda v: v.date)
        checked = self.checked
        if checked is None or visit.date > checked:
            checked = visit.date
        return replace(self, visits=tuple(visits), checked=checked)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


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
