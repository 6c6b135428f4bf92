"""The ranking engine behind ``find``: pure, no I/O, no typer or rich; usable from Python.

``rank(places, meeting)`` sorts places into results and exclusions:

1. Hard filters exclude only what is KNOWN to fail, cheapest first: city, country, kind,
   required amenities, seats, meeting room seats, budget, radius; then, for the places
   still in, the opening hours over the meeting window (in each place's local time, with
   its country's public holidays).
2. What is unknown stays, is listed in ``Result.unknown``, and costs rank: a place with a
   required amenity unknown, or (with a window) its hours unknown, always ranks below every
   place where those are confirmed. With ``meeting.strict`` every unknown that the meeting
   asks about excludes instead (see ``STRICT`` below).
3. The score, in [0, 1], is banded: with ``U`` hard requirements (required amenities, plus
   the hours when a window is asked) and ``k`` of them unknown,

       score = (n * (U - k) + sum(weight_i * value_i)) / (n * U + W)

   where ``value_i`` in [0, 1] are the soft criteria that apply to this meeting (prefer,
   distance, fit, closing margin, rating, wifi), ``W`` is the sum of their weights, and
   ``n = max(weights.needs, W)``: one confirmed requirement outweighs all soft criteria
   together, so fewer unknowns always means a higher score, and ranks and scores agree.
4. Order: fewer unknown requirements, higher exact score (shown rounded to 2 decimals: a
   café 200 m away ranks above one 500 m away even when both show 0.44), then name (case- and
   accent-insensitive), then id. Deterministic, and independent of the input order.

Choices for unknowns (documented in the README):

- seats unknown counts (``unknown`` lists "seats"; ``--strict`` excludes) only when the
  party is more than one person: any place that is open seats one;
- meeting room seats likewise, and only when a meeting room is required;
- price only when a budget is given; distance only when participants are given (``near``);
  hours only when a window is given.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from operator import itemgetter
from typing import Final, NamedTuple

from nomadspot import hours
from nomadspot.errors import UsageError
from nomadspot.model import Meeting, Place
from nomadspot.text import fold, fold_cached
from nomadspot.vocabulary import Kind

__all__ = [
    "DEFAULT_WEIGHTS",
    "FIT",
    "WEIGHT_HELP",
    "Exclusion",
    "Ranking",
    "Result",
    "Weights",
    "estimated_cost",
    "haversine_km",
    "rank",
]


# --- weights -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each criterion counts. Overridable by name in the config's ``[weights]``."""

    needs: float = 6.0
    """Each confirmed hard requirement (required amenity; the hours with --at); counts at
    least as much as all soft criteria together, so unknowns always rank lower."""
    prefer: float = 1.5
    """Share of --prefer wishes the place is known to have."""
    distance: float = 2.0
    """Fairness: the farthest participant's distance (10 km halves it)."""
    fit: float = 1.0
    """How well the kind of place suits the party size (a café for 2, a room for 6)."""
    closing_margin: float = 0.5
    """Time left between the end of the meeting and closing (full at 2 hours or more)."""
    rating: float = 1.0
    """Average rating of the user's visits (few visits count towards 3/5)."""
    wifi: float = 0.5
    """Last measured wifi speed (saturates around 50-100 Mbps)."""

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Weights:
        """Defaults overridden by ``values`` (the config's ``[weights]``). A key that is not
        a weight, or a value that is not a finite number >= 0, raises ``UsageError``."""
        known = [item.name for item in fields(cls)]
        chosen: dict[str, float] = {}
        for key, value in values.items():
            if key not in known:
                raise UsageError(
                    f"[weights] {key!r} is not a weight nomadspot knows",
                    hint="weights: " + ", ".join(known),
                )
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or value < 0
            ):
                raise UsageError(f"[weights] {key} must be a number of at least 0, not {value!r}")
            chosen[key] = float(value)
        return cls(**chosen)


DEFAULT_WEIGHTS: Final = Weights()

WEIGHT_HELP: Final[dict[str, str]] = {
    "needs": "each confirmed requirement (amenity, hours); at least all the others together",
    "prefer": "share of --prefer wishes the place is known to have",
    "distance": "fairness: the farthest participant's distance (10 km halves it)",
    "fit": "how well the kind of place suits the party size",
    "closing_margin": "time between the end of the meeting and closing (full at 2 h)",
    "rating": "average rating of your visits (few visits count towards 3/5)",
    "wifi": "last measured wifi speed (saturates around 50-100 Mbps)",
}

# How well a kind of place suits a party: 1 person, 2, 3-4, 5-8, 9 or more.
FIT: Final[dict[Kind, tuple[float, float, float, float, float]]] = {
    Kind.CAFE: (1.0, 1.0, 0.6, 0.3, 0.1),
    Kind.BRASSERIE: (0.8, 1.0, 0.8, 0.5, 0.3),
    Kind.RESTAURANT: (0.6, 0.9, 0.9, 0.7, 0.5),
    Kind.FAST_FOOD: (0.6, 0.6, 0.4, 0.2, 0.1),
    Kind.HOTEL_LOBBY: (0.8, 1.0, 0.8, 0.4, 0.2),
    Kind.COWORKING: (1.0, 0.9, 0.9, 1.0, 0.7),
    Kind.PEPINIERE: (0.9, 0.9, 0.9, 1.0, 0.8),
    Kind.BUSINESS_CENTRE: (0.7, 0.8, 0.9, 1.0, 1.0),
    Kind.TELECENTRE: (1.0, 0.9, 0.8, 0.7, 0.5),
    Kind.TIERS_LIEU: (0.9, 0.9, 0.9, 0.9, 0.7),
    Kind.LIBRARY: (1.0, 0.6, 0.4, 0.2, 0.1),
    Kind.AGENCY: (0.8, 0.8, 0.9, 0.8, 0.5),
    Kind.OTHER: (0.5, 0.5, 0.5, 0.5, 0.5),
}
ROOM_FIT = 0.9  # a place with a meeting room (big enough, or of unknown size) for 3 or more
DISTANCE_HALF_KM = 10.0  # the distance at which the distance criterion is worth half
MARGIN_FULL_MINUTES = 120.0  # closing this long after the meeting, or later, is full marks
WIFI_SCALE_MBPS = 25.0  # 1 - exp(-mbps / 25): 25 Mbps 0.63, 50 Mbps 0.86, 100 Mbps 0.98
WIFI_UNMEASURED = 0.2  # no measure: about what a slow connection gets
PREFER_UNKNOWN = 0.25  # a wish whose presence is unknown, against 1 (has it) and 0 (has not)
RATING_PRIOR, RATING_PRIOR_VISITS = 3.0, 1.0  # ratings shrink towards 3/5 as if one visit

# Names in ``Result.unknown`` besides amenity keys.
UNKNOWN_HOURS, UNKNOWN_SEATS, UNKNOWN_ROOM_SEATS = "hours", "seats", "meeting_room_seats"
UNKNOWN_PRICE, UNKNOWN_DISTANCE = "price", "distance"
_UNKNOWN_LABELS: Final = {
    UNKNOWN_HOURS: "hours",
    UNKNOWN_SEATS: "seats",
    UNKNOWN_ROOM_SEATS: "meeting room seats",
    UNKNOWN_PRICE: "price",
    UNKNOWN_DISTANCE: "distance",
}
CLOSED: Final = "closed during the meeting"
OVER_BUDGET: Final = "over budget"


# --- results -------------------------------------------------------------------------------


class Result(NamedTuple):
    """A place that fits, with its rank (1..n) and why. A named tuple rather than a frozen
    dataclass: as immutable, and five times cheaper to make for 30,000 results."""

    rank: int
    place: Place
    score: float
    distance_km: float | None
    open: bool | None
    window: str
    cost: float | None
    matched: tuple[str, ...]
    unknown: tuple[str, ...]
    reasons: tuple[str, ...]


class Exclusion(NamedTuple):
    """A place that does not fit, and the first reason found (stable wording). A named
    tuple, as ``Result``: thousands of them per run."""

    place: Place
    reason: str


@dataclass(frozen=True, slots=True)
class Ranking:
    meeting: Meeting
    results: tuple[Result, ...]
    excluded: tuple[Exclusion, ...]
    elsewhere: int = 0
    """Places excluded as not in the meeting's city without being looked at (see ``rank``);
    counted in ``excluded_count`` and ``excluded_by_reason``, not in ``excluded``."""

    @property
    def excluded_count(self) -> int:
        return len(self.excluded) + self.elsewhere

    def excluded_by_reason(self) -> dict[str, int]:
        """How many places each reason excluded: most frequent first, ties by reason."""
        counts = Counter(exclusion.reason for exclusion in self.excluded)
        if self.elsewhere:
            counts[_not_in_city(self.meeting)] += self.elsewhere
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def main_obstacle(self) -> str | None:
        """The reason that removed the most places, or None when none was removed."""
        return next(iter(self.excluded_by_reason()), None)


# --- geometry --------------------------------------------------------------------------------

EARTH_RADIUS_KM: Final = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS 84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# --- ranking -------------------------------------------------------------------------------


def _not_in_city(meeting: Meeting) -> str:
    return f"not in {meeting.city}"


def _label(key: str) -> str:
    return key.replace("_", " ")


def _party(people: int) -> str:
    return "1 person" if people == 1 else f"{people} people"


def _size_column(people: int) -> int:
    if people <= 1:
        return 0
    if people == 2:
        return 1
    if people <= 4:
        return 2
    return 3 if people <= 8 else 4


def _duration(minutes: float) -> str:
    minutes = round(minutes)
    if minutes < 60:
        return f"{minutes} min"
    whole, rest = divmod(minutes, 60)
    return f"{whole} h" if rest == 0 else f"{whole} h {rest:02d}"


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


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


@dataclass(slots=True)
class _Query:
    """What ``rank`` works out once per meeting, and the texts that many results share."""

    meeting: Meeting
    weights: Weights
    city_key: str | None
    country: str | None
    kinds_reason: str
    needs: tuple[str, ...]
    room: bool
    hard: int  # U: hard requirements
    soft_total: float  # W: weights of the soft criteria that apply
    needs_weight: float  # n = max(weights.needs, W)
    window: hours.WindowJudge | None  # the meeting window's verdicts, when one is asked
    confirmed: dict[str, str]  # need -> "wifi confirmed"
    unknown: dict[str, str]  # need -> "wifi unknown"
    # Memos filled as ranking goes.
    fit_notes: dict[tuple[Kind, bool], tuple[float, str, bool]] = field(default_factory=dict)
    open_notes: dict[int, tuple[hours.WindowCheck, float, str, bool]] = field(default_factory=dict)
    texts: dict[tuple[object, ...], str] = field(default_factory=dict)
    scores: dict[float, float] = field(default_factory=dict)  # exact -> shown (a few dozen)
    in_city: dict[str, bool] = field(default_factory=dict)  # a place's city -> is the city

    @classmethod
    def of(cls, meeting: Meeting, weights: Weights) -> _Query:
        start = meeting.start  # an aware start is an instant: hours judge it per place
        try:
            end = None if start is None else start + meeting.duration
        except OverflowError:
            end = dt.datetime.max
        soft = weights.fit + weights.rating + weights.wifi
        soft += weights.prefer if meeting.prefer else 0.0
        soft += weights.distance if meeting.near else 0.0
        soft += weights.closing_margin if start is not None else 0.0
        kinds = "/".join(sorted(kind.value for kind in meeting.kinds))
        needs = tuple(dict.fromkeys(meeting.needs))
        return cls(
            meeting=meeting,
            weights=weights,
            city_key=fold(meeting.city) if meeting.city else None,
            country=meeting.country.upper() if meeting.country else None,
            kinds_reason=f"not a {kinds}",
            needs=needs,
            room="meeting_room" in meeting.needs,
            hard=len(set(meeting.needs)) + (1 if start is not None else 0),
            soft_total=soft,
            needs_weight=max(weights.needs, soft),
            window=None if start is None or end is None else hours.WindowJudge(start, end),
            confirmed={need: f"{_label(need)} confirmed" for need in needs},
            unknown={need: f"{_label(need)} unknown" for need in needs},
        )


# A result before it has its rank: its sort key in two parts, then Result's fields after
# ``rank``. Few places differ in band and score (a few dozen values for 30,000 results), so
# ``rank`` groups them by the first part and sorts each group by the second.
_Candidate = tuple[
    tuple[int, float],  # the band (how many hard requirements are unknown), minus the score
    tuple[str, str, str],  # the name folded, the name, the id
    tuple[
        Place,
        float,
        float | None,
        bool | None,
        str,
        float | None,
        tuple[str, ...],
        tuple[str, ...],
        tuple[str, ...],
    ],
]


def _judge(place: Place, query: _Query) -> _Candidate | str:
    """The place's candidate result, or the reason it is excluded."""
    meeting = query.meeting
    people = meeting.people
    # Cheap known failures first.
    if query.city_key is not None:
        here = query.in_city.get(place.city)
        if here is None:
            here = query.in_city[place.city] = fold_cached(place.city) == query.city_key
        if not here:
            return _not_in_city(meeting)
    if query.country is not None and place.country_or_default.upper() != query.country:
        return f"not in {query.country}"
    if meeting.kinds and place.kind not in meeting.kinds:
        return query.kinds_reason
    amenities = place.amenities
    matched: list[str] = []
    unknown_needs: list[str] = []
    for need in query.needs:
        has = amenities.get(need)
        if has is None:
            unknown_needs.append(need)
        elif has:
            matched.append(need)
        else:
            return f"no {_label(need)}"
    unknown_other: list[str] = []
    if place.seats is not None:
        if place.seats < people:
            return f"too small for {people}"
    elif people > 1:
        unknown_other.append(UNKNOWN_SEATS)
    if query.room:
        if place.meeting_room_seats is not None:
            if place.meeting_room_seats < people:
                return f"meeting room too small for {people}"
        elif people > 1:
            unknown_other.append(UNKNOWN_ROOM_SEATS)
    cost = None if place.price is None else estimated_cost(place, meeting)
    if meeting.budget is not None:
        if cost is not None and cost > meeting.budget + 1e-9:
            return OVER_BUDGET
        if cost is None:
            unknown_other.append(UNKNOWN_PRICE)
    distance: float | None = None
    if meeting.near:
        coords = place.coordinates
        if coords is None:
            unknown_other.append(UNKNOWN_DISTANCE)
        else:
            lat, lon = coords
            distance = max(haversine_km(p.lat, p.lon, lat, lon) for p in meeting.near)
            if meeting.radius_km is not None and distance > meeting.radius_km:
                return f"farther than {_number(meeting.radius_km)} km"
    # The hours last: the only costly check.
    check: hours.WindowCheck | None = None
    if query.window is not None:
        check = query.window(place)
        if check.state == "closed":
            return CLOSED
        if check.state == "unknown":
            unknown_other.insert(0, UNKNOWN_HOURS)
    if meeting.strict:
        if unknown_needs:
            return f"{_label(unknown_needs[0])} unknown (--strict)"
        if unknown_other:
            return f"{_UNKNOWN_LABELS[unknown_other[0]]} unknown (--strict)"
    return _score(place, query, check, distance, cost, matched, unknown_needs, unknown_other)


def _open_note(check: hours.WindowCheck, query: _Query) -> tuple[float, str, bool]:
    """The closing margin's value, its reason, and whether it raised the place; the same
    for every place whose hours give this (shared) check."""
    known = query.open_notes.get(id(check))
    if known is not None and known[0] is check:
        return known[1:]
    margin = check.minutes_to_close_after_end
    if check.closes_at is None or margin is None:
        value, text, raised = 1.0, "open around the clock", True
    else:
        value = min(1.0, max(0.0, margin) / MARGIN_FULL_MINUTES)
        closes = "midnight" if check.closes_at.time() == dt.time(0) else f"{check.closes_at:%H:%M}"
        raised = margin >= 60
        if raised:
            text = f"open until {closes} ({_duration(margin)} after the meeting)"
        elif margin < 1:
            text = f"closes at {closes}, as the meeting ends"
        else:
            text = f"closes at {closes}, only {_duration(margin)} after the meeting"
    query.open_notes[id(check)] = (check, value, text, raised)
    return value, text, raised


def _fit_note(kind: Kind, room_fits: bool, query: _Query) -> tuple[float, str, bool]:
    """How well this kind of place suits the party, its reason, and whether it raised."""
    known = query.fit_notes.get((kind, room_fits))
    if known is not None:
        return known
    people = query.meeting.people
    fit = FIT.get(kind, FIT[Kind.OTHER])[_size_column(people)]
    what = kind.value.replace("_", " ")
    if people >= 3 and room_fits and fit < ROOM_FIT:
        fit, what = ROOM_FIT, f"{what} with a meeting room"
    quality = "good" if fit >= 0.8 else "fair" if fit >= 0.5 else "poor"
    note = (fit, f"{quality} fit for {_party(people)} ({what})", fit >= 0.8)
    query.fit_notes[(kind, room_fits)] = note
    return note


def _shared_text(query: _Query, key: tuple[object, ...]) -> str:
    """A reason that depends on a number or two that many places share (seats, a cost):
    made once per value."""
    text = query.texts.get(key)
    if text is None:
        what = key[0]
        if what == "seats":
            text = f"{key[1]} seats"
        elif what == "room":
            text = f"meeting room for {key[1]}"
        else:  # "cost"
            cost, currency = key[1], key[2]
            text = "free" if cost == 0 else f"about {cost:.2f} {currency} for the meeting"
        query.texts[key] = text
    return text


def _score(
    place: Place,
    query: _Query,
    check: hours.WindowCheck | None,
    distance: float | None,
    cost: float | None,
    matched: list[str],
    unknown_needs: list[str],
    unknown_other: list[str],
) -> _Candidate:
    # Reasons in three groups, shown in order: what raised, what lowered, what is unknown.
    meeting, weights = query.meeting, query.weights
    people = meeting.people
    amenities = place.amenities
    raised: list[str] = []
    lowered: list[str] = []
    unknown: list[str] = []
    for need in matched:
        raised.append(query.confirmed[need])
    for need in unknown_needs:
        unknown.append(query.unknown[need])
    soft = 0.0
    band = len(unknown_needs)

    # Hours: open all along (else excluded) or unknown.
    if check is not None:
        if check.state == "open":
            known = query.open_notes.get(id(check))
            if known is not None and known[0] is check:
                _, value, text, up = known
            else:
                value, text, up = _open_note(check, query)
            (raised if up else lowered).append(text)
            soft += weights.closing_margin * value
        else:
            band += 1
            if not place.opening_hours and place.opening_hours_raw:
                raw = " ".join(place.opening_hours_raw.split())
                raw = raw if len(raw) <= 40 else raw[:39] + "…"
                unknown.append(f"hours unknown (not in opening_hours syntax: {raw})")
            elif place.opening_hours and not hours.parses(place.opening_hours):
                unknown.append("hours unknown (opening_hours does not parse)")
            else:
                unknown.append(check.text)

    # Distance: the farthest participant.
    if meeting.near:
        if distance is None:
            unknown.append("distance unknown (no coordinates)")
        else:
            value = DISTANCE_HALF_KM / (DISTANCE_HALF_KM + distance)
            text = (
                f"{distance:.1f} km away"
                if len(meeting.near) == 1
                else f"{distance:.1f} km for the farthest participant"
            )
            (raised if value >= 0.5 else lowered).append(text)
            soft += weights.distance * value

    # Fit of the kind of place for the party.
    room_seats = place.meeting_room_seats
    room_fits = amenities.get("meeting_room") is True and (
        room_seats is None or room_seats >= people
    )
    fit, text, up = query.fit_notes.get((place.kind, room_fits)) or _fit_note(
        place.kind, room_fits, query
    )
    (raised if up else lowered).append(text)
    soft += weights.fit * fit

    # Seats, as known.
    if people > 1:
        if place.seats is not None:
            key: tuple[object, ...] = ("seats", place.seats)
            raised.append(query.texts.get(key) or _shared_text(query, key))
        else:
            unknown.append("seats unknown")
        if query.room:
            if room_seats is not None:
                key = ("room", room_seats)
                raised.append(query.texts.get(key) or _shared_text(query, key))
            else:
                unknown.append("meeting room size unknown")

    # Cost.
    if cost is not None:
        currency = (place.price.currency if place.price else None) or "EUR"
        key = ("cost", cost, currency)
        raised.append(query.texts.get(key) or _shared_text(query, key))
    elif meeting.budget is not None:
        unknown.append("price unknown")

    # Wishes.
    if meeting.prefer:
        total = 0.0
        for wish in meeting.prefer:
            has = amenities.get(wish)
            if has is True:
                total += 1.0
                raised.append(f"has {_label(wish)} (preferred)")
            elif has is False:
                lowered.append(f"no {_label(wish)} (preferred)")
            else:
                total += PREFER_UNKNOWN
                unknown.append(f"{_label(wish)} unknown (preferred)")
        soft += weights.prefer * total / len(meeting.prefer)

    # The user's visits: rating and measured wifi.
    if place.visits:
        ratings = [visit.rating for visit in place.visits if visit.rating is not None]
        mbps = place.measured_wifi_mbps
    else:
        ratings, mbps = [], place.wifi_mbps
    if ratings:
        average = sum(ratings) / len(ratings)
        shrunk = (sum(ratings) + RATING_PRIOR * RATING_PRIOR_VISITS) / (
            len(ratings) + RATING_PRIOR_VISITS
        )
        value = min(1.0, max(0.0, (shrunk - 1) / 4))
        visits = "1 visit" if len(ratings) == 1 else f"{len(ratings)} visits"
        text = f"rated {_number(average)}/5 over {visits}"
        (raised if average >= 3 else lowered).append(text)
    else:
        value = (RATING_PRIOR - 1) / 4
    soft += weights.rating * value

    if mbps is not None and math.isfinite(mbps) and mbps >= 0:
        value = 1 - math.exp(-mbps / WIFI_SCALE_MBPS)
        text = f"wifi measured at {_number(mbps)} Mbps"
        (raised if mbps >= 20 else lowered).append(text)
    else:
        value = 0.0 if amenities.get("wifi") is False else WIFI_UNMEASURED
    soft += weights.wifi * value

    n, hard = query.needs_weight, query.hard
    denominator = n * hard + query.soft_total
    exact = (n * (hard - band) + soft) / denominator if denominator > 0 else 0.0
    score = query.scores.get(exact)
    if score is None:
        score = query.scores[exact] = round(min(1.0, max(0.0, exact)), 2)
    name = place.name
    return (
        (band, -exact),
        (fold(name), name, place.id),
        (
            place,
            score,
            None if distance is None else round(distance, 1),
            None if check is None or check.state != "open" else True,
            "" if check is None else check.text,
            None if cost is None else round(cost, 2),
            tuple(matched),
            (*unknown_needs, *unknown_other),
            (*raised, *lowered, *unknown),
        ),
    )


_BY_NAME = itemgetter(1)


def rank(
    places: Iterable[Place],
    meeting: Meeting,
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    elsewhere: int = 0,
) -> Ranking:
    """Rank ``places`` for ``meeting``: best first, then the excluded with their reasons.

    ``elsewhere``: how many places of the catalogue the caller left out because they are
    not in ``meeting.city`` (a store that reads one city's places); they count as excluded
    "not in <city>", as they would have been."""
    if elsewhere and not meeting.city:
        raise ValueError("places left out as elsewhere need a meeting city")
    query = _Query.of(meeting, weights)
    by_score: dict[tuple[int, float], list[_Candidate]] = {}
    excluded: list[Exclusion] = []
    for place in places:
        verdict = _judge(place, query)
        if isinstance(verdict, str):
            excluded.append(Exclusion(place, verdict))
        else:
            group = by_score.get(verdict[0])
            if group is None:
                by_score[verdict[0]] = [verdict]
            else:
                group.append(verdict)
    candidates: list[_Candidate] = []
    for score in sorted(by_score):
        candidates.extend(sorted(by_score[score], key=_BY_NAME))
    # By id (unique in a catalogue): deterministic, and cheap for 100,000 exclusions.
    excluded.sort(key=lambda e: (e.place.id, e.reason, e.place.name))
    make_result = tuple.__new__  # Result's own __new__, without binding ten arguments
    results = tuple(
        [
            make_result(Result, (number,) + candidate[2])
            for number, candidate in enumerate(candidates, start=1)
        ]
    )
    return Ranking(meeting=meeting, results=results, excluded=tuple(excluded), elsewhere=elsewhere)
