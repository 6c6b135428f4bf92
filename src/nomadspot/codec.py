"""The catalogue format, version 1: TOML-shaped dicts to domain objects and back.

``decode`` validates the whole document and reports every problem with the place id and
the field; ``encode`` writes canonical keys in a stable order and keeps every key it does
not know (a newer nomadspot, or a person, may have added it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, dataclass
from typing import Any

from nomadspot import fields
from nomadspot.fields import FieldError, FieldSpec, type_name
from nomadspot.model import EMPTY, Place, Price, Visit
from nomadspot.vocabulary import AMENITY_KEYS

FORMAT_VERSION = 1

ID_PATTERN = fields.ID_PATTERN

PLACE_KEYS = fields.PLACE_KEYS
# A key at its default is not written (``status = "open"``, ``tags = []``).
DEFAULTS = {f.name: f.default for f in dataclasses.fields(Place) if f.default is not MISSING}
PRICE_KEYS = fields.PRICE_KEYS
VISIT_KEYS = fields.VISIT_KEYS
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

    def value(self, spec: FieldSpec, table: Mapping[str, Any], prefix: str = "") -> Any:
        """The key's value as its declaration reads it; None (and a problem) when wrong."""
        value = table.get(spec.name)
        if value is None:
            if spec.required:
                self.problem(prefix + spec.name, "is required")
            return None
        try:
            value = spec.type.read(value)
        except FieldError as error:
            self.problem(prefix + spec.name, str(error))
            return None
        if spec.required and isinstance(value, str) and not value.strip():
            self.problem(prefix + spec.name, "must not be empty")
            return None
        return value

    def values(
        self, specs: tuple[FieldSpec, ...], table: Mapping[str, Any], prefix: str = ""
    ) -> dict[str, Any]:
        return {spec.name: self.value(spec, table, prefix) for spec in specs}

    def read(self) -> Place | None:
        before = len(self.problems)
        raw = self.raw
        values = self.values(fields.PLACE_FIELDS, raw)
        if ("lat" in raw) != ("lon" in raw):
            self.problem("lat" if "lat" in raw else "lon", "lat and lon go together")
        tables: dict[str, Any] = {
            "amenities": self._amenities(),
            "price": self._price(),
            "private": self._private(),
            "visits": self._visits(),
        }
        sockets, power = values["sockets"], tables["amenities"].get("power")
        if sockets is not None and power is not None and sockets.power != power:
            self.problem(
                "sockets", f"{sockets.value!r} contradicts amenities.power = {str(power).lower()}"
            )
        self.problems.extend(_nesting_problems(raw, PLACE_KEYS, self.label))
        if len(self.problems) > before:
            return None
        plain = {key: value for key, value in values.items() if value is not None}
        return Place(**plain, **tables, extra=_extra(raw, PLACE_KEYS))

    def _table(self, key: str) -> dict[str, Any] | None:
        """The place's ``[place.KEY]`` table; None when there is none, or when it is not a
        table (then said as a problem)."""
        value = self.raw.get(key)
        if value is not None and not isinstance(value, dict):
            self.problem(key, f"must be a table, not {type_name(value)}")
            return None
        return value

    def _amenities(self) -> Mapping[str, bool]:
        value = self._table("amenities")
        if value is None:
            return EMPTY
        amenities: dict[str, bool] = {}
        for key, flag in value.items():
            if not isinstance(flag, bool):
                self.problem(f"amenities.{key}", f"must be true or false, not {type_name(flag)}")
            else:
                amenities[key] = flag
        return amenities

    def _price(self) -> Price | None:
        value = self._table("price")
        if value is None:
            return None
        self.problems.extend(_nesting_problems(value, PRICE_KEYS, self.label, "price."))
        price = Price(
            **self.values(fields.PRICE_FIELDS, value, "price."), extra=_extra(value, PRICE_KEYS)
        )
        # An empty [place.price] is no price: it is not written back, so reading it as
        # None keeps a place equal to itself after a write.
        return None if price.is_empty else price

    def _private(self) -> Mapping[str, Any]:
        value = self._table("private")
        if value is None:
            return EMPTY
        self.problems.extend(_nesting_problems(value, (), self.label, "private."))
        return value

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
            values = self.values(fields.VISIT_FIELDS, table, prefix)
            if values["date"] is None:
                continue
            self.problems.extend(_nesting_problems(table, VISIT_KEYS, self.label, prefix))
            visits.append(Visit(**values, extra=_extra(table, VISIT_KEYS)))
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


def _written(specs: tuple[FieldSpec, ...], thing: object) -> dict[str, Any]:
    """The declared keys of a domain object as TOML values, leaving out the unknown ones
    and those at their default."""
    data = {}
    for spec in specs:
        value = getattr(thing, spec.name)
        if value is not None and value != DEFAULTS.get(spec.name):
            written = spec.type.write(value)
            if written is not None:
                data[spec.name] = written
    return data


def encode_place(place: Place) -> dict[str, Any]:
    data = _written(fields.PLACE_FIELDS, place)
    data.update(place.extra)
    if place.amenities:
        data["amenities"] = dict(place.amenities)
    if place.price is not None and not place.price.is_empty:
        data["price"] = _written(fields.PRICE_FIELDS, place.price) | dict(place.price.extra)
    if place.private:
        data["private"] = dict(place.private)
    if place.visits:
        data["visits"] = [
            _written(fields.VISIT_FIELDS, visit) | dict(visit.extra) for visit in place.visits
        ]
    return data


def encode(places: Iterable[Place], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {"version": FORMAT_VERSION}
    document.update(extra or {})
    document["place"] = [encode_place(place) for place in places]
    return document
