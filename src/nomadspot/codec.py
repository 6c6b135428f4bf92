"""The catalogue format, version 1: TOML-shaped dicts to domain objects and back.

``decode`` validates the whole document and reports every problem with the place id and
the field; ``encode`` writes canonical keys in a stable order and keeps every key it does
not know (a newer nomadspot, or a person, may have added it).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nomadspot.model import EMPTY, Place, Price, Visit
from nomadspot.vocabulary import AMENITY_KEYS, Kind, find_kind

FORMAT_VERSION = 1

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")

TEXT_FIELDS = (
    "address",
    "opening_hours",
    "opening_hours_raw",
    "website",
    "phone",
    "notes",
    "source",
)
PLACE_KEYS = (
    "id",
    "name",
    "kind",
    "city",
    "country",
    "address",
    "lat",
    "lon",
    "opening_hours",
    "opening_hours_raw",
    "seats",
    "meeting_room_seats",
    "wifi_mbps",
    "website",
    "phone",
    "tags",
    "notes",
    "source",
    "amenities",
    "price",
    "visits",
)
PRICE_KEYS = ("hour", "day", "room_hour", "currency")
VISIT_KEYS = ("date", "rating", "wifi_mbps", "note")
MAX_SEATS = 1_000_000
MAX_PRICE = 1e9
MAX_WIFI_MBPS = 1e6
# Keys nomadspot does not know are kept and written back; a value nested deeper than this
# is refused when reading, as writing it back (tomli-w recurses) could fail on any command.
MAX_NESTING = 32


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a catalogue. ``place`` is the id (or ``#N`` when the place has
    no usable id), ``field`` the key, dotted for nested ones (``price.hour``)."""

    place: str | None
    field: str | None
    message: str
    error: bool = True

    def __str__(self) -> str:
        where = []
        if self.place is not None:
            where.append(f"place {self.place}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded catalogue: its places and the top-level keys nomadspot does not know."""

    places: tuple[Place, ...]
    extra: Mapping[str, Any]
    version: int = FORMAT_VERSION


class InvalidCatalogue(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _extra(table: Mapping[str, Any], known: tuple[str, ...]) -> Mapping[str, Any]:
    """The keys nomadspot does not know. Most tables have none: they share one empty
    mapping, which keeps large catalogues small in memory and in the cache."""
    extra = {key: value for key, value in table.items() if key not in known}
    return extra or EMPTY


def _too_deep(value: object, depth: int = 1) -> bool:
    if depth > MAX_NESTING:
        return True
    if isinstance(value, dict):
        return any(_too_deep(item, depth + 1) for item in value.values())
    if isinstance(value, list):
        return any(_too_deep(item, depth + 1) for item in value)
    return False


def _nesting_problems(
    table: Mapping[str, Any], known: tuple[str, ...], place: str | None, prefix: str = ""
) -> list[Problem]:
    return [
        Problem(place, prefix + key, f"is nested more than {MAX_NESTING} levels deep")
        for key, value in table.items()
        if key not in known and isinstance(value, (dict, list)) and _too_deep(value)
    ]


def _type_name(value: object) -> str:
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


class _PlaceReader:
    """Reads one ``[[place]]`` table, collecting problems instead of stopping at the first."""

    def __init__(self, raw: Mapping[str, Any], position: int, problems: list[Problem]) -> None:
        self.raw = raw
        self.problems = problems
        ident = raw.get("id")
        # Problems are printed as they are (``check`` writes them to stdout): an id that
        # is not plain printable text (escape sequences, newlines) is named by position.
        usable = isinstance(ident, str) and ident and ident.isprintable() and len(ident) <= 200
        self.label = ident if usable else f"#{position}"

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.label, key, message))

    def text(
        self,
        key: str,
        *,
        required: bool = False,
        source: Mapping[str, Any] | None = None,
        prefix: str = "",
    ) -> str | None:
        table = self.raw if source is None else source
        value = table.get(key)
        if value is None:
            if required:
                self.problem(prefix + key, "is required")
            return None
        if not isinstance(value, str):
            self.problem(prefix + key, f"must be text, not {_type_name(value)}")
            return None
        if required and not value.strip():
            self.problem(prefix + key, "must not be empty")
            return None
        return value

    def number(
        self,
        key: str,
        *,
        source: Mapping[str, Any] | None = None,
        prefix: str = "",
        low: float = 0.0,
        high: float = math.inf,
    ) -> float | None:
        table = self.raw if source is None else source
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(prefix + key, f"must be a number, not {_type_name(value)}")
            return None
        if not math.isfinite(value) or not low <= value <= high:
            bound = f"at most {high:g}" if math.isfinite(high) else "finite"
            self.problem(
                prefix + key,
                f"must be between {low:g} and {high:.0f}"
                if math.isfinite(high)
                else f"must be {bound} and at least {low:g}, not {value}",
            )
            return None
        return float(value)

    def count(
        self,
        key: str,
        *,
        source: Mapping[str, Any] | None = None,
        prefix: str = "",
        low: int = 0,
        high: int = MAX_SEATS,
    ) -> int | None:
        table = self.raw if source is None else source
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(prefix + key, f"must be a whole number, not {_type_name(value)}")
            return None
        if not low <= value <= high:
            self.problem(prefix + key, f"must be between {low} and {high}, not {value}")
            return None
        return value

    def read(self) -> Place | None:
        before = len(self.problems)
        raw = self.raw
        ident = self.text("id", required=True)
        if ident is not None and not ID_PATTERN.match(ident):
            self.problem("id", f"{ident!r} must be lowercase a-z, 0-9 and '-'")
        name = self.text("name", required=True)
        city = self.text("city", required=True)
        kind_text = self.text("kind", required=True)
        kind: Kind | None = None
        if kind_text is not None:
            kind = Kind(kind_text) if kind_text in Kind._value2member_map_ else None
            if kind is None:
                guess = find_kind(kind_text)
                hint = f" (did you mean {guess.value!r}?)" if guess else ""
                self.problem("kind", f"unknown kind {kind_text!r}{hint}")
        country = self.text("country")
        if country is not None and not COUNTRY_PATTERN.match(country):
            self.problem("country", f"{country!r} must be a two-letter ISO code such as 'FR'")
        lat = self.number("lat", low=-90, high=90)
        lon = self.number("lon", low=-180, high=180)
        if ("lat" in raw) != ("lon" in raw):
            self.problem("lat" if "lat" in raw else "lon", "lat and lon go together")
        texts = {key: self.text(key) for key in TEXT_FIELDS}
        seats = self.count("seats")
        room_seats = self.count("meeting_room_seats")
        wifi = self.number("wifi_mbps", high=MAX_WIFI_MBPS)
        tags = self._tags()
        amenities = self._amenities()
        price = self._price()
        visits = self._visits()
        self.problems.extend(_nesting_problems(raw, PLACE_KEYS, self.label))
        if len(self.problems) > before:
            return None
        assert ident is not None and name is not None and city is not None and kind is not None
        return Place(
            id=ident,
            name=name,
            kind=kind,
            city=city,
            country=country,
            address=texts["address"],
            lat=lat,
            lon=lon,
            opening_hours=texts["opening_hours"],
            opening_hours_raw=texts["opening_hours_raw"],
            seats=seats,
            meeting_room_seats=room_seats,
            wifi_mbps=wifi,
            website=texts["website"],
            phone=texts["phone"],
            tags=tags,
            notes=texts["notes"],
            source=texts["source"],
            amenities=amenities,
            price=price,
            visits=visits,
            extra=_extra(raw, PLACE_KEYS),
        )

    def _tags(self) -> tuple[str, ...]:
        value = self.raw.get("tags")
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
            self.problem("tags", "must be a list of text")
            return ()
        return tuple(value)

    def _amenities(self) -> Mapping[str, bool]:
        value = self.raw.get("amenities")
        if value is None:
            return EMPTY
        if not isinstance(value, dict):
            self.problem("amenities", f"must be a table, not {_type_name(value)}")
            return {}
        amenities: dict[str, bool] = {}
        for key, flag in value.items():
            if not isinstance(flag, bool):
                self.problem(f"amenities.{key}", f"must be true or false, not {_type_name(flag)}")
            else:
                amenities[key] = flag
        return amenities

    def _price(self) -> Price | None:
        value = self.raw.get("price")
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem("price", f"must be a table, not {_type_name(value)}")
            return None
        currency = self.text("currency", source=value, prefix="price.")
        if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
            self.problem(
                "price.currency", f"{currency!r} must be a three-letter code such as 'EUR'"
            )
        self.problems.extend(_nesting_problems(value, PRICE_KEYS, self.label, "price."))
        price = Price(
            hour=self.number("hour", source=value, prefix="price.", high=MAX_PRICE),
            day=self.number("day", source=value, prefix="price.", high=MAX_PRICE),
            room_hour=self.number("room_hour", source=value, prefix="price.", high=MAX_PRICE),
            currency=currency,
            extra=_extra(value, PRICE_KEYS),
        )
        # An empty [place.price] is no price: it is not written back, so reading it as
        # None keeps a place equal to itself after a write.
        return None if price.is_empty else price

    def _visits(self) -> tuple[Visit, ...]:
        value = self.raw.get("visits")
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem("visits", "must be an array of tables ([[place.visits]])")
            return ()
        visits = []
        for number, table in enumerate(value, start=1):
            prefix = f"visits[{number}]."
            date = table.get("date")
            if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
                self.problem(prefix + "date", "is required, as a TOML date like 2026-11-20")
                continue
            self.problems.extend(_nesting_problems(table, VISIT_KEYS, self.label, prefix))
            visits.append(
                Visit(
                    date=date,
                    rating=self.count("rating", source=table, prefix=prefix, low=1, high=5),
                    wifi_mbps=self.number(
                        "wifi_mbps", source=table, prefix=prefix, high=MAX_WIFI_MBPS
                    ),
                    note=self.text("note", source=table, prefix=prefix),
                    extra=_extra(table, VISIT_KEYS),
                )
            )
        return tuple(visits)


def decode(document: Mapping[str, Any]) -> Document:
    """Validate a parsed TOML document; raise ``InvalidCatalogue`` listing every problem."""
    problems: list[Problem] = []
    version = document.get("version")
    if version is None:
        problems.append(Problem(None, "version", "is required (version = 1)"))
    elif isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append(Problem(None, "version", f"must be a positive integer, not {version!r}"))
    elif version > FORMAT_VERSION:
        raise NewerVersion(version)
    raw_places = document.get("place", [])
    if not isinstance(raw_places, list) or not all(isinstance(p, dict) for p in raw_places):
        problems.append(Problem(None, "place", "must be an array of tables ([[place]])"))
        raw_places = []
    places = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(raw_places, start=1):
        place = _PlaceReader(raw, position, problems).read()
        if place is None:
            continue
        if place.id in seen:
            problems.append(
                Problem(place.id, "id", f"duplicate id (places #{seen[place.id]} and #{position})")
            )
        seen.setdefault(place.id, position)
        places.append(place)
    problems.extend(_nesting_problems(document, ("version", "place"), None))
    if problems:
        raise InvalidCatalogue(problems)
    return Document(
        places=tuple(places),
        extra={k: v for k, v in document.items() if k not in ("version", "place")},
    )


class NewerVersion(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


def warnings(places: Iterable[Place]) -> list[Problem]:
    """What a valid catalogue may still hold that a person should look at: amenity keys
    nomadspot does not know (kept, never dropped), and imported hours that do not parse
    (kept as ``opening_hours_raw``; ``find`` counts such hours as unknown)."""
    found = []
    for place in places:
        if place.opening_hours_raw is not None and place.opening_hours is None:
            found.append(
                Problem(
                    place.id,
                    "opening_hours_raw",
                    f"{place.opening_hours_raw!r} kept as given, does not parse: hours "
                    "count as unknown (set them with: nomadspot edit "
                    f"{place.id} --hours ...)",
                    error=False,
                )
            )
        for key in place.amenities:
            if key not in AMENITY_KEYS:
                found.append(
                    Problem(place.id, f"amenities.{key}", "unknown amenity (kept)", error=False)
                )
    return found


def _drop_none(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    return {key: value for key, value in pairs if value is not None}


def _number(value: float | None) -> float | int | None:
    """Whole numbers are written as integers (``seats = 40``, ``hour = 3``)."""
    if value is not None and float(value).is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def encode_place(place: Place) -> dict[str, Any]:
    data = _drop_none(
        [
            ("id", place.id),
            ("name", place.name),
            ("kind", place.kind.value),
            ("city", place.city),
            ("country", place.country),
            ("address", place.address),
            ("lat", place.lat),
            ("lon", place.lon),
            ("opening_hours", place.opening_hours),
            ("opening_hours_raw", place.opening_hours_raw),
            ("seats", place.seats),
            ("meeting_room_seats", place.meeting_room_seats),
            ("wifi_mbps", _number(place.wifi_mbps)),
            ("website", place.website),
            ("phone", place.phone),
            ("tags", list(place.tags) or None),
            ("notes", place.notes),
            ("source", place.source),
        ]
    )
    data.update(place.extra)
    if place.amenities:
        data["amenities"] = dict(place.amenities)
    if place.price is not None and not place.price.is_empty:
        price = place.price
        data["price"] = _drop_none(
            [
                ("hour", _number(price.hour)),
                ("day", _number(price.day)),
                ("room_hour", _number(price.room_hour)),
                ("currency", price.currency),
            ]
        ) | dict(price.extra)
    if place.visits:
        data["visits"] = [
            _drop_none(
                [
                    ("date", visit.date),
                    ("rating", visit.rating),
                    ("wifi_mbps", _number(visit.wifi_mbps)),
                    ("note", visit.note),
                ]
            )
            | dict(visit.extra)
            for visit in place.visits
        ]
    return data


def encode(places: Iterable[Place], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {"version": FORMAT_VERSION}
    document.update(extra or {})
    document["place"] = [encode_place(place) for place in places]
    return document
