"""Opening hours: validation, a meeting window's verdict, and a week's hours for ``show``.

A thin layer over ``opening_hours`` (the PyPI package ``opening-hours-py``, OpenStreetMap
syntax), imported lazily so that importing this module stays cheap.

Times are naive local wall-clock times, each place's own: "10:00" means 10:00 where the
place is. Expressions are parsed with the place's country for public holidays ("PH off"
is closed on 25 December in France) and with ``auto_country=False`` and
``auto_timezone=False``, so the answer never depends on where the program runs. Only
expressions that use solar times (``sunrise``, ``sunset``, ``dawn``, ``dusk``) are given
the place's coordinates (rounded to 0.1 degree, see below) and then the time zone those
coordinates lie in (the country's only zone in the tz database, or the gazetteer's answer
when its index is built, else the library's own offline look-up, 0.2 s and 100 MB on
first use), so that sun times are right; naive times are still read as the place's local
time and answers are given back as naive local times. Without coordinates the library's
default sun times apply (sunrise 07:00, sunset 19:00).

A country the library has no holiday calendar for is treated as having no public holidays.
Parsed expressions are cached per (expression, country[, coordinates]): many places share
the same hours. The coordinates of solar expressions are rounded to 0.1 degree (a grid of
about 11 km: rounding moves a point by at most 0.05 degree, 5.6 km), for the cache key
and for the library alike, whoever passes them (``check``, ``check_window``, ``week``).
Sun times move by 4 minutes per degree of longitude, so by at most 12 seconds, and by
about as much with latitude at 45-50 degrees north (up to about 40 seconds at 60 degrees
in winter); the library gives them to the minute anyway. Without the rounding, each
place with solar hours would be a parse and a time zone look-up of its own; with it, a
town's places share one. Beyond the polar circles (midnight sun, polar night) the shift
can be larger; few places there open by the sun.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from nomadspot.errors import UsageError
from nomadspot.hourstext import FRENCH_FORMS, Reading, as_meant, condense, from_french
from nomadspot.zones import local_time, place_zone, zone_of

if TYPE_CHECKING:
    from opening_hours import OpeningHours

    from nomadspot.model import Place

__all__ = [
    "HOURS_UNKNOWN",
    "Reading",
    "WindowCheck",
    "WindowJudge",
    "as_meant",
    "check",
    "check_window",
    "from_french",
    "from_user",
    "parses",
    "place_zone",
    "validate",
    "week",
]

HOURS_UNKNOWN = "hours unknown"
MAX_EXPRESSION_LENGTH = 2_000  # longer values are refused: no real place needs more
_MAX_CACHED = 10_000
_SOLAR = re.compile(r"sunrise|sunset|dawn|dusk")  # searched in case-folded text
_SUN_DECIMALS = 1  # coordinates for sun times: 0.1 degree (see the module docstring)
_DAY = dt.timedelta(days=1)
_MIDNIGHT = dt.time(0)
_MINUTE = dt.timedelta(minutes=1)
_ALWAYS_RAISE = (KeyboardInterrupt, SystemExit, GeneratorExit)

State = Literal["open", "closed", "unknown"]
Coords = tuple[float, float]
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class WindowCheck:
    """The verdict of a place's hours on a meeting window ``[start, end)``.

    ``state``: "open" when open for the whole window; "closed" when closed at any moment of
    it; otherwise "unknown" (no parsable hours, or hours that say unknown).
    ``text``: what a table shows: "open 08:30–18:00", "open 24 hours", "closed at 18:00"
    (the first closed moment of the window), "hours unknown".
    ``closes_at``: when open, the end of the opening that holds the window (None when it
    does not close within a day after the meeting); when closed, the first closed moment.
    ``minutes_to_close_after_end``: when open and ``closes_at`` is known, the minutes
    between the end of the meeting and closing time.
    ``by_appointment``: unknown because the rules that hold the window only say a comment
    (``Mo-Fr "sur rendez-vous"``); ``text`` then reads "by appointment (sur rendez-vous)".
    """

    state: State
    text: str
    closes_at: dt.datetime | None = None
    minutes_to_close_after_end: float | None = None
    by_appointment: bool = False


UNKNOWN = WindowCheck("unknown", HOURS_UNKNOWN)


# --- validation ------------------------------------------------------------------------


def _guard(call: Callable[[], _T]) -> _T | None:
    """Run a call into the Rust library; None when it raises anything, a panic included
    (pyo3's PanicException derives from BaseException)."""
    try:
        return call()
    except BaseException as error:
        if isinstance(error, _ALWAYS_RAISE):
            raise
        return None


def validate(expression: str) -> str | None:
    """None when ``expression`` is valid OpenStreetMap opening_hours (read as meant,
    ``as_meant``), else why, in one line."""
    if not expression.strip():
        return "empty"
    if len(expression) > MAX_EXPRESSION_LENGTH:
        return f"longer than {MAX_EXPRESSION_LENGTH} characters"
    if "\n" in expression or "\r" in expression:
        return "must be on one line"
    import opening_hours

    try:
        meant = as_meant(expression).expression
        opening_hours.OpeningHours(meant, auto_country=False, auto_timezone=False)
    except BaseException as error:
        if isinstance(error, _ALWAYS_RAISE):
            raise
        parser_error: type[BaseException] = getattr(opening_hours, "ParserError", Exception)
        if isinstance(error, parser_error):  # the stub does not declare it
            return condense(str(error), meant)
        return "not OpenStreetMap opening_hours syntax"
    return None


def from_user(text: str) -> str:
    """What to store for hours a person typed (``add``/``edit --hours``): OpenStreetMap
    syntax read as meant (``Mo, Th 11:30-22:00`` stored ``Mo,Th 11:30-22:00``), or the
    French form made OpenStreetMap (``lun-ven 8h-19h`` stored ``Mo-Fr 08:00-19:00``).
    Raises ``UsageError`` (exit 2) saying why the OpenStreetMap reading failed."""

    problem = validate(text)
    if problem is None:
        return as_meant(text).tidied
    try:
        french = from_french(text)
    except UsageError:
        french = None
    if french is not None and validate(french) is None:
        return french
    raise UsageError(
        f"invalid opening_hours {text!r}: {problem}",
        hint='use the OpenStreetMap syntax, e.g. "Mo-Fr 08:30-18:00; Sa 10:00-13:00; PH off", '
        f"or the French form: {FRENCH_FORMS}",
    )


# --- parsing, cached ---------------------------------------------------------------------


def parses(expression: str) -> bool:
    """Whether ``expression`` parses (cached; ``validate`` says why not)."""
    return _parse(expression, None, None) is not None


_parsed: dict[tuple[str, str | None, Coords | None], OpeningHours | None] = {}


def _needs_coords(expression: str) -> bool:
    return _SOLAR.search(expression.casefold()) is not None


def _parse(expression: str, country: str | None, coords: Coords | None) -> OpeningHours | None:
    """The parsed expression, read as meant (``as_meant``), or None when it does not
    parse. ``coords`` only matter for
    solar times and are dropped otherwise (so the cache is shared); for solar times they
    are rounded to ``_SUN_DECIMALS``, in the cache key and for the library."""
    coords = _solar_coords(expression, coords)
    country = country.upper() if country else None
    key = (expression, country, coords)
    if key in _parsed:  # rather than catching KeyError, which makes each new key slower
        return _parsed[key]
    parsed = _build(as_meant(expression).expression, country, coords)
    if len(_parsed) >= _MAX_CACHED:
        _parsed.clear()
    _parsed[key] = parsed
    return parsed


def _build(expression: str, country: str | None, coords: Coords | None) -> OpeningHours | None:
    """The parsed expression, with fallbacks for a country the library does not know (no
    holidays then) and coordinates it refuses (default sun times then)."""
    if len(expression) > MAX_EXPRESSION_LENGTH or not expression.strip():
        return None
    import opening_hours

    if coords is None:  # the common case, in one call: no sun times, a country it knows
        try:
            return opening_hours.OpeningHours(
                expression, country=country, auto_country=False, auto_timezone=False
            )
        except BaseException as error:
            if isinstance(error, _ALWAYS_RAISE):
                raise

    def make(country: str | None, coords: Coords | None) -> OpeningHours:
        if coords is None:
            return opening_hours.OpeningHours(
                expression, country=country, auto_country=False, auto_timezone=False
            )
        # The library only applies coordinates to sun times with auto_timezone; its own
        # time zone look-up costs ~170 ms and ~100 MB on first use, so the zone is given
        # whenever ``zone_of`` knows it (the library then skips its own).
        zone = zone_of(country, coords)
        if zone is not None:
            return opening_hours.OpeningHours(
                expression,
                timezone=zone,
                country=country,
                coords=coords,
                auto_country=False,
                auto_timezone=True,
            )
        return opening_hours.OpeningHours(
            expression, country=country, coords=coords, auto_country=False, auto_timezone=True
        )

    attempts = dict.fromkeys(((country, coords), (None, coords), (country, None), (None, None)))
    for index, (attempt_country, attempt_coords) in enumerate(attempts):
        if index or coords is not None:  # without coordinates, the first one failed above
            built = _guard(partial(make, attempt_country, attempt_coords))
            if built is not None:
                return built
        if _guard(partial(opening_hours.validate, expression)) is not True:
            return None  # a syntax error: no fallback will help
    return None


def _solar_coords(expression: str, coords: Coords | None) -> Coords | None:
    """The coordinates that matter to ``expression``: none unless it uses sun times, and
    then rounded to 0.1 degree so that the places of a town share one parsed expression
    (sun times move by well under a minute); None when out of range (NaN included)."""
    if coords is None or not _needs_coords(expression):
        return None
    lat, lon = coords
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return (round(lat, _SUN_DECIMALS), round(lon, _SUN_DECIMALS))


def _state_name(state: Any) -> State:
    """The library's state (``State.OPEN``) by its name: "open", "closed", anything else
    "unknown"."""
    name = str(state).rsplit(".", 1)[-1].lower()
    return "open" if name == "open" else "closed" if name == "closed" else "unknown"


Interval = tuple[dt.datetime, dt.datetime, State, str]


def _intervals(parsed: OpeningHours, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    """Successive intervals of constant state covering ``[start, end)``, naive local times,
    neighbours of the same state and comment merged.

    Asked one calendar day at a time: the library (2.1) gets intervals that cross midnight
    wrong for expressions with a fallback rule (``Mo-Fr 08:30-18:00 || unknown`` comes out
    closed all Tuesday when asked from Monday), and right when asked per day."""
    merged: list[Interval] = []
    cursor = start
    while cursor < end:
        midnight = dt.datetime.combine(cursor.date(), _MIDNIGHT) + _DAY
        stop = min(midnight, end)
        for begin, finish, state, comment in parsed.intervals(cursor, stop):
            item: Interval = (  # naive already, unless given a time zone (sun times)
                begin if begin.tzinfo is None else begin.replace(tzinfo=None),
                finish if finish.tzinfo is None else finish.replace(tzinfo=None),
                _state_name(state),
                comment or "",
            )
            if merged:
                last = merged[-1]
                if last[1] == item[0] and last[2] == item[2] and last[3] == item[3]:
                    merged[-1] = (last[0], item[1], item[2], item[3])
                    continue
            merged.append(item)
        cursor = stop
    return merged


# --- a meeting window ------------------------------------------------------------------


def _clock(moment: dt.datetime, day: dt.date) -> str:
    """HH:MM, with midnight ending ``day`` written 24:00."""
    if moment.time() == _MIDNIGHT and moment.date() == day + _DAY:
        return "24:00"
    return f"{moment:%H:%M}"


def _with_comments(text: str, comments: list[str]) -> str:
    if not any(comments):  # the common case
        return text
    found = [" ".join(comment.split()) for comment in dict.fromkeys(comments) if comment.strip()]
    return f"{text} ({'; '.join(found)})" if found else text


def check(
    expression: str | None,
    country: str | None,
    start: dt.datetime,
    end: dt.datetime,
    coords: Coords | None = None,
    zone: dt.tzinfo | None = None,
) -> WindowCheck:
    """The verdict of ``expression`` on the window ``[start, end)``: naive datetimes are
    the place's wall-clock times; aware ones are instants, converted to ``zone`` (the
    place's time zone) when given, else read on their own clock.

    Open only when open for the whole window; closed when closed at any moment of it;
    otherwise unknown. ``None`` or an expression that does not parse is unknown."""
    if not expression:
        return UNKNOWN
    coords = _solar_coords(expression, coords)  # so that nearby places share the cache
    country = country.upper() if country else None
    start, end = local_time(start, zone), local_time(end, zone)
    return _check_cached(expression, country, coords, start, end)


@lru_cache(maxsize=8192)
def _check_cached(
    expression: str,
    country: str | None,
    coords: Coords | None,
    start: dt.datetime,
    end: dt.datetime,
) -> WindowCheck:
    parsed = _parse(expression, country, coords)
    if parsed is None:
        return UNKNOWN
    appointments = frozenset(as_meant(expression).appointments)
    result = _guard(lambda: _evaluate(parsed, start, end, appointments))
    return UNKNOWN if result is None else result


def _unknown(comments: list[str], appointments: frozenset[str]) -> WindowCheck:
    """Unknown hours, said "by appointment" when the rules that hold the window say only a
    comment."""
    if appointments and all(comment in appointments for comment in comments):
        return WindowCheck(
            "unknown", _with_comments("by appointment", comments), by_appointment=True
        )
    return WindowCheck("unknown", _with_comments(HOURS_UNKNOWN, comments))


def _evaluate(
    parsed: OpeningHours,
    start: dt.datetime,
    end: dt.datetime,
    appointments: frozenset[str] = frozenset(),
) -> WindowCheck:
    """The verdict on ``[start, end)``, from the window's own calendar days first: they
    decide a closed or unknown window. Only an open one needs the day before and the day
    after, where the opening that holds it may begin or end, and only when that opening
    reaches the edge of the days asked. The library is asked the same days either way."""
    real_end = end
    if end <= start:  # an instant: judge the minute that starts there
        end = start + _MINUTE
    day0 = dt.datetime.combine(start.date(), _MIDNIGHT)
    horizon_start, horizon_end = day0 - _DAY, end + _DAY
    if horizon_end.date() == dt.date.max and horizon_end.time() != _MIDNIGHT:
        return UNKNOWN  # no midnight after the horizon: unknown, as asking it all used to be
    days_end = dt.datetime.combine(end.date(), _MIDNIGHT)
    if days_end < end:
        days_end += _DAY
    spans = _intervals(parsed, day0, days_end)
    inside = [
        index for index, (begin, finish, _, _) in enumerate(spans) if finish > start and begin < end
    ]
    if not inside:
        return UNKNOWN
    for index in inside:
        begin, _, state, _ = spans[index]
        if state == "closed":
            moment = max(begin, start)
            return WindowCheck("closed", f"closed at {moment:%H:%M}", moment, None)
    unknown = [spans[index] for index in inside if spans[index][2] == "unknown"]
    if unknown:
        return _unknown([u[3] for u in unknown], appointments)
    # Open all along: the opening that holds the window, across comment changes.
    comments = [spans[index][3] for index in inside]
    last = _run_end(spans, inside[-1])
    if last == len(spans) - 1:
        spans = _joined(spans, _intervals(parsed, days_end, horizon_end))
        last = _run_end(spans, last)
    first = _run_start(spans, inside[0])
    if first == 0:
        count = len(spans)
        spans = _joined(_intervals(parsed, horizon_start, day0), spans)
        shift = len(spans) - count  # the indices move by the intervals put in front
        first, last = _run_start(spans, first + shift), last + shift
    opens, closes = spans[first][0], spans[last][1]
    if closes >= horizon_end:
        closes_at: dt.datetime | None = None
        margin: float | None = None
    else:
        closes_at = closes
        margin = (closes - real_end).total_seconds() / 60
    if closes - opens >= _DAY:
        text = "open 24 hours"
    else:
        text = f"open {opens:%H:%M}–{_clock(closes, opens.date())}"
    return WindowCheck("open", _with_comments(text, comments), closes_at, margin)


def _run_start(spans: list[Interval], index: int) -> int:
    """The first of the open intervals that run without a gap up to ``spans[index]``."""
    while index > 0 and spans[index - 1][2] == "open" and spans[index - 1][1] == spans[index][0]:
        index -= 1
    return index


def _run_end(spans: list[Interval], index: int) -> int:
    """The last of the open intervals that run without a gap on from ``spans[index]``."""
    while (
        index + 1 < len(spans)
        and spans[index + 1][2] == "open"
        and spans[index][1] == spans[index + 1][0]
    ):
        index += 1
    return index


def _joined(before: list[Interval], after: list[Interval]) -> list[Interval]:
    """``_intervals`` of two successive ranges as if asked at once: the two intervals that
    meet are merged when they have the same state and comment."""
    if before and after:
        last, first = before[-1], after[0]
        if last[1] == first[0] and last[2:] == first[2:]:
            return [*before[:-1], (last[0], first[1], first[2], first[3]), *after[1:]]
    return before + after


def check_window(place: Place, start: dt.datetime, end: dt.datetime) -> WindowCheck:
    """``check`` with the place's hours, country (default FR), coordinates and, for an
    instant (aware datetimes), time zone."""
    if not place.opening_hours:
        return UNKNOWN
    zone = place_zone(place) if start.tzinfo is not None else None
    return check(place.opening_hours, place.country_or_default, start, end, place.coordinates, zone)


class WindowJudge:
    """``check_window`` for many places and one window, as ``find`` asks it: the verdict
    on an expression without sun times depends only on the expression and the country
    (and, for an instant, the place's time zone), so places that share them share one
    look-up."""

    __slots__ = ("_seen", "end", "start")

    def __init__(self, start: dt.datetime, end: dt.datetime) -> None:
        self.start, self.end = start, end
        self._seen: dict[tuple[str, str | None, object], WindowCheck] = {}

    def __call__(self, place: Place) -> WindowCheck:
        expression = place.opening_hours
        if not expression:
            return UNKNOWN
        zone = place_zone(place) if self.start.tzinfo is not None else None
        key = (expression, place.country, zone)
        found = self._seen.get(key)
        if found is None:
            found = check_window(place, self.start, self.end)
            if not _needs_coords(expression):  # else the place's coordinates count too
                self._seen[key] = found
        return found


# --- a week, for ``show`` ------------------------------------------------------------------


def _is_holiday(country: str | None, day: dt.date) -> bool:
    if not country:
        return False
    holidays = _parse("PH", country, None)
    if holidays is None:
        return False
    noon = dt.datetime.combine(day, dt.time(12))
    state = _guard(lambda: _state_name(holidays.state(noon)[0]))
    return state == "open"


def _day_text(parsed: OpeningHours, day: dt.date, appointments: frozenset[str]) -> str:
    begin = dt.datetime.combine(day, dt.time(0))
    spans = _intervals(parsed, begin, begin + _DAY)
    if len(spans) == 1 and spans[0][2] == "open":
        return _with_comments("open 24 hours", [spans[0][3]])
    if len(spans) == 1 and spans[0][2] == "unknown":
        what = "by appointment" if spans[0][3] in appointments else "unknown"
        return _with_comments(what, [spans[0][3]])
    parts = []
    for opens, closes, state, comment in spans:
        if state == "closed":
            continue
        hours = f"{opens:%H:%M}–{_clock(closes, day)}"
        if state == "unknown":
            hours = "unknown " + hours
        parts.append(_with_comments(hours, [comment]))
    return ", ".join(parts) if parts else "closed"


def place_week(place: Place, start: dt.date) -> list[tuple[dt.date, str]]:
    """``week`` for a place: its hours, country and (for sun times) coordinates."""
    if not place.opening_hours:
        return []
    return week(place.opening_hours, place.country_or_default, start, place.coordinates)


def week(
    expression: str, country: str | None, start: dt.date, coords: Coords | None = None
) -> list[tuple[dt.date, str]]:
    """The hours of the seven days from ``start``: ``"08:30–18:00"``, ``"closed"``,
    ``"08:00–12:00, 14:00–18:00"``, ``"open 24 hours"``, ``"unknown"``, with public holidays
    of ``country`` applied and marked ``" (public holiday)"``. An expression that does not
    parse gives ``"hours unknown (does not parse)"`` each day; a comment-only rule gives
    ``"by appointment (...)"``."""
    country = country.upper() if country else None
    parsed = _parse(expression, country, coords)
    appointments = frozenset(as_meant(expression).appointments)
    days = [start + dt.timedelta(days=offset) for offset in range(7)]
    found: list[tuple[dt.date, str]] = []
    for day in days:
        text = None
        if parsed is not None:
            text = _guard(partial(_day_text, parsed, day, appointments))
        if text is None:
            text = HOURS_UNKNOWN + (" (does not parse)" if parsed is None else "")
        if _is_holiday(country, day):
            text += " (public holiday)"
        found.append((day, text))
    return found
