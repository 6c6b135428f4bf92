"""Meeting times as people type them: ``find --at WHEN`` and ``--for DURATION``.

A meeting time is either a wall-clock time (a naive datetime: 10:00 in each place's own
local time, whatever the time zone of the person typing) or an instant (an aware datetime,
judged in each place at its local time then): ``now``, and a date-time with an offset.
``now`` is passed in (``clock.now()``, an instant; tests and ``NOMADSPOT_NOW`` fix it).
"Today", "tomorrow", a weekday and a date without a year are counted on the user's own
clock (the date ``now`` has where the user is).

WHEN, case- and accent-insensitive, English or French:

- a date and a time: ``2026-11-25 10:00``, ``2026-11-25 10h30``, ISO 8601
  ``2026-11-25T10:00`` or ``2026-11-25T10:00:00``: a wall-clock time. With a ``Z``,
  ``UTC`` or ``+01:00`` offset it is an instant. A date alone is an error: a meeting
  needs a time.
- French dates, day first: ``1/12 10h``, ``01/12/2026 10:00``, ``1er décembre 10h``,
  ``1 déc 10h``, ``1 décembre 2026 à 10h``, and English ``1 dec 10:00``. Without a year,
  the next such moment (this year, or next year once it has passed).
- a time of day alone: ``10:00``, ``10h``, ``10h30``, ``9h``, ``2pm``, ``2:30 pm``,
  ``noon``/``midi``, ``midnight``/``minuit``: today at that time, even when that time has
  already passed today (``--at 8:00`` at 9:00 asks about this morning; say
  ``tomorrow 8:00`` for tomorrow).
- ``now``/``maintenant``: this moment.
- a day and a time, in either order, with an optional ``at``/``à``: ``today 14:00``,
  ``aujourd'hui 14h``, ``tomorrow 9h``, ``demain 9h``, ``après-demain 10h``,
  ``demain à 9h``, ``14h demain``.
- a weekday, full or short, and a time: ``tue 14:00``, ``tuesday 2pm``, ``mardi 14h``,
  ``mar 14h``, ``dimanche 10h``: the next such moment, within the coming seven days. On a
  Tuesday at 09:00, ``mardi 14h`` is today at 14:00 and ``mardi 8h`` is next week's
  Tuesday. A day or weekday without a time is an error (which time would it be?).
- ``mardi prochain 10h``, ``next tuesday 10h``: the Tuesday of next week (the week that
  starts next Monday), never this week's: said on Monday 23 November, Tuesday
  1 December, not the next day.

DURATION: ``90m``, ``90min``, ``90 minutes``, ``1h30``, ``1h30m``, ``2h``, ``2 heures``,
``1.5h`` (or ``1,5h``), ``1:30``, ``1d``, ISO 8601 ``PT1H30M``. More than zero and at most
seven days. A bare number (``45``) is an error: minutes or hours?
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from nomadspot.errors import UsageError

DAY_FORMS = "'2026-11-20', '20/11/2026', '20/11', 'today'/'aujourd'hui', 'yesterday'/'hier'"

WHEN_FORMS = (
    "'2026-11-25 10:00', ISO 8601 '2026-11-25T10:00', '10:00', '10h', '10h30', '2pm', "
    "'now', 'today 14:00', 'tomorrow 9h', 'demain 9h', a weekday and a time "
    "('tue 14:00', 'mardi 14h', 'mardi prochain 10h'), or a French date and a time "
    "('1/12 10h', '01/12/2026 10:00', '1er décembre 10h')"
)
DURATION_FORMS = "'90m', '90min', '1h30', '2h', '1:30' or '1.5h', up to 7 days"

MAX_DURATION = dt.timedelta(days=7)

_NOW = frozenset({"now", "right now", "maintenant"})
_DAYS_FROM_TODAY = {
    "today": 0,
    "aujourd'hui": 0,
    "aujourdhui": 0,
    "auj": 0,
    "tomorrow": 1,
    "tmrw": 1,
    "demain": 1,
    "after tomorrow": 2,
    "day after tomorrow": 2,
    "the day after tomorrow": 2,
    "apres-demain": 2,
    "apres demain": 2,
    "apresdemain": 2,
}
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon", "lundi", "lun"),
            ("tuesday", "tue", "tues", "mardi", "mar"),
            ("wednesday", "wed", "mercredi", "mer"),
            ("thursday", "thu", "thur", "thurs", "jeudi", "jeu"),
            ("friday", "fri", "vendredi", "ven"),
            ("saturday", "sat", "samedi", "sam"),
            ("sunday", "sun", "dimanche", "dim"),
        )
    )
    for name in names
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("janvier", "janv", "january", "jan"),
            ("fevrier", "fevr", "fev", "february", "feb"),
            ("mars", "march", "mar"),
            ("avril", "avr", "april", "apr"),
            ("mai", "may"),
            ("juin", "june", "jun"),
            ("juillet", "juil", "july", "jul"),
            ("aout", "august", "aug"),
            ("septembre", "sept", "september", "sep"),
            ("octobre", "october", "oct"),
            ("novembre", "november", "nov"),
            ("decembre", "december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_YESTERDAY = {"yesterday": 1, "hier": 1, "avant-hier": 2, "avant hier": 2}
_NAMED_TIMES = {
    "noon": (12, 0),
    "midday": (12, 0),
    "midi": (12, 0),
    "midnight": (0, 0),
    "minuit": (0, 0),
}

_DAY_WORD = r"(?P<day>[a-z][a-z' -]*?)\.?"
_CONNECTOR = r"(?:\s+(?:at|a|@))?"
_DAY_THEN_TIME = re.compile(rf"^{_DAY_WORD}{_CONNECTOR}\s+(?P<time>\d.*|[a-z]+)$")
_TIME_THEN_DAY = re.compile(rf"^(?P<time>\d\S*(?:\s*[ap]\.?m\.?)?)\s+{_DAY_WORD}$")
_AT = r"(?:\s+(?:at|a|@))?"
_NUMERIC_DATE = re.compile(
    rf"^(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})(?:/(?P<y>\d{{4}}))?(?:{_AT}\s+(?P<time>.+))?$"
)
_NAMED_DATE = re.compile(
    r"^(?:le\s+)?(?P<d>\d{1,2})(?:er|st|nd|rd|th)?\s+(?P<month>[a-z]+)\.?(?:\s+(?P<y>\d{4}))?"
    rf"(?:{_AT}\s+(?P<time>.+))?$"
)
_NEXT_WEEKDAY = re.compile(
    rf"^(?:next\s+(?P<en>[a-z]+)|(?P<fr>[a-z]+)\s+prochain)\.?(?:{_AT}\s+(?P<time>.+))?$"
)
_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:(?:t|\s+)(?P<time>.+))?$")
_OFFSET = re.compile(r"(?<=\d)\s*(?:z|utc|[+-]\d{2}(?::?\d{2})?)$")
_CLOCK_24 = re.compile(r"^(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d{1,6})?)?$")
_CLOCK_H = re.compile(r"^(?P<h>\d{1,2})\s*h\s*(?P<m>\d{2})?(?:\s*m(?:in)?)?$")
_CLOCK_12 = re.compile(r"^(?P<h>\d{1,2})(?:[:h](?P<m>\d{2}))?\s*(?P<half>[ap])\.?\s*m\.?$")

_DURATION = re.compile(
    r"^(?:(?P<d>\d+(?:\.\d+)?)(?:d|days?|j|jours?))?"
    r"(?:(?P<h>\d+(?:\.\d+)?)(?:h|hrs?|hours?|heures?))?"
    r"(?:(?P<m>\d+(?:\.\d+)?)(?P<unit>m|mins?|minutes?|mn))?"
    r"(?P<rest>\d{1,2})?$"
)
_DURATION_CLOCK = re.compile(r"^(?P<h>\d{1,3}):(?P<m>\d{2})(?::(?P<s>\d{2}))?$")
_DURATION_ISO = re.compile(
    r"^p(?:(?P<d>\d+)d)?(?:t(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?)?$"
)


def parse_when(text: str, now: dt.datetime) -> dt.datetime:
    """The meeting start that ``text`` means: a naive wall-clock datetime, or an aware
    instant for ``now`` and an offset (see the module docstring for the forms). ``now``
    may be aware (an instant) or naive. Raises ``UsageError`` (exit 2), also for a date
    beyond what a datetime holds (``demain`` on 31 December 9999)."""
    words = _normal(text)
    if not words:
        raise _when_error(text)
    if words in _NOW:
        return now
    try:
        return _when(text, words, now.replace(tzinfo=None))
    except OverflowError as error:
        raise _when_error(text, "that is beyond the year 9999") from error


def _when(text: str, words: str, wall: dt.datetime) -> dt.datetime:
    """``parse_when`` for everything but ``now``, with ``wall`` the user's clock."""
    date_match = _DATE.match(words)
    if date_match:
        return _on_date(text, words, date_match)
    french = _NUMERIC_DATE.match(words) or _NAMED_DATE.match(words)
    if french and _month(french) is not None:  # not '2 pm'
        return _on_french_date(text, words, french, wall)
    clock = _clock(words)
    if clock is not None:
        return _at(wall.date(), clock)
    match = _NEXT_WEEKDAY.match(words)
    if match and (match.group("en") or match.group("fr")) in _WEEKDAYS:
        clock = _clock(match.group("time") or "")
        if clock is None:
            raise _when_error(text, f"it needs a time of day too, e.g. '{words} 14:00'")
        return _next_week(_WEEKDAYS[match.group("en") or match.group("fr")], clock, wall)
    for pattern in (_DAY_THEN_TIME, _TIME_THEN_DAY):
        match = pattern.match(words)
        if match:
            day = _day(match.group("day"))
            clock = _clock(match.group("time"))
            if day is not None and clock is not None:
                return _next(day, clock, wall)
    if _day(words) is not None:
        raise _when_error(text, f"it needs a time of day too, e.g. '{words} 14:00'")
    raise _when_error(text)


def parse_day(text: str, today: dt.date) -> dt.date:
    """The day ``text`` names, for a visit or a fact checked: ISO ``2026-11-20``,
    ``20/11/2026``, ``20/11`` (the latest such day, this year or last), ``today``/
    ``aujourd'hui``, ``yesterday``/``hier``, ``avant-hier``, ``1er décembre 2026``. A day
    after ``today`` is refused. Raises ``UsageError`` (exit 2)."""
    words = _normal(text)
    try:
        day = _day_of(words, today)
    except (ValueError, OverflowError) as error:
        raise _day_error(text, str(error)) from error
    if day is None:
        raise _day_error(text)
    if day > today:
        raise _day_error(text, f"{day.isoformat()} is in the future")
    return day


def window_warning(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> str | None:
    """A warning when the window ``[start, end)`` is already over at ``now``, else None.
    A wall-clock window is compared with the user's own clock (``now`` read where the
    user is); an instant window with the instant."""
    if (start.tzinfo is None) != (end.tzinfo is None):
        return None
    if start.tzinfo is None:
        over = end <= now.replace(tzinfo=None)
    else:
        over = end <= now if now.tzinfo is not None else False
    if not over:
        return None
    return (
        f"warning: the meeting window {start:%Y-%m-%d %H:%M}–{end:%H:%M} is already over; "
        "give a later time (e.g. 'tomorrow 10:00') to plan ahead"
    )


def parse_duration(text: str) -> dt.timedelta:
    """The meeting length that ``text`` means (see the module docstring for the forms).
    Raises ``UsageError`` (exit 2)."""
    compact = "".join(_normal(text).split()).replace(",", ".")
    duration = _duration(compact)
    if duration is None:
        if compact.isdigit():
            raise _duration_error(text, f"minutes or hours? write '{compact}m' or '{compact}h'")
        raise _duration_error(text)
    if duration <= dt.timedelta(0):
        raise _duration_error(text, "a meeting lasts more than zero minutes")
    if duration > MAX_DURATION:
        raise _duration_error(text, "that is more than 7 days")
    return duration


# --------------------------------------------------------------------------- helpers


def _normal(text: str) -> str:
    """Casefolded, without accents, one space between words, one kind of apostrophe."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("\u2019", "'").replace("\u2018", "'").split())


def _when_error(text: str, why: str | None = None) -> UsageError:
    """One line: the input, quoted, what is wrong, and the accepted forms."""
    because = f" ({why})" if why else ""
    return UsageError(f"cannot read {text!r} as a meeting time{because}; use {WHEN_FORMS}")


def _day_error(text: str, why: str | None = None) -> UsageError:
    because = f" ({why})" if why else ""
    return UsageError(f"cannot read {text!r} as a day{because}; use {DAY_FORMS}")


def _day_of(words: str, today: dt.date) -> dt.date | None:
    """The day ``words`` names (see ``parse_day``), or None when it names none."""
    if words in _DAYS_FROM_TODAY:  # 'demain' reads, to be refused as in the future
        return today + dt.timedelta(days=_DAYS_FROM_TODAY[words])
    if words in _YESTERDAY:
        return today - dt.timedelta(days=_YESTERDAY[words])
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", words):
        return dt.date.fromisoformat(words)
    match = _NUMERIC_DATE.match(words) or _NAMED_DATE.match(words)
    if match is None or match.group("time"):
        return None
    month = _month(match)
    if month is None:
        return None
    if match.group("y"):
        return dt.date(int(match.group("y")), month, int(match.group("d")))
    day = dt.date(today.year, month, int(match.group("d")))
    return day if day <= today else day.replace(year=today.year - 1)


def _month(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    if groups.get("m") is not None:
        return int(groups["m"])
    return _MONTHS.get(groups.get("month") or "")


def _duration_error(text: str, why: str | None = None) -> UsageError:
    because = f" ({why})" if why else ""
    return UsageError(f"cannot read {text!r} as a duration{because}; use {DURATION_FORMS}")


def _clock(words: str) -> tuple[int, int, int] | None:
    """(hour, minute, second) of a time of day, or None."""
    named = _NAMED_TIMES.get(words)
    if named is not None:
        return named[0], named[1], 0
    match = _CLOCK_24.match(words) or _CLOCK_H.match(words)
    if match:
        hour, minute = int(match.group("h")), int(match.group("m") or 0)
        second = int(match.groupdict().get("s") or 0)
        if hour < 24 and minute < 60 and second < 60:
            return hour, minute, second
        return None
    match = _CLOCK_12.match(words)
    if match:
        hour, minute = int(match.group("h")), int(match.group("m") or 0)
        if not 1 <= hour <= 12 or minute >= 60:
            return None
        hour = hour % 12 + (12 if match.group("half") == "p" else 0)
        return hour, minute, 0
    return None


def _on_date(text: str, words: str, match: re.Match[str]) -> dt.datetime:
    spoken = match.group("time")
    if spoken is None:
        raise _when_error(text, f"it needs a time of day too, e.g. '{words} 10:00'")
    offset = _OFFSET.search(spoken.strip())
    clock = _clock(_OFFSET.sub("", spoken.strip()).strip())
    if clock is None:
        raise _when_error(text)
    try:
        day = dt.date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError as error:
        raise _when_error(text, f"not a date: {error}") from error
    moment = _at(day, clock)
    if offset is None:
        return moment
    zone = _zone(offset.group())
    if zone is None:
        raise _when_error(text, "an offset is at most 23:59")
    return moment.replace(tzinfo=zone)


def _zone(offset: str) -> dt.tzinfo | None:
    """``z``, ``utc``, ``+01``, ``+0100`` or ``+01:00`` as a fixed offset (None if too big)."""
    offset = offset.strip()
    if offset in ("z", "utc"):
        return dt.UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    delta = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
    return dt.timezone(sign * delta) if delta < dt.timedelta(hours=24) else None


def _on_french_date(text: str, words: str, match: re.Match[str], wall: dt.datetime) -> dt.datetime:
    """``1/12 10h``, ``01/12/2026 10:00``, ``1er decembre 10h``: the next such moment."""
    month = _month(match) or 0
    if match.group("time") is None:
        raise _when_error(text, f"it needs a time of day too, e.g. '{words} 10:00'")
    clock = _clock(match.group("time"))
    if clock is None:
        raise _when_error(text)
    year = int(match.group("y") or wall.year)
    try:
        moment = _at(dt.date(year, month, int(match.group("d"))), clock)
        if match.group("y") is None and moment < wall.replace(second=0, microsecond=0):
            moment = moment.replace(year=year + 1)
    except ValueError as error:
        raise _when_error(text, f"not a date: {error}") from error
    return moment


def _day(word: str) -> tuple[bool, int] | None:
    """(True, weekday number from Monday 0) or (False, days from today), or None."""
    word = word.strip().rstrip(".")
    if word in _WEEKDAYS:
        return True, _WEEKDAYS[word]
    if word in _DAYS_FROM_TODAY:
        return False, _DAYS_FROM_TODAY[word]
    return None


def _at(day: dt.date, clock: tuple[int, int, int]) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(*clock))


def _next(day: tuple[bool, int], clock: tuple[int, int, int], now: dt.datetime) -> dt.datetime:
    """Today/tomorrow at that time; or the next such weekday at that time, from the
    current minute on (so within the coming seven days)."""
    is_weekday, number = day
    if not is_weekday:
        return _at(now.date() + dt.timedelta(days=number), clock)
    start = _at(now.date() + dt.timedelta(days=(number - now.weekday()) % 7), clock)
    if start < now.replace(second=0, microsecond=0):
        start += dt.timedelta(days=7)
    return start


def _next_week(weekday: int, clock: tuple[int, int, int], now: dt.datetime) -> dt.datetime:
    """That weekday in the week that starts next Monday."""
    next_monday = now.date() + dt.timedelta(days=7 - now.weekday())
    return _at(next_monday + dt.timedelta(days=weekday), clock)


def _duration(compact: str) -> dt.timedelta | None:
    if not compact:
        return None
    match = _DURATION_CLOCK.match(compact)
    if match:
        mins, secs = int(match.group("m")), int(match.group("s") or 0)
        if mins >= 60 or secs >= 60:
            return None
        return _delta(hours=int(match.group("h")), minutes=mins, seconds=secs)
    match = _DURATION_ISO.match(compact)
    if match and compact not in ("p", "pt"):
        parts = {key: int(value or 0) for key, value in match.groupdict().items()}
        return _delta(days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"])
    match = _DURATION.match(compact)
    if not match:
        return None
    days, hours, minutes, rest = (match.group(key) for key in ("d", "h", "m", "rest"))
    if days is None and hours is None and minutes is None:
        return None  # a bare number, or nothing
    if rest is not None:  # "1h30": minutes after hours, without a unit
        if hours is None or minutes is not None or int(rest) >= 60:
            return None
        minutes = rest
    return _delta(days=float(days or 0), hours=float(hours or 0), minutes=float(minutes or 0))


def _delta(
    days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0
) -> dt.timedelta:
    """A timedelta; one beyond what timedelta holds counts as too long."""
    try:
        return dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        return MAX_DURATION * 2
