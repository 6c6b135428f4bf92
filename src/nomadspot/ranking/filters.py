"""The hard filters: each one excludes a place KNOWN to fail one condition of the meeting.

A filter is a function ``(place, context, facts) -> Failure | None``. It writes what it
learns into ``facts`` (distances, the hours' verdict, the cost, what is unknown) for the
criteria and the result. ``FILTERS`` lists them in the order they run, cheapest first (the
hours last). Scope filters (city, country, kind, radius, and reach in ``engine``) say
where to look; the others are obstacles, named when nothing fits.

Adding a filter is one function and one line in ``FILTERS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from nomadspot.geo import haversine_km
from nomadspot.model import NO_TIME_LIMIT, Meeting, Place, Status
from nomadspot.ranking import priors
from nomadspot.ranking.context import (
    UNKNOWN_DISTANCE,
    UNKNOWN_HOURS,
    UNKNOWN_PRICE,
    UNKNOWN_ROOM_SEATS,
    UNKNOWN_SEATS,
    Context,
    Facts,
    estimated_cost,
    label,
    number,
    ordered_unknown,
)
from nomadspot.ranking.results import not_in_city
from nomadspot.text import fold_cached

CLOSED: Final = "closed during the meeting"
OVER_BUDGET: Final = "over budget"
OUT_OF_THE_WAY: Final = "out of the way"
TIME_LIMITED: Final = "time limit shorter than the meeting"
STATUS_REASONS: Final = {Status.TEMPORARILY_CLOSED: "temporarily closed", Status.CLOSED: "closed"}
_UNKNOWN_LABELS: Final = {
    UNKNOWN_HOURS: "hours",
    UNKNOWN_SEATS: "seats",
    UNKNOWN_ROOM_SEATS: "meeting room seats",
    UNKNOWN_PRICE: "price",
    UNKNOWN_DISTANCE: "distance",
}


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a place is excluded (counted by this text) and by how much (for near misses)."""

    reason: str
    detail: str | None = None

    @property
    def miss(self) -> str:
        return self.detail or self.reason


Check = Callable[[Place, Context, Facts], Failure | None]


@dataclass(frozen=True, slots=True)
class Filter:
    name: str
    check: Check
    applies: Callable[[Meeting], bool]
    scope: bool = False
    near_miss: bool = True
    """Whether failing this alone makes a near miss (a closed place never does)."""


# --- scope ---------------------------------------------------------------------------------


def in_city(place: Place, context: Context, facts: Facts) -> Failure | None:
    if fold_cached(place.city) == context.city_key:
        return None
    return Failure(not_in_city(context.meeting.city or ""))


def in_country(place: Place, context: Context, facts: Facts) -> Failure | None:
    if place.country_or_default.upper() == context.country:
        return None
    return Failure(f"not in {context.country}")


def of_kind(place: Place, context: Context, facts: Facts) -> Failure | None:
    kinds = context.meeting.kinds
    if place.kind in kinds:
        return None
    return Failure("not a " + "/".join(sorted(kind.value for kind in kinds)))


def within_radius(place: Place, context: Context, facts: Facts) -> Failure | None:
    """Measures each participant's distance (from the town's centre when the place has no
    coordinates), and drops places farther than ``--radius`` from any of them."""
    meeting = context.meeting
    point = place.coordinates
    if point is None:
        point = context.town_centres.get((place.city, place.country_or_default))
        facts.distance_approx = point is not None
    if point is None:
        facts.unknown.append(UNKNOWN_DISTANCE)
        return None
    lat, lon = point
    facts.distances = tuple(haversine_km(p.lat, p.lon, lat, lon) for p in meeting.near)
    facts.distance = sum(facts.distances) if context.total_distance else max(facts.distances)
    radius = meeting.radius_km
    if radius is not None and max(facts.distances) > radius:
        return Failure(
            f"farther than {number(radius)} km",
            f"{number(max(facts.distances))} km away, beyond --radius {number(radius)}",
        )
    return None


# --- obstacles -------------------------------------------------------------------------------


def still_open(place: Place, context: Context, facts: Facts) -> Failure | None:
    """A place closed for good, or for a while, receives nobody."""
    if place.status is Status.OPEN:
        return None
    return Failure(STATUS_REASONS[place.status])


def long_enough(place: Place, context: Context, facts: Facts) -> Failure | None:
    """A laptop time limit shorter than the meeting excludes the place."""
    limit, duration = place.time_limit, context.meeting.duration
    if limit is None or limit == NO_TIME_LIMIT or duration <= limit:
        return None
    return Failure(
        TIME_LIMITED,
        f"laptops welcome {_hours_text(limit)}, the meeting lasts {_hours_text(duration)}",
    )


def has_amenities(place: Place, context: Context, facts: Facts) -> Failure | None:
    """Each required amenity: confirmed, known absent (excluded), likely for the kind, or
    unknown."""
    failure = None
    for need in context.meeting.needs:
        has = place.has(need)
        if has:
            facts.matched.append(need)
        elif has is None:
            facts.unknown.append(need)
            if priors.likely(place.kind, need):
                facts.likely[need] = place.kind.value.replace("_", " ")
        elif failure is None:
            failure = Failure(f"no {label(need)}")
    return failure


def seats_enough(place: Place, context: Context, facts: Facts) -> Failure | None:
    """Known seats below the party are excluded; unknown seats count only for a group."""
    people = context.meeting.people
    if place.seats is None:
        if people > 1:
            facts.unknown.append(UNKNOWN_SEATS)
            facts.unknown_notes.append("seats unknown")
        return None
    if place.seats < people:
        return Failure(f"too small for {people}", f"{place.seats} seats for {people} people")
    if people > 1:
        facts.notes.append(f"{place.seats} seats")
    return None


def room_big_enough(place: Place, context: Context, facts: Facts) -> Failure | None:
    """With --meeting-room: a room known too small for the party is excluded."""
    people = context.meeting.people
    seats = place.meeting_room_seats
    if seats is None:
        if people > 1:
            facts.unknown.append(UNKNOWN_ROOM_SEATS)
            facts.unknown_notes.append("meeting room size unknown")
        return None
    if seats < people:
        return Failure(
            f"meeting room too small for {people}", f"meeting room for {seats}, not {people}"
        )
    if people > 1:
        facts.notes.append(f"meeting room for {seats}")
    return None


def within_budget(place: Place, context: Context, facts: Facts) -> Failure | None:
    """The meeting's estimated cost, when known, is at most --budget (without one, the
    cost is only said)."""
    budget = context.meeting.budget
    cost = facts.cost = estimated_cost(place, context.meeting)
    if cost is None:
        if budget is not None:
            facts.unknown.append(UNKNOWN_PRICE)
            facts.unknown_notes.append("price unknown")
        return None
    if budget is not None and cost > budget + 1e-9:
        currency = _currency(place)
        return Failure(OVER_BUDGET, f"over budget: {cost:.2f} {currency} (budget {budget:g})")
    facts.notes.append(cost_text(cost, _currency(place)))
    return None


def open_throughout(place: Place, context: Context, facts: Facts) -> Failure | None:
    """With --at: closed at any moment of the window (holidays included) is excluded."""
    assert context.window is not None  # the filter applies only with a window
    check = facts.check = context.window(place)
    if check.state == "unknown":
        facts.unknown.append(UNKNOWN_HOURS)
    if check.state != "closed":
        return None
    start = context.meeting.start
    if check.closes_at is None or start is None:
        return Failure(CLOSED)
    first_closed = check.closes_at.replace(tzinfo=None)
    start = start.replace(tzinfo=None)
    if first_closed <= start:
        return Failure(CLOSED, f"closed at {start:%H:%M}, when the meeting starts")
    end = start + context.meeting.duration
    return Failure(CLOSED, f"closes {first_closed:%H:%M}, the meeting ends {end:%H:%M}")


def nothing_unknown(place: Place, context: Context, facts: Facts) -> Failure | None:
    """--strict: what the meeting asks about must be known."""
    if not facts.unknown:
        return None
    first = ordered_unknown(facts.unknown, context.meeting)[0]
    return Failure(f"{_UNKNOWN_LABELS.get(first, label(first))} unknown (--strict)")


# --- helpers -------------------------------------------------------------------------------


def _hours_text(span: dt.timedelta) -> str:
    """``1h``, ``1h30``, ``45min``."""
    minutes = round(span.total_seconds() / 60)
    whole, rest = divmod(minutes, 60)
    if not whole:
        return f"{rest}min"
    return f"{whole}h" if not rest else f"{whole}h{rest:02d}"


def _currency(place: Place) -> str:
    return (place.price.currency if place.price else None) or "EUR"


def cost_text(cost: float, currency: str) -> str:
    return "free" if cost == 0 else f"about {cost:.2f} {currency} for the meeting"


# --- the table -------------------------------------------------------------------------------

FILTERS: Final[tuple[Filter, ...]] = (
    Filter("city", in_city, lambda m: bool(m.city), scope=True),
    Filter("country", in_country, lambda m: bool(m.country), scope=True),
    Filter("kind", of_kind, lambda m: bool(m.kinds), scope=True),
    Filter("radius", within_radius, lambda m: bool(m.near), scope=True),
    Filter("status", still_open, lambda m: True, near_miss=False),
    Filter("amenity", has_amenities, lambda m: bool(m.needs)),
    Filter("people", seats_enough, lambda m: True),
    Filter("meeting room", room_big_enough, lambda m: "meeting_room" in m.needs),
    Filter("budget", within_budget, lambda m: True),
    Filter("time limit", long_enough, lambda m: True),
    Filter("hours", open_throughout, lambda m: m.start is not None),
    Filter("strict", nothing_unknown, lambda m: m.strict),
)
