"""Opening hours as people write them, made into the OpenStreetMap syntax ``hours`` reads.

Two readings, both pure text work (``hours`` checks that the result parses):

- ``as_meant``: OpenStreetMap values such as ``Mo, Th 11:30-22:00`` or
  ``Sa-Su, PH 08:00-19:30``. The grammar reads the ``, `` as "another rule": ``Mo`` alone,
  open all day, then ``Th 11:30-22:00``. Nobody means that (``Mo 00:00-24:00`` says it);
  the mapper meant one weekday list, ``Mo,Th 11:30-22:00``. A days-only piece is joined to
  the next piece when that one starts with days too and goes on (times, ``off``, a
  comment). A rule glued to the time before it, ``07:30-23:00,Sa-Su 09:00-23:00``, which
  the grammar refuses, gets the space of the grammar's additional rule (``, Sa-Su``).
  Nothing else is touched. A rule that holds only a comment
  (``Mo-Fr "on appointment"``, ``"sur rendez-vous"``) is read as opening_hours.js reads
  it, ``unknown`` with that comment (the Rust parser reads it "open"): by appointment.
- ``from_french``: ``lun-ven 8h-19h``, ``mar-sam 9h-12h30 14h-19h``,
  ``du lundi au vendredi de 8h à 19h``, ``lun-sam 9h-19h, fermé le dimanche``,
  ``tous les jours 7h-22h``, ``24h/24 7j/7``, ``jours fériés`` (PH).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from nomadspot.errors import UsageError

__all__ = ["FRENCH_FORMS", "Reading", "as_meant", "condense", "from_french"]

FRENCH_FORMS = (
    "'lun-ven 8h-19h', 'mar-sam 9h-12h30 14h-19h', 'du lundi au vendredi de 8h à 19h', "
    "'lun-sam 9h-19h, fermé le dimanche'"
)


@dataclass(frozen=True, slots=True)
class Reading:
    """An opening_hours value as meant: ``expression`` is what to evaluate, ``tidied``
    what to store (the weekday lists joined, the mapper's comment-only rules kept as
    written, so that they still say "by appointment" when read again), ``fixed`` whether
    the reading differs from the value as written, ``appointments`` the comments of the
    rules that hold only a comment (evaluated ``unknown "..."``: by appointment)."""

    original: str
    expression: str
    appointments: tuple[str, ...] = ()
    tidied: str = ""

    @property
    def fixed(self) -> bool:
        return self.expression != self.original

    @property
    def warning(self) -> str:
        """What ``check`` says of a value read with a fix-up."""
        why = " (by appointment)" if self.appointments else ""
        if self.tidied != self.original:
            return f"read as `{self.tidied}`{why}"
        return f"read as `{self.expression}`{why}"


# --- the parser's messages --------------------------------------------------------------

_RULE_NAMES = {
    "EOI": "end of text",
    "unexpected EOI": "unexpected end of text",
    "any_rule_separator": "';' or ','",
    "rules_modifier": "'open', 'closed', 'off' or 'unknown'",
    "always_open": "'24/7'",
    "small_range_selectors": "days or times",
    "week_selector": "a week",
    "monthday_range": "a date",
    "year": "a year",
    "comment": "a comment in quotes",
    "timespan": "a time span such as 08:30-18:00",
    "holiday": "'PH' or 'SH'",
    "wday": "a weekday (Mo, Tu, We, Th, Fr, Sa, Su)",
    "hour_minutes": "a time such as 08:30",
    "extended_hour_minutes": "a time such as 08:30",
    "minute": "two-digit minutes",
    "hour": "a two-digit hour",
    "time": "a time such as 08:30",
}
_POSITION = re.compile(r"-->\s*(\d+):(\d+)")
_EXPECTED = re.compile(r"^\s*=\s*(.*)$", re.MULTILINE)


def condense(message: str, expression: str) -> str:
    """The opening_hours library's multi-line parser message as one line:
    ``at character 7 ("8h-18h"): expected end of text, ';' or ',', ...``."""
    position = _POSITION.search(message)
    expected = _EXPECTED.search(message)
    detail = expected.group(1).strip() if expected else ""
    if detail.startswith("expected "):
        words = re.split(r",\s*(?:or\s+)?|\s+or\s+", detail[len("expected ") :])
        names = list(
            dict.fromkeys(_RULE_NAMES.get(word, word.replace("_", " ")) for word in words if word)
        )
        detail = "expected " + ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
    elif detail in _RULE_NAMES:
        detail = _RULE_NAMES[detail]
    elif detail == "unknown parsing error" or not detail:
        detail = "not OpenStreetMap opening_hours syntax"
    if position is None:
        return detail
    line, column = int(position.group(1)), int(position.group(2))
    lines = expression.splitlines() or [""]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    rest = text[column - 1 : column + 19].split(";")[0].strip()
    where = f"at character {column}" + (f" ({rest!r})" if rest else " (end of text)")
    return f"{where}: {detail}"


# --- as meant ------------------------------------------------------------------------------

_WDAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_DAY = rf"(?:{_WDAY}(?:\s*-\s*{_WDAY})?|PH|SH)"
_DAYS = rf"{_DAY}(?:\s*,\s*{_DAY})*"
_DAYS_ONLY = re.compile(rf"^{_DAYS}$", re.IGNORECASE)
_DAYS_THEN_MORE = re.compile(rf"^(?P<days>{_DAYS})(?P<rest>\s+\S.*)$", re.IGNORECASE | re.DOTALL)
_DAY_NAME = re.compile(r"[a-z]{2}", re.IGNORECASE)
# Outside quotes: a rule separator, or a comma followed by a space (the grammar's
# "additional rule" separator when what follows is a new selector).
_COMMENT_ONLY = re.compile(rf'^(?:(?P<days>{_DAYS})\s+)?(?P<comment>"[^"]*")$')


_PIECE_OR_SEPARATOR = re.compile(
    r'(?P<quoted>"[^"]*")|(?P<separator>\s*(?:;|\|\|)\s*|\s*,\s+)|(?P<text>[^";|,]+|.)', re.DOTALL
)


def _split(expression: str) -> tuple[list[str], list[str]]:
    """The pieces of ``expression`` and the separators between them (one fewer), never
    splitting inside a quoted comment."""
    pieces: list[str] = []
    separators: list[str] = []
    current: list[str] = []
    for match in _PIECE_OR_SEPARATOR.finditer(expression):
        if match.lastgroup == "separator":
            pieces.append("".join(current))
            separators.append(match.group())
            current = []
        else:
            current.append(match.group())
    pieces.append("".join(current))
    return pieces, separators


def _is_comma(separator: str) -> bool:
    return separator.strip() == ","


def _days(piece: str) -> str:
    """A day list written without spaces and with the grammar's capitals:
    ``Sa - su , Ph`` -> ``Sa-Su,PH``."""
    return _DAY_NAME.sub(_day_name, re.sub(r"\s+", "", piece))


def _day_name(match: re.Match[str]) -> str:
    name = match.group()
    return name.upper() if name.upper() in ("PH", "SH") else name.capitalize()


def _joined_piece(piece: str) -> str:
    """A piece that a days-only piece joins: its leading day list tidied, the rest as is."""
    if _DAYS_ONLY.match(piece):
        return _days(piece)
    match = _DAYS_THEN_MORE.match(piece)
    return _days(match.group("days")) + match.group("rest") if match else piece


_GLUED_RULE = re.compile(rf"(?<=\d\d:\d\d),(?={_WDAY}\b|PH\b|SH\b)")


def _unglued(value: str) -> str:
    """``Tu-Fr 07:30-23:00,Sa-Su 09:00-23:00`` (which the grammar refuses) with the space
    that makes the comma the grammar's "additional rule": outside quotes only."""
    if "," not in value:
        return value
    parts = re.split(r'("[^"]*")', value)
    return "".join(part if part.startswith('"') else _GLUED_RULE.sub(", ", part) for part in parts)


@lru_cache(maxsize=10_000)
def as_meant(value: str) -> Reading:
    """``value`` read as its mapper plainly meant (see the module docstring); an
    expression with nothing to fix comes back unchanged (``fixed`` False)."""
    if "," not in value and '"' not in value:  # most values: nothing to read otherwise
        return Reading(value, value, (), value)
    pieces, separators = _split(_unglued(value))
    # Right to left: a days-only piece joins the next when that one starts with days and
    # goes on, or is itself a days-only piece that joins on.
    joins = [False] * len(separators)
    for index in range(len(separators) - 1, -1, -1):
        if not (_is_comma(separators[index]) and _DAYS_ONLY.match(pieces[index].strip())):
            continue
        following = pieces[index + 1].strip()
        if _DAYS_THEN_MORE.match(following) or (
            index + 1 < len(joins) and joins[index + 1] and _DAYS_ONLY.match(following)
        ):
            joins[index] = True
    appointments: list[str] = []
    meant = _rejoined([_appointment(piece, appointments) for piece in pieces], separators, joins)
    return Reading(value, meant, tuple(appointments), _rejoined(pieces, separators, joins))


def _rejoined(pieces: list[str], separators: list[str], joins: list[bool]) -> str:
    text = ""
    for index, piece in enumerate(pieces):
        if index and joins[index - 1]:
            text += _joined_piece(piece.strip())
        else:
            text += _days(piece) if index < len(joins) and joins[index] else piece
        if index < len(separators):
            text += "," if joins[index] else separators[index]
    return text


def _appointment(piece: str, found: list[str]) -> str:
    """A rule that holds only a comment, made ``unknown`` with that comment."""
    match = _COMMENT_ONLY.match(piece.strip())
    if match is None:
        return piece
    found.append(match.group("comment")[1:-1])
    days = match.group("days")
    rule = f"unknown {match.group('comment')}"
    lead = piece[: len(piece) - len(piece.lstrip())]
    return lead + (f"{days} {rule}" if days else rule)


# --- French ----------------------------------------------------------------------------------

_FRENCH_DAYS = {
    "lundi": "Mo",
    "lun": "Mo",
    "mardi": "Tu",
    "mar": "Tu",
    "mercredi": "We",
    "mer": "We",
    "jeudi": "Th",
    "jeu": "Th",
    "vendredi": "Fr",
    "ven": "Fr",
    "samedi": "Sa",
    "sam": "Sa",
    "dimanche": "Su",
    "dim": "Su",
}
_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<everyday>tous\s+les\s+jours|7\s*j?\s*/\s*7|7j7)"
    r"|(?P<allday>24\s*h?\s*/\s*24|24h24)"
    r"|(?P<holiday>(?:les\s+)?jours\s+feries|feries|jf|ph)"
    r"|(?P<day>[a-z]+)\.?(?=[\s,;/-]|$)"
    r"|(?P<time>\d{1,2}\s*h(?:\d{2})?|\d{1,2}:\d{2})"
    r"|(?P<dash>-|\u2013|\u2014|/)"
    r"|(?P<sep>;|,)"
    r")",
)
_WORDS_FILLER = frozenset({"de", "du", "le", "les", "et", "ouvert"})
_WORDS_TO = frozenset({"a", "au", "jusqu'a"})
_WORDS_OFF = frozenset({"ferme", "fermee", "fermes", "fermees"})


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("\u2019", "'").split())


@dataclass
class _Rule:
    days: list[str]
    times: list[str]
    off: bool = False
    open_time: str | None = None  # a time waiting for its end

    def complete(self) -> bool:
        return bool(self.times) or self.off

    def text(self) -> str:
        days = ",".join(self.days)
        what = "off" if self.off else ",".join(self.times)
        return f"{days} {what}".strip()


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, value) pairs; kind is day, time, to, sep, off, everyday, allday, holiday."""
    found: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or not match.group().strip():
            raise ValueError(text[position:])
        position = match.end()
        kind = match.lastgroup or ""
        value = match.group(kind).strip()
        if kind == "day":
            if value in _WORDS_FILLER:
                continue
            if value in _WORDS_TO:
                kind = "dash"
            elif value in _WORDS_OFF:
                kind = "off"
            elif value in _FRENCH_DAYS:
                value = _FRENCH_DAYS[value]
            else:
                raise ValueError(value)
        found.append((kind, value))
    return found


def _clock(value: str) -> str:
    hour, _, minute = re.sub(r"\s+", "", value).replace("h", ":").partition(":")
    hours, minutes = int(hour), int(minute or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ValueError(value)
    return f"{hours:02d}:{minutes:02d}"


def _rules(tokens: list[tuple[str, str]]) -> list[_Rule]:
    rules = [_Rule([], [])]
    previous = ""
    for kind, value in tokens:
        rule = rules[-1]
        if kind in ("day", "everyday", "holiday") and rule.days and rule.complete():
            rule = _Rule([], [], off=False)
            rules.append(rule)
        if kind == "day" and previous == "dash" and rule.days and "-" not in rule.days[-1]:
            rule.days[-1] += f"-{value}"
        elif kind in ("day", "everyday", "holiday"):
            rule.days.append({"day": value, "everyday": "Mo-Su", "holiday": "PH"}[kind])
        elif kind == "time" and rule.open_time is not None and previous == "dash":
            rule.times.append(f"{rule.open_time}-{_clock(value)}")
            rule.open_time = None
        elif kind == "time" and rule.open_time is None:
            rule.open_time = _clock(value)
        elif kind == "allday":
            rule.times.append("00:00-24:00")
        elif kind == "off":
            if rule.complete():
                rule = _Rule([], [])
                rules.append(rule)
            rule.off = True
        elif kind == "sep" and rule.complete():
            rules.append(_Rule([], []))
        elif kind not in ("dash", "sep"):
            raise ValueError(value)
        previous = kind
    return [rule for rule in rules if rule.days or rule.times or rule.off]


def from_french(text: str) -> str:
    """The OpenStreetMap expression for hours written the French way
    (``lun-ven 8h-19h`` -> ``Mo-Fr 08:00-19:00``). Raises ``UsageError`` (exit 2) when
    the text is not one of the forms this reads; whether the result parses is for the
    caller (``hours.from_user``) to check."""
    try:
        rules = _rules(_tokens(_plain(text)))
        if not rules or any(rule.open_time or not rule.complete() for rule in rules):
            raise ValueError(text)
        if any(rule.off and not rule.days for rule in rules):
            raise ValueError(text)
    except ValueError as error:
        raise UsageError(
            f"cannot read {text!r} as opening hours",
            hint=f"use the OpenStreetMap syntax ('Mo-Fr 08:30-18:00; Sa 10:00-13:00') "
            f"or the French form ({FRENCH_FORMS})",
        ) from error
    return "; ".join(rule.text() for rule in rules)
