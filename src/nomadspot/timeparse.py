"""Meeting times as people type them: ``find --at WHEN`` and ``--for DURATION``.

Times are naive wall-clock times: the meeting happens at 10:00 in the place's own local
time, whatever the time zone of the person typing. ``now`` is passed in (tests and
``NOMADSPOT_NOW`` fix it), and the result is naive too.

WHEN, case- and accent-insensitive, English or French:

- a date and a time: ``2026-11-25 10:00``, ``2026-11-25 10h30``, ISO 8601
  ``2026-11-25T10:00`` or ``2026-11-25T10:00:00``. A ``Z`` or ``+01:00`` offset is
  ignored: the time is taken as written, as a wall-clock time (a meeting at 10:00 is at
  10:00 on the clock of the place). A date alone is an error: a meeting needs a time.
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

DURATION: ``90m``, ``90min``, ``90 minutes``, ``1h30``, ``1h30m``, ``2h``, ``2 heures``,
``1.5h`` (or ``1,5h``), ``1:30``, ``1d``, ISO 8601 ``PT1H30M``. More than zero and at most
seven days. A bare number (``45``) is an error: minutes or hours?
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from nomadspot.errors import UsageError

WHEN_FORMS = (
    "'2026-11-25 10:00', ISO 8601 '2026-11-25T10:00', '10:00', '10h', '10h30', '2pm', "
    "'now', 'today 14:00', 'tomorrow 9h', 'demain 9h', or a weekday and a time "
    "('tue 14:00', 'mardi 14h')"
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
    """The meeting start that ``text`` means, as a naive wall-clock datetime (see the
    module docstring for the forms). Raises ``UsageError`` (exit 2)."""
    words = _normal(text)
    if not words:
        raise _when_error(text)
    if words in _NOW:
        return now
    date_match = _DATE.match(words)
    if date_match:
        return _on_date(text, words, date_match)
    clock = _clock(words)
    if clock is not None:
        return _at(now.date(), clock)
    for pattern in (_DAY_THEN_TIME, _TIME_THEN_DAY):
        match = pattern.match(words)
        if match:
            day = _day(match.group("day"))
            clock = _clock(match.group("time"))
            if day is not None and clock is not None:
                return _next(day, clock, now)
    if _day(words) is not None:
        raise _when_error(text, f"it needs a time of day too, e.g. '{words} 14:00'")
    raise _when_error(text)


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
    clock = _clock(_OFFSET.sub("", spoken.strip()).strip())
    if clock is None:
        raise _when_error(text)
    try:
        day = dt.date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError as error:
        raise _when_error(text, f"not a date: {error}") from error
    return _at(day, clock)


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


# --------------------------------------------------------------------------- days

DAY_FORMS = "'2026-11-20', '20/11/2026', 'today'/'aujourd'hui' or 'yesterday'/'hier'"
_DAY_WORDS = {"today": 0, "aujourd'hui": 0, "aujourdhui": 0, "yesterday": 1, "hier": 1}
_DAY_WORDS |= {"tomorrow": -1, "demain": -1}  # read, then refused as the future
_SLASHED_DAY = re.compile(r"^(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>\d{4})$")


def parse_day(text: str, today: dt.date) -> dt.date:
    """A past day as people type it (a visit, when facts were checked): ``2026-11-20``,
    ``20/11/2026`` (day first, as in French), ``today``/``aujourd'hui``,
    ``yesterday``/``hier``. A day after ``today`` is refused (``UsageError``, exit 2)."""
    words = _normal(text)
    back = _DAY_WORDS.get(words)
    slashed = _SLASHED_DAY.match(words)
    try:
        if back is not None:
            day = today - dt.timedelta(days=back)
        elif slashed is not None:
            day = dt.date(int(slashed["y"]), int(slashed["m"]), int(slashed["d"]))
        else:
            day = dt.date.fromisoformat(words)
    except ValueError as error:
        raise UsageError(f"cannot read {text!r} as a day; use {DAY_FORMS}") from error
    if day > today:
        raise UsageError(f"{text!r} is in the future (today is {today.isoformat()})")
    return day
