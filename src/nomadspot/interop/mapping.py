"""Import, stage 3: records to places. ``Mapper`` reads each catalogue key from the
record's column (``--map KEY=FIELD``) or, for OpenStreetMap data, from its tags
(``osm``, and ``osm_facts`` for sockets, checks and closures); a record that cannot be a
place gives its skip reason (``reasons``). Ids are made unique within the batch and
places that a load would refuse are dropped (the safety net).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from nomadspot import codec
from nomadspot.errors import UsageError
from nomadspot.fields import COUNTRY, SEATS, FieldSpec, clean_text
from nomadspot.interop import osm, osm_facts, sources
from nomadspot.interop.detect import Format, quote
from nomadspot.interop.exporting import (
    CSV_COLUMNS,
    PLACE_COLUMNS,
    PRICE_COLUMN_SPECS,
    PRIVATE_PREFIX,
)
from nomadspot.interop.reasons import (
    NO_CITY,
    NO_KIND,
    NO_NAME,
    OUT_OF_RANGE,
    UNREADABLE_COORDINATES,
)
from nomadspot.interop.records import Record, number
from nomadspot.model import EMPTY, Place, Price
from nomadspot.text import fold, slug
from nomadspot.vocabulary import (
    AMENITY_KEYS,
    KIND_ALIASES,
    Kind,
    Sockets,
    Status,
    find_amenity,
    find_kind,
)

Locate = Callable[[float, float], tuple[str, str] | None]
Progress = Callable[[int, int], None]

# The catalogue keys ``--map KEY=FIELD`` accepts: the export's columns, so that export then
# import round-trips (amenity aliases are accepted too and read as their canonical key:
# ``--map wi-fi=WIFI``).
MAP_KEYS: tuple[str, ...] = CSV_COLUMNS

# The keys read by rules of their own in ``Mapper.place`` (OpenStreetMap tags, geometry,
# fall-backs); every other column is read by its declared type.
_OWN_RULES = frozenset(
    {"id", "name", "kind", "city", "country", "address", "lat", "lon", "opening_hours"}
    | {"opening_hours_raw", "seats", "website", "phone", "source"}
)

_BY_TYPE: tuple[FieldSpec, ...] = tuple(
    spec for spec in PLACE_COLUMNS if spec.name not in _OWN_RULES
)

MAX_ID_LENGTH = 60
MAX_HOURS_LENGTH = 2_000
_ID_PATTERN = codec.ID_PATTERN
_YES = frozenset({"yes", "y", "true", "1", "oui", "x"})
_NO = frozenset({"no", "n", "false", "0", "non"})


@dataclass(frozen=True)
class ImportOptions:
    """What the user said on the command line. ``mapping``: catalogue key -> the file's
    column or property (``--map``); ``kind``/``city``: for records that have none;
    ``locate``: (lat, lon) -> (city, country) of the nearest commune, or None."""

    fmt: Format | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    kind: Kind | None = None
    city: str | None = None
    locate: Locate | None = None
    today: dt.date | None = None  # a check date after it is a mistake, left out


@dataclass(frozen=True)
class ImportBatch:
    """The places read from a file (ids unique among them), the records skipped by reason,
    how many places keep their hours as ``opening_hours_raw``, how many records the file
    held, and the format it was read as."""

    places: tuple[Place, ...]
    skipped: Mapping[str, int]
    raw_hours: int
    total: int
    fmt: Format | None = None
    # How many values of opening_hours were stored tidied (``Mo, Th`` read as ``Mo,Th``).
    tidied_hours: int = 0
    # The native sources (``Mapper.native_source``) of every record of the file, skipped
    # ones included: an element that is in the file has not vanished, even when it could
    # not be imported (see vanished). Empty for a catalogue or a nomadspot export.
    seen: frozenset[str] = frozenset()


def resolve_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    """``--map`` pairs with each KEY made canonical; an unknown KEY is a ``UsageError``."""
    resolved: dict[str, str] = {}
    for key, source_field in mapping.items():
        name = key.strip()
        canonical = name if name in MAP_KEYS else name.replace(".", "_")
        if canonical not in MAP_KEYS:
            amenity = find_amenity(name)
            if amenity is None:
                raise UsageError(
                    f"--map {quote(name)}={quote(source_field)}: {quote(name)} is not a "
                    "catalogue key",
                    hint="keys: " + ", ".join(MAP_KEYS),
                )
            canonical = amenity.value
        resolved[canonical] = source_field
    return resolved


def _text(value: Any) -> str | None:
    return clean_text(value)


def _country(value: Any) -> str | None:
    return COUNTRY.take(value)  # type: ignore[no-any-return]


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and len(value) < 10:
        word = value.strip().lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
    return None


_KIND_PHRASES: dict[str, Kind] = {
    fold(word): kind for kind, words in KIND_ALIASES.items() for word in (kind.value, *words)
}

_KIND_PHRASE_WORDS = max(len(phrase.split()) for phrase in _KIND_PHRASES)

# Kinds that say less than the others: "Tiers lieux à dominante coworking" is coworking.
_GENERIC_KINDS = frozenset({Kind.TIERS_LIEU, Kind.OTHER, Kind.AGENCY})


def guess_kind(text: str) -> Kind | None:
    """The kind a word or a phrase names. A phrase that names several kinds gives the first
    specific one: "Tiers lieux à dominante coworking" -> coworking, "Tiers lieux à
    dominante fablab" -> tiers_lieu, "Café-restaurant" -> cafe."""
    if len(text) > 500:
        return None
    kind = find_kind(text)
    if kind is not None:
        return kind
    words = fold(text).split()
    found: list[Kind] = []
    position = 0
    while position < len(words):
        for size in range(min(_KIND_PHRASE_WORDS, len(words) - position), 0, -1):
            match = _KIND_PHRASES.get(" ".join(words[position : position + size]))
            if match is not None:
                found.append(match)
                position += size
                break
        else:
            position += 1
    specific = [kind for kind in found if kind not in _GENERIC_KINDS]
    best = specific or found
    return best[0] if best else None


class Hours:
    """opening_hours validation, once per distinct value."""

    def __init__(self) -> None:
        self.known: dict[str, bool] = {}

    def valid(self, text: str) -> bool:
        found = self.known.get(text)
        if found is None:
            found = _validate_hours(text)
            self.known[text] = found
        return found

    def usable(self, text: str) -> str | None:
        """The value read as meant (``hours.as_meant``: ``Mo, Th 11:30-22:00`` is
        ``Mo,Th 11:30-22:00``), or its typographic tidy-up when only that parses, or None."""
        from nomadspot.hours import as_meant

        for candidate in dict.fromkeys((text, tidy_hours(text))):
            meant = as_meant(candidate)
            if self.valid(meant.expression):
                return meant.tidied
        return None


_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))


def tidy_hours(text: str) -> str:
    """Undo what word processors and hurried mappers do to an opening_hours value, and
    nothing that could change its meaning: typographic dashes become '-', space around
    ';' and runs of spaces are made regular, a trailing ';' is dropped. On the 19,571
    values of a public set of "invalid but unambiguous" OpenStreetMap hours that the
    parser rejects, this saves 1,684."""
    tidy = text.translate(_DASHES)
    tidy = re.sub(r"\s*;\s*", "; ", tidy)
    tidy = re.sub(r"\s+", " ", tidy).strip().rstrip(";").strip()
    return re.sub(r"(\d{1,2}:\d\d)\s*-\s*(\d{1,2}:\d\d)", r"\1-\2", tidy)


def _validate_hours(text: str) -> bool:
    if len(text) > MAX_HOURS_LENGTH:
        return False
    import opening_hours

    try:
        return bool(opening_hours.validate(text))
    except BaseException as error:  # a panic in the Rust parser is a BaseException
        if isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        return False


class Mapper:
    def __init__(self, mapping: Mapping[str, str], options: ImportOptions) -> None:
        self.mapping = mapping
        self.options = options
        self.default_city = _text(options.city) if options.city is not None else None
        self.hours = Hours()
        self.tidied_hours = 0  # values stored tidied (read as meant, typography)
        self.located: dict[tuple[float, float], tuple[str, str] | None] = {}

    def get(self, props: Mapping[str, Any], key: str) -> Any:
        source_field = self.mapping.get(key)
        return props.get(key if source_field is None else source_field)

    def locate(self, lat: float, lon: float) -> tuple[str, str] | None:
        if self.options.locate is None:
            return None
        key = (lat, lon)
        if key not in self.located:
            self.located[key] = self.options.locate(lat, lon)
        return self.located[key]

    def place(self, record: Record) -> Place | str:
        """The place a record stands for, or the reason it is skipped."""
        props = record.props
        name = _text(self.get(props, "name"))
        if name is None:
            return NO_NAME
        kind = self.kind(props)
        if kind is None:
            return NO_KIND
        coordinates = self.coordinates(record)
        if isinstance(coordinates, str):
            return coordinates
        lat, lon = coordinates if coordinates is not None else (None, None)
        town = self.town(props, lat, lon)
        if town is None:
            return NO_CITY
        city, country = town
        hours, raw_hours = self.opening_hours(props)
        source = self.source(record)
        place_id = self.explicit_id(self.get(props, "id"), "kind" in props)
        place = Place(
            id=place_id or derive_id(name, city, source),
            name=name,
            kind=kind,
            city=city,
            country=country,
            address=self.text_or_osm(props, "address", osm.address),
            lat=lat,
            lon=lon,
            opening_hours=hours,
            opening_hours_raw=raw_hours,
            seats=SEATS.take(self.get(props, "seats")),
            website=self.text_or_osm(props, "website", osm.website),
            phone=self.text_or_osm(props, "phone", osm.phone),
            source=source,
            **self.by_type(props),
            amenities=self.amenities(props) or EMPTY,
            price=self.price(props),
        )
        return self.with_tag_facts(place, props)

    def kind(self, props: Mapping[str, Any]) -> Kind | None:
        """The kind a column says (through its vocabulary: the census's ``TYPO``), else
        the OpenStreetMap tags (a closed café's ``disused:amenity=cafe`` too), else
        ``--kind``. A kind column whose value names no kind does not fall back to tags."""
        value = self.get(props, "kind")
        vocabulary = sources.KIND_VOCABULARIES.get(self.mapping.get("kind", "").upper())
        if vocabulary is not None:
            kind = vocabulary(value)
        else:
            kind = guess_kind(value) if isinstance(value, str) else None
        if kind is None and "kind" not in self.mapping and _text(value) is None:
            kind = osm.kind(props)
            if kind is None and osm_facts.mentions_facts(props):
                kind = osm.kind(osm_facts.kind_tags(props))
        return kind or self.options.kind

    def town(
        self, props: Mapping[str, Any], lat: float | None, lon: float | None
    ) -> tuple[str, str | None] | None:
        """The city and country: the columns, the address tags, ``--city``, else the
        nearest town of the gazetteer."""
        city = _text(self.get(props, "city"))
        if city is None and "city" not in self.mapping:
            city = osm.city(props)
        country = _country(self.get(props, "country"))
        if country is None and "country" not in self.mapping:
            country = osm.country(props)
        if city is None:
            city = self.default_city
        if city is None and lat is not None and lon is not None:
            found = self.locate(lat, lon)
            if found is not None:
                city = _text(found[0])
                country = country or _country(found[1])
        return None if city is None else (city, country)

    def opening_hours(self, props: Mapping[str, Any]) -> tuple[str | None, str | None]:
        """``opening_hours`` when it parses (maybe tidied), else kept as ``_raw``."""
        hours = _text(self.get(props, "opening_hours"))
        raw_hours = _text(self.get(props, "opening_hours_raw"))
        if hours is not None:
            usable = self.hours.usable(hours)
            if usable is None:
                raw_hours = raw_hours or hours
            elif usable != hours:
                self.tidied_hours += 1
            hours = usable
        return hours, raw_hours

    def source(self, record: Record) -> str | None:
        """``--map source=``'s column; else the record's id in its own source
        (``native_source``); else a ``source`` column of a file that is no OpenStreetMap
        data (an OSM ``source`` tag is not ours)."""
        props = record.props
        if "source" in self.mapping:
            return _text(self.get(props, "source"))
        native = self.native_source(record)
        if native is None and ("kind" in props or not osm.looks_like_osm(props)):
            return _text(props.get("source"))
        return native

    def native_source(self, record: Record) -> str | None:
        """The record's id in the source the file is an export of: its OpenStreetMap
        element, or its census record (``census:tiers-lieux-2019/ID``). None for another
        file (a nomadspot export's ``source`` column is a copy, not the source)."""
        if "source" in self.mapping:
            return None
        if record.osm_source is not None:
            return record.osm_source
        if sources.is_census(record.props):
            return sources.census_source(record.props.get("ID"))
        return None

    def with_tag_facts(self, place: Place, props: Mapping[str, Any]) -> Place:
        """What the OpenStreetMap tags say of the facts the file's columns left unknown:
        closed, seats (``capacity:seats``), sockets, when last checked. Sockets, the more
        precise fact, decide ``power`` when the two disagree."""
        facts: dict[str, Any] = {}
        mentions = osm_facts.mentions_facts(props)  # most elements do not: skip look-ups
        if (
            place.status is Status.OPEN
            and "status" not in self.mapping
            and (
                osm_facts.closed_by_hours(props)
                or (mentions and osm_facts.closed_by_lifecycle(props))
            )
        ):
            facts["status"] = Status.CLOSED
        if mentions:
            facts.update(self.more_facts(place, props))
        sockets = facts.get("sockets", place.sockets)
        if sockets is not None and place.amenities.get("power") not in (None, sockets.power):
            facts["amenities"] = {**place.amenities, "power": sockets.power}
        return replace(place, **facts) if facts else place

    def more_facts(self, place: Place, props: Mapping[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if place.seats is None and "seats" not in self.mapping:
            found["seats"] = osm_facts.seats(props)
        if place.sockets is None and "sockets" not in self.mapping:
            sockets = osm_facts.sockets(props)
            found["sockets"] = Sockets(sockets) if sockets is not None else None
        if place.checked is None and "checked" not in self.mapping:
            found["checked"] = osm_facts.checked(props, self.options.today)
        return {key: value for key, value in found.items() if value is not None}

    def by_type(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The columns read by their declared type; what is absent keeps its default.
        ``private.KEY`` columns (an export with --include-private) are private values."""
        values = ((spec.name, spec.type.take(self.get(props, spec.flat))) for spec in _BY_TYPE)
        found = {name: value for name, value in values if value is not None}
        private = {
            key[len(PRIVATE_PREFIX) :]: value
            for key, value in props.items()
            if key.startswith(PRIVATE_PREFIX) and key != PRIVATE_PREFIX and value not in (None, "")
        }
        if private:
            found["private"] = private
        return found

    def text_or_osm(
        self,
        props: Mapping[str, Any],
        key: str,
        from_tags: Callable[[Mapping[str, Any]], str | None],
    ) -> str | None:
        value = _text(self.get(props, key))
        if value is None and key not in self.mapping:
            value = from_tags(props)
        return value

    def explicit_id(self, value: Any, nomadspot_shaped: bool) -> str | None:
        """An id column or property, used when it is a valid id. A foreign file's
        ``id = 17`` is no place id: an id of digits only is used when the record also has
        a ``kind`` (nomadspot's own export) or ``--map id=`` chose the field."""
        text = _text(value)
        if text is None:
            return None
        if "id" in self.mapping:
            text = slug(text[:200])[:MAX_ID_LENGTH].strip("-")
            return text or None
        if (
            len(text) <= 200
            and _ID_PATTERN.match(text)
            and (nomadspot_shaped or re.search("[a-z]", text))
        ):
            return text
        return None

    def coordinates(self, record: Record) -> tuple[float, float] | str | None:
        if "lat" in self.mapping or "lon" in self.mapping or not record.has_point:
            lat_value = self.get(record.props, "lat")
            lon_value = self.get(record.props, "lon")
        else:
            lat_value, lon_value = record.lat, record.lon
        lat, lon = number(lat_value), number(lon_value)
        if lat is None and lon is None:
            return None
        if not isinstance(lat, float) or not isinstance(lon, float):
            return UNREADABLE_COORDINATES
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # nan is never in range
            return OUT_OF_RANGE
        return lat, lon

    def amenities(self, props: Mapping[str, Any]) -> dict[str, bool]:
        found = osm.amenities(props)
        if "wifi" not in found and osm_facts.free_wifi(props):
            found["wifi"] = True  # internet_access:fee=customers|no
        nested = props.get("amenities")
        if isinstance(nested, dict):
            for key, value in nested.items():
                cleaned = _text(key)
                flag = _flag(value)
                if cleaned is not None and flag is not None:
                    amenity = find_amenity(cleaned)
                    found[amenity.value if amenity else cleaned] = flag
        for key in AMENITY_KEYS:
            flag = _flag(self.get(props, key))
            if flag is not None:
                found[key] = flag
        return found

    def price(self, props: Mapping[str, Any]) -> Price | None:
        price = Price(
            **{spec.name: spec.type.take(self.get(props, spec.flat)) for spec in PRICE_COLUMN_SPECS}
        )
        return None if price.is_empty else price


def derive_id(name: str, city: str, source: str | None = None) -> str:
    """``slug(name + "-" + city)``, at most 60 characters; from the source, or "place",
    when the name and city have no letter or digit a-z 0-9."""
    base = slug(f"{name[:200]}-{city[:100]}")[:MAX_ID_LENGTH].strip("-")
    if not base and source:
        base = slug(source[:200])[:MAX_ID_LENGTH].strip("-")
    return base or "place"


class Namer:
    """Unique ids: ``base``, then ``base-2``, ``base-3``... without rescanning."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken
        self.next: dict[str, int] = {}

    def __call__(self, base: str) -> str:
        if base not in self.taken:
            self.taken.add(base)
            return base
        number = self.next.get(base, 2)
        while f"{base}-{number}" in self.taken:
            number += 1
        self.next[base] = number + 1
        name = f"{base}-{number}"
        self.taken.add(name)
        return name


def unique_ids(places: list[Place]) -> list[Place]:
    namer = Namer(set())
    unique = []
    for place in places:
        new_id = namer(place.id)
        unique.append(place if new_id == place.id else replace(place, id=new_id))
    return unique


def drop_invalid(places: list[Place]) -> tuple[list[Place], int]:
    """What a load would refuse never reaches the catalogue (the mapping should make none:
    this is the safety net)."""
    try:
        codec.decode(
            {
                "version": codec.FORMAT_VERSION,
                "place": [codec.encode_place(place) for place in places],
            }
        )
    except codec.InvalidCatalogue as invalid:
        bad = {problem.place for problem in invalid.problems}
        kept = [
            place
            for position, place in enumerate(places, start=1)
            if place.id not in bad and f"#{position}" not in bad
        ]
        return kept, len(places) - len(kept)
    return places, 0
