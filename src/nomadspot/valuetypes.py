"""The types of a place's values, for the field declaration (``nomadspot.fields``).

Each type knows five conversions: ``read`` (a TOML value, strictly: a wrong value is a
problem of the file), ``write`` (back to TOML), ``cell``/``prop`` (a CSV cell, a GeoJSON
property), ``take`` (an import file's value, leniently: what does not fit is left
unknown) and ``given`` (an option's text or a library caller's value). ``show`` is the
text ``show`` prints.

No typer, no rich, no I/O: the domain.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from enum import Enum
from typing import Any

from nomadspot.errors import UsageError
from nomadspot.model import NO_TIME_LIMIT

TAG_SEPARATOR = ";"

_SURROGATE = re.compile("[\ud800-\udfff]")
_COUNT_TEXT = re.compile(r"^\+?[0-9]{1,7}(?:\.0*)?$")


class FieldError(ValueError):
    """A value that does not fit its field; the message says why, without the field's name
    (the caller knows whether it is a key of a file or an option), unless ``whole``: then
    it names the value and stands alone (``unknown kind 'x'``)."""

    def __init__(self, message: str, *, whole: bool = False, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.whole = whole
        self.hint = hint


def type_name(value: object) -> str:
    return {
        str: "text",
        int: "an integer",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a table",
        dt.date: "a date",
        dt.datetime: "a date-time",
    }.get(type(value), type(value).__name__)


def clean_text(value: Any) -> str | None:
    """An import file's value as text: stripped, without NUL characters or lone
    surrogates (which cannot be written as UTF-8); numbers as written; None when empty."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value) if abs(value) < 10**18 else None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if not isinstance(value, str):
        return None
    text = value.replace("\x00", "") if "\x00" in value else value
    if not text.isascii() and _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return text.strip() or None


def loose_number(value: Any) -> float | None:
    """A number from an import file (``"47,2459"`` with a decimal comma reads); None when
    absent or unreadable. May be out of any range, nan or inf."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:
            return math.inf
    if not isinstance(value, str):
        return None
    text = value.strip().lstrip("'")
    if not text or len(text) > 40:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def number_text(value: float | int | None) -> str:
    """A number as a spreadsheet and ``float()`` both read it: ``40``, ``45.5257``; the
    shortest text that gives back the same float."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


class ValueType:
    """Text: the base of every type (a text cell, a text option)."""

    option_type: type = str  # what the command line parses the option as
    repeatable = False
    numeric = False  # CSV leaves numbers alone (``-1.5`` is no formula)
    hint = "text"

    def read(self, value: object) -> Any:
        if not isinstance(value, str):
            raise FieldError(f"must be text, not {type_name(value)}")
        return value

    def write(self, value: Any) -> Any:
        return value

    def prop(self, value: Any) -> Any:
        return None if value is None else self.write(value)

    def cell(self, value: Any) -> str:
        return "" if value is None else str(self.write(value))

    def take(self, value: Any) -> Any:
        text = clean_text(value)
        if text is None:
            return None
        try:
            return self.given(text)
        except FieldError:
            return None

    def given(self, value: Any, today: dt.date | None = None) -> Any:
        """From an option or a library call; text is stripped, empty text is None (it
        clears the field)."""
        if not isinstance(value, str):
            return self.read(value)
        return value.strip() or None

    def show(self, value: Any) -> str:
        return self.cell(value)


class Text(ValueType):
    def __init__(self, pattern: re.Pattern[str] | None = None, rule: str = "") -> None:
        self.pattern = pattern
        self.rule = rule

    def read(self, value: object) -> Any:
        text = super().read(value)
        if self.pattern is not None and not self.pattern.match(text):
            raise FieldError(f"{text!r} {self.rule}")
        return text

    def given(self, value: Any, today: dt.date | None = None) -> Any:
        text = super().given(value)
        return None if text is None else self.read(text)


class Code(Text):
    """A country or currency code: letters, stored upper-case."""

    def __init__(self, letters: int, rule: str) -> None:
        super().__init__(re.compile(rf"^[A-Z]{{{letters}}}$"), rule)
        self.loose = re.compile(rf"^[A-Za-z]{{{letters}}}$")

    def given(self, value: Any, today: dt.date | None = None) -> Any:
        text = ValueType.given(self, value)
        if text is not None and self.loose.match(text):
            text = text.upper()
        return None if text is None else self.read(text)


class Hours(Text):
    """OpenStreetMap opening_hours. Files may hold any text (``check`` reports it); what a
    person types must parse."""

    def given(self, value: Any, today: dt.date | None = None) -> Any:
        text = super().given(value)
        if text is None:
            return None
        from nomadspot.hours import from_user

        try:  # OpenStreetMap syntax read as meant, or the French form made OSM
            return from_user(text)
        except UsageError as error:
            raise FieldError(error.message, whole=True, hint=error.hint) from error


def _amount(text: str) -> float:
    """``amounts.parse_amount``, its error said as a field's."""
    from nomadspot.amounts import AMOUNT_FORMS, parse_amount

    try:
        return parse_amount(text)
    except UsageError as error:
        raise FieldError(f"must be an amount such as {AMOUNT_FORMS}, not {text!r}") from error


class Number(ValueType):
    option_type: type = float
    numeric = True
    hint = "a number"

    def __init__(
        self, low: float = 0.0, high: float = math.inf, *, amount: bool = False, whole: bool = True
    ) -> None:
        self.low = low
        self.high = high
        self.amount = amount  # "an amount between ...": prices
        self.whole = whole  # whole numbers written as integers
        if amount:  # typed as people type them ('40,5', '40 €'): see amounts.parse_amount
            self.option_type = str

    def read(self, value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FieldError(f"must be a number, not {type_name(value)}")
        return self.check(value)

    def check(self, value: float) -> float:
        if not math.isfinite(value) or not self.low <= value <= self.high:
            if math.isfinite(self.high):
                noun = "an amount " if self.amount else ""
                raise FieldError(f"must be {noun}between {self.low:g} and {self.high:.0f}")
            raise FieldError(f"must be finite and at least {self.low:g}, not {value}")
        return float(value)

    def write(self, value: Any) -> Any:
        """Whole numbers are written as integers (``wifi_mbps = 100``, ``hour = 3``)."""
        if self.whole and float(value).is_integer() and abs(value) < 2**53:
            return int(value)
        return value

    def cell(self, value: Any) -> str:
        return number_text(value)

    def prop(self, value: Any) -> Any:
        return value

    def take(self, value: Any) -> Any:
        number = loose_number(value)
        if number is None or not math.isfinite(number) or not self.low <= number <= self.high:
            return None
        return number

    def given(self, value: Any, today: dt.date | None = None) -> Any:
        if isinstance(value, str) and self.amount:
            value = _amount(value)
        elif isinstance(value, str):
            number = loose_number(value)
            if number is None:
                raise FieldError(f"must be a number, not {value!r}")
            value = number
        return None if value is None else self.read(value)


class Count(Number):
    option_type: type = int
    hint = "a whole number"

    def __init__(self, low: int, high: int) -> None:
        super().__init__(low, high)

    def read(self, value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(f"must be a whole number, not {type_name(value)}")
        if not self.low <= value <= self.high:
            raise FieldError(f"must be between {self.low:g} and {self.high:.0f}, not {value}")
        return value

    def take(self, value: Any) -> Any:
        if isinstance(value, bool):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and _COUNT_TEXT.match(value.strip()):
            value = int(float(value.strip()))
        if isinstance(value, int) and self.low <= value <= self.high:
            return value
        return None

    def given(self, value: Any, today: dt.date | None = None) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            if not text.lstrip("+").isdigit():
                raise FieldError(f"must be a whole number, not {text!r}")
            value = int(text)
        if isinstance(value, int) and not isinstance(value, bool):
            if not self.low <= value <= self.high:
                raise FieldError(f"must be between {self.low:g} and {self.high:.0f}")
            return value
        return self.read(value)


class Choice(ValueType):
    """One of an enum's values. ``parse`` reads what people type (aliases, French words)
    and raises ``UsageError``; ``guess`` suggests a value for a wrong one in a file."""

    def __init__(
        self,
        enum: type[Enum],
        parse: Callable[[str], Any] | None = None,
        guess: Callable[[str], Any] | None = None,
        noun: str = "value",
    ) -> None:
        self.enum = enum
        self.parse = parse
        self.guess = guess
        self.noun = noun
        self.values = tuple(member.value for member in enum)

    def read(self, value: object) -> Any:
        text = super().read(value)
        if text in self.enum._value2member_map_:
            return self.enum(text)
        guess = self.guess(text) if self.guess is not None else None
        hint = f" (did you mean {guess.value!r}?)" if guess is not None else ""
        if self.guess is None:
            hint = " (" + ", ".join(self.values) + ")"
        raise FieldError(f"unknown {self.noun} {text!r}{hint}")

    def write(self, value: Any) -> Any:
        return value.value

    def given(self, value: Any, today: dt.date | None = None) -> Any:
        if isinstance(value, self.enum):
            return value
        text = super().given(value)
        if text is None:
            return None
        if self.parse is not None:
            try:
                return self.parse(text)
            except UsageError as error:
                raise FieldError(error.message, whole=True, hint=error.hint) from error
        folded = text.lower().replace("-", "_").replace(" ", "_")
        return self.read(folded)


class TextList(ValueType):
    """Free tags: a TOML list of text; one CSV cell joined with ``;`` (a ``;`` or ``\\``
    inside a tag is escaped with ``\\``, so tags holding ``;`` survive a round trip)."""

    repeatable = True
    hint = "a list of text"

    def read(self, value: object) -> Any:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise FieldError("must be a list of text")
        return tuple(value)

    def write(self, value: Any) -> Any:
        return list(value) or None

    def cell(self, value: Any) -> str:
        escaped = (tag.replace("\\", "\\\\").replace(";", "\\;") for tag in value)
        return TAG_SEPARATOR.join(escaped)

    def take(self, value: Any) -> Any:
        if isinstance(value, str):
            parts: list[Any] = split_tags(value)
        elif isinstance(value, list):
            parts = value
        else:
            return ()
        tags: list[str] = []
        for part in parts:
            tag = clean_text(part) if isinstance(part, str) else None
            if tag is not None and tag not in tags:
                tags.append(tag)
        return tuple(tags)

    def given(self, value: Any, today: dt.date | None = None) -> Any:
        if isinstance(value, str):
            value = [value]
        tags = []
        for typed in value:
            if not isinstance(typed, str) or not typed.strip():
                raise FieldError("must not be empty")
            if typed.strip() not in tags:
                tags.append(typed.strip())
        return tuple(tags)

    def show(self, value: Any) -> str:
        return ", ".join(value)


def split_tags(cell: str) -> list[str]:
    """A tags cell split at the ``;`` that are not escaped (``\\;`` is a ``;`` in a tag)."""
    parts = [""]
    escaped = False
    for char in cell:
        if escaped:
            parts[-1] += char if char in ";\\" else "\\" + char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == TAG_SEPARATOR:
            parts.append("")
        else:
            parts[-1] += char
    if escaped:
        parts[-1] += "\\"
    return parts


class Day(ValueType):
    """A TOML local date (``2026-11-20``); typed as ``20/11/2026``, ``today``, ``hier``..."""

    hint = "a date"

    def read(self, value: object) -> Any:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise FieldError(f"must be a TOML date like 2026-11-20, not {type_name(value)}")
        return value

    def write(self, value: Any) -> Any:
        return value

    def prop(self, value: Any) -> Any:
        return None if value is None else value.isoformat()

    def cell(self, value: Any) -> str:
        return "" if value is None else str(value.isoformat())

    def take(self, value: Any) -> Any:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        text = clean_text(value)
        try:
            return dt.date.fromisoformat(text[:10]) if text else None
        except ValueError:
            return None

    def given(self, value: Any, today: dt.date | None = None) -> Any:
        if not isinstance(value, str):
            return self.read(value)
        if not value.strip():
            return None
        from nomadspot.timeparse import parse_day

        try:
            return parse_day(value, today or dt.date.today())
        except UsageError as error:
            raise FieldError(error.message, whole=True) from error


class Duration(ValueType):
    """A length of time written as people do (``2h``, ``90m``, ``1h30``), or ``none``
    (``NO_TIME_LIMIT``: explicitly no limit)."""

    hint = "a duration"

    def read(self, value: object) -> Any:
        text = super().read(value)
        if text.strip().lower() in ("none", "aucune", "no limit", "unlimited"):
            return NO_TIME_LIMIT
        from nomadspot.timeparse import parse_duration

        try:
            return parse_duration(text)
        except UsageError as error:
            raise FieldError(f"{text!r} is not a duration like '2h', '90m' or 'none'") from error

    def write(self, value: Any) -> Any:
        if value == NO_TIME_LIMIT:
            return "none"
        hours, minutes = divmod(int(value.total_seconds()) // 60, 60)
        if not minutes:
            return f"{hours}h"
        return f"{hours}h{minutes:02d}" if hours else f"{minutes}m"

    def show(self, value: Any) -> str:
        return "no limit" if value == NO_TIME_LIMIT else str(self.write(value))

    def given(self, value: Any, today: dt.date | None = None) -> Any:
        if isinstance(value, dt.timedelta):
            return value
        text = super().given(value)
        if text is None:
            return None
        try:
            return self.read(text)
        except FieldError as error:
            raise FieldError(error.message, whole=True) from error
