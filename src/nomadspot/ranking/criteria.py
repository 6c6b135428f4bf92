"""The soft criteria: each one values a place that fits in [0, 1] and says why.

A criterion is a function ``(place, context, facts) -> Mark``; ``CRITERIA`` lists them
with their weight (``Weights``) and when they apply. The score is the weighted mean of
the values of the criteria that apply. Adding a criterion is one function and one line
in ``CRITERIA`` (and its weight in ``Weights``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, NamedTuple

from nomadspot import hours
from nomadspot.model import Meeting, Place
from nomadspot.ranking.context import Context, Facts, duration_text, label, number
from nomadspot.ranking.weights import Weights
from nomadspot.vocabulary import Kind, Sockets

# How a requirement counts: confirmed 1, likely for the kind, unknown.
LIKELY_VALUE: Final = 0.85  # "almost always" (see priors)
UNKNOWN_VALUE: Final = 0.3
DISTANCE_HALF_KM: Final = 10.0  # the distance at which the distance criterion is worth half
MARGIN_FULL_MINUTES: Final = 120.0  # closing this long after the meeting, or later: full marks
WIFI_SCALE_MBPS: Final = 25.0  # 1 - exp(-mbps / 25): 25 Mbps 0.63, 50 Mbps 0.86, 100 Mbps 0.98
WIFI_UNMEASURED: Final = 0.2  # no measure: about what a slow connection gets
PREFER_UNKNOWN: Final = 0.25  # a wish whose presence is unknown, against 1 (has it), 0 (not)
RATING_PRIOR, RATING_PRIOR_VISITS = 3.0, 1.0  # ratings shrink towards 3/5 as if one visit
SOCKETS: Final = {Sockets.PLENTY: 1.0, Sockets.LIMITED: 0.6, Sockets.ASK: 0.3}
SOCKETS_UNKNOWN: Final = 0.45  # between limited and ask: most places have a socket or two
STALE_AFTER: Final = dt.timedelta(days=2 * 365)  # facts older than this may have changed
ROOM_FIT: Final = 0.9  # a place with a meeting room (big enough, or unknown size) for 3+

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


class Mark(NamedTuple):
    """A criterion's value in [0, 1] and its reasons: what raised, lowered, is unknown.
    (A named tuple: immutable, and several criteria make one for every place.)"""

    value: float
    raised: tuple[str, ...] = ()
    lowered: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()


def up(value: float, reason: str) -> Mark:
    return Mark(value, (reason,), (), ())


def down(value: float, reason: str) -> Mark:
    return Mark(value, (), (reason,), ())


def unsure(value: float, reason: str) -> Mark:
    return Mark(value, (), (), (reason,))


FULL, NOTHING = Mark(1.0), Mark(0.0)


def either(value: float, reason: str, *, raised: bool) -> Mark:
    return up(value, reason) if raised else down(value, reason)


Value = Callable[[Place, Context, Facts], Mark]


@dataclass(frozen=True, slots=True)
class Criterion:
    name: str
    value: Value
    weight: Callable[[Weights, Meeting], float]
    applies: Callable[[Meeting], bool]


# --- the criteria ----------------------------------------------------------------------------


def requirements(place: Place, context: Context, facts: Facts) -> Mark:
    """Each required amenity: confirmed 1, likely for the kind 0.85, unknown 0.3."""
    return _requirements_mark(
        context.meeting.needs, tuple(facts.matched), tuple(facts.likely.items())
    )


@lru_cache(maxsize=256)  # few combinations recur for thousands of places: texts made once
def _requirements_mark(
    needs: tuple[str, ...], matched: tuple[str, ...], likely: tuple[tuple[str, str], ...]
) -> Mark:
    """``matched``: the needs confirmed; ``likely``: each need likely, and for what kind."""
    likely_for = dict(likely)
    raised, unknown, total = [], [], 0.0
    for need in needs:
        if need in matched:
            total += 1.0
            raised.append(f"{label(need)} confirmed")
        elif need in likely_for:
            total += LIKELY_VALUE
            unknown.append(f"{label(need)} likely ({likely_for[need]})")
        else:
            total += UNKNOWN_VALUE
            unknown.append(f"{label(need)} unknown")
    return Mark(total / len(needs), tuple(raised), (), tuple(unknown))


def hours_known(place: Place, context: Context, facts: Facts) -> Mark:
    """With --at: open throughout 1 (said by ``closing_margin``), unknown 0.3."""
    check = facts.check
    if check is None or check.state == "open":
        return FULL
    if check.state == "closed":  # only a near miss gets here
        return down(0.0, check.text)
    if not place.opening_hours and place.opening_hours_raw:
        raw = " ".join(place.opening_hours_raw.split())
        raw = raw if len(raw) <= 40 else raw[:39] + "…"
        return unsure(UNKNOWN_VALUE, f"hours unknown (not in opening_hours syntax: {raw})")
    if place.opening_hours and not hours.parses(place.opening_hours):
        return unsure(UNKNOWN_VALUE, "hours unknown (opening_hours does not parse)")
    return unsure(UNKNOWN_VALUE, check.text)


def closing_margin(place: Place, context: Context, facts: Facts) -> Mark:
    """Time between the end of the meeting and closing: full marks at 2 hours."""
    check = facts.check
    if check is None or check.state != "open":
        return NOTHING
    return _margin_mark(check)


@lru_cache(maxsize=1024)  # places with the same hours share one verdict: its text made once
def _margin_mark(check: hours.WindowCheck) -> Mark:
    margin = check.minutes_to_close_after_end
    if check.closes_at is None or margin is None:
        return up(1.0, "open around the clock")
    value = min(1.0, max(0.0, margin) / MARGIN_FULL_MINUTES)
    closes = "midnight" if check.closes_at.time() == dt.time(0) else f"{check.closes_at:%H:%M}"
    if margin >= 60:
        return up(value, f"open until {closes} ({duration_text(margin)} after the meeting)")
    if margin < 1:
        return down(value, f"closes at {closes}, as the meeting ends")
    return down(value, f"closes at {closes}, only {duration_text(margin)} after the meeting")


def distance(place: Place, context: Context, facts: Facts) -> Mark:
    """With --near: 10 km halves it (per participant with --objective total)."""
    km = facts.distance
    if km is None:
        return unsure(0.0, "distance unknown (no coordinates)")
    participants = len(context.meeting.near)
    half = DISTANCE_HALF_KM * (participants if context.total_distance else 1)
    value = half / (half + km)
    if context.total_distance and participants > 1:
        text = f"{km:.1f} km in all for {participants} participants"
    elif participants > 1:
        text = f"{km:.1f} km for the farthest participant"
    else:
        text = f"{km:.1f} km away"
    if facts.distance_approx:
        text = f"about {text} (from the town centre: no coordinates)"
    return either(value, text, raised=value >= 0.5)


def fit(place: Place, context: Context, facts: Facts) -> Mark:
    """How well the kind suits the party; a meeting room helps a group of 3 or more."""
    people = context.meeting.people
    room_seats = place.meeting_room_seats
    room_fits = place.amenities.get("meeting_room") is True and (
        room_seats is None or room_seats >= people
    )
    return _fit_mark(place.kind, people, room_fits)


@lru_cache(maxsize=256)  # a few kinds and party sizes for thousands of places
def _fit_mark(kind: Kind, people: int, room_fits: bool) -> Mark:
    column = 0 if people <= 1 else 1 if people == 2 else 2 if people <= 4 else 3
    value = FIT.get(kind, FIT[Kind.OTHER])[column if people <= 8 else 4]
    what = kind.value.replace("_", " ")
    if people >= 3 and room_fits and value < ROOM_FIT:
        value, what = ROOM_FIT, f"{what} with a meeting room"
    quality = "good" if value >= 0.8 else "fair" if value >= 0.5 else "poor"
    party = "1 person" if people == 1 else f"{people} people"
    return either(value, f"{quality} fit for {party} ({what})", raised=value >= 0.8)


def wishes(place: Place, context: Context, facts: Facts) -> Mark:
    """--prefer: the share of wishes the place is known to have."""
    wished = context.meeting.prefer
    raised, lowered, unknown, total = [], [], [], 0.0
    for wish in wished:
        has = place.has(wish)
        if has is True:
            total += 1.0
            raised.append(f"has {label(wish)} (preferred)")
        elif has is False:
            lowered.append(f"no {label(wish)} (preferred)")
        else:
            total += PREFER_UNKNOWN
            unknown.append(f"{label(wish)} unknown (preferred)")
    return Mark(total / len(wished), tuple(raised), tuple(lowered), tuple(unknown))


def rating(place: Place, context: Context, facts: Facts) -> Mark:
    """The user's visits: an average shrunk towards 3/5 as if one more visit said 3."""
    if not place.visits:
        return UNRATED
    ratings = [visit.rating for visit in place.visits if visit.rating is not None]
    if not ratings:
        return UNRATED
    average = sum(ratings) / len(ratings)
    shrunk = (sum(ratings) + RATING_PRIOR * RATING_PRIOR_VISITS) / (
        len(ratings) + RATING_PRIOR_VISITS
    )
    visits = "1 visit" if len(ratings) == 1 else f"{len(ratings)} visits"
    text = f"rated {number(average)}/5 over {visits}"
    return either(min(1.0, max(0.0, (shrunk - 1) / 4)), text, raised=average >= 3)


def wifi_speed(place: Place, context: Context, facts: Facts) -> Mark:
    """The measured wifi speed (the place's, or its visits')."""
    mbps = place.measured_wifi_mbps
    if mbps is None or not math.isfinite(mbps) or mbps < 0:
        return NOTHING if place.amenities.get("wifi") is False else UNMEASURED
    value = 1 - math.exp(-mbps / WIFI_SCALE_MBPS)
    return either(value, f"wifi measured at {number(mbps)} Mbps", raised=mbps >= 20)


def sockets(place: Place, context: Context, facts: Facts) -> Mark:
    """With --power: plenty of sockets above limited above ask the staff."""
    found = place.sockets
    if found is None or found not in SOCKETS:
        return UNKNOWN_SOCKETS
    if found is Sockets.PLENTY:
        return up(SOCKETS[found], "plenty of sockets")
    if found is Sockets.LIMITED:
        return down(SOCKETS[found], "few sockets")
    return down(SOCKETS[found], "sockets: ask the staff")


def freshness(place: Place, context: Context, facts: Facts) -> Mark:
    """Facts checked (or a visit) within two years: full; older or never: nothing."""
    checked = place.last_checked
    if checked is None:
        return NEVER_CHECKED
    if context.today is not None and context.today - checked > STALE_AFTER:
        return down(0.0, f"last checked {checked.year}")
    return FULL


UNKNOWN_SOCKETS = Mark(SOCKETS_UNKNOWN)
NEVER_CHECKED = Mark(0.0)  # unsaid: most imported places; ``stale`` lists them
UNRATED = Mark((RATING_PRIOR - 1) / 4)
UNMEASURED = Mark(WIFI_UNMEASURED)


def _always(meeting: Meeting) -> bool:
    return True


CRITERIA: Final[tuple[Criterion, ...]] = (
    Criterion(
        "requirements",
        requirements,
        lambda w, m: w.needs * len(m.needs),
        lambda m: bool(m.needs),
    ),
    Criterion("hours", hours_known, lambda w, m: w.needs, lambda m: m.start is not None),
    Criterion("distance", distance, lambda w, m: w.distance, lambda m: bool(m.near)),
    Criterion("fit", fit, lambda w, m: w.fit, _always),
    Criterion(
        "closing margin",
        closing_margin,
        lambda w, m: w.closing_margin,
        lambda m: m.start is not None,
    ),
    Criterion("wishes", wishes, lambda w, m: w.prefer, lambda m: bool(m.prefer)),
    Criterion("rating", rating, lambda w, m: w.rating, _always),
    Criterion("wifi speed", wifi_speed, lambda w, m: w.wifi, _always),
    Criterion("sockets", sockets, lambda w, m: w.sockets, lambda m: "power" in m.needs),
    Criterion("freshness", freshness, lambda w, m: w.freshness, _always),
)
