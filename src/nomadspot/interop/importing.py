"""Reading places from other tools' files, and merging them into a catalogue.

Pure functions: the caller reads nothing but the import file through ``read_import`` and
writes the catalogue itself. Formats:

- ``osm``: Overpass API JSON (``elements`` with ``type``, ``id``, ``lat``/``lon`` or
  ``center``, ``tags``);
- ``geojson``: a FeatureCollection: Overpass turbo's and osmtogeojson's exports (tags as
  properties), exports that flatten tag keys (``addr_street``, ``osm_id``), nomadspot's
  own export, or any other with ``--map``;
- ``csv``: a header row of catalogue keys (nomadspot's own export) or of anything else
  with ``--map``; ``,``, ``;`` or tab separated;
- ``toml``: another nomadspot catalogue; ``json``: nomadspot's JSON export (a list of
  place objects). These two are never guessed wrongly for one another: ``json`` is only
  chosen for a JSON file whose top level is a list.

A record that cannot become a place is skipped and counted under its reason; the file as
a whole is refused (``UsageError``, exit 2) only when it is not what it claims to be.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from nomadspot import codec
from nomadspot.errors import UsageError
from nomadspot.fields import COUNTRY, PLACE_FIELDS, SEATS, Day, FieldSpec, clean_text
from nomadspot.interop import osm
from nomadspot.interop.exporting import (
    CSV_COLUMNS,
    PLACE_COLUMNS,
    PRICE_COLUMN_SPECS,
    PRIVATE_PREFIX,
    uncsv_cell,
)
from nomadspot.model import EMPTY, Place, Price, Visit
from nomadspot.text import fold, fold_cached, slug
from nomadspot.vocabulary import AMENITY_KEYS, KIND_ALIASES, Kind, find_amenity, find_kind

Format = Literal["osm", "geojson", "csv", "toml", "json"]
FORMATS: tuple[Format, ...] = ("osm", "geojson", "csv", "toml", "json")
Locate = Callable[[float, float], tuple[str, str] | None]
Progress = Callable[[int, int], None]
K = TypeVar("K")

# The catalogue keys ``--map KEY=FIELD`` accepts: the export's columns, so that export then
# import round-trips (amenity aliases are accepted too and read as their canonical key:
# ``--map wi-fi=WIFI``).
MAP_KEYS: tuple[str, ...] = CSV_COLUMNS
# The keys read by rules of their own in ``_Mapper.place`` (OpenStreetMap tags, geometry,
# fall-backs); every other column is read by its declared type.
_OWN_RULES = frozenset(
    {"id", "name", "kind", "city", "country", "address", "lat", "lon", "opening_hours"}
    | {"opening_hours_raw", "seats", "website", "phone", "source"}
)
_DATE_KEYS = tuple(spec.name for spec in PLACE_FIELDS if isinstance(spec.type, Day))
_BY_TYPE: tuple[FieldSpec, ...] = tuple(
    spec for spec in PLACE_COLUMNS if spec.name not in _OWN_RULES
)

# Reasons a record is skipped (the keys of ``ImportBatch.skipped``).
NO_NAME = "no name"
NO_KIND = "no usable kind"
NO_CITY = "no city"
OUT_OF_RANGE = "coordinates out of range"
UNREADABLE_COORDINATES = "unreadable coordinates"
NO_TAGS = "no tags (geometry only)"
NOT_AN_ELEMENT = "not an OSM element"
NOT_A_FEATURE = "not a GeoJSON feature"
NOT_A_PLACE = "not a place"
INVALID_PLACE = "invalid place"

HEAD_SIZE = 1 << 20
MAX_ID_LENGTH = 60
MAX_HOURS_LENGTH = 2_000
_ID_PATTERN = codec.ID_PATTERN
_SURROGATE = re.compile("[\ud800-\udfff]")
_TOML_HEAD = re.compile(rb"^\s*(?:version\s*=|\[\[place\]\])", re.MULTILINE)
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


@dataclass(frozen=True)
class MergeResult:
    places: tuple[Place, ...]
    added: int
    updated: int
    unchanged: int


# --- reading the file ---------------------------------------------------------------------


def read_import(
    path: Path, options: ImportOptions, progress: Progress | None = None
) -> ImportBatch:
    """Read and map the import file. ``UsageError`` with a one-line message when the file
    cannot be read or is not what it claims to be; skipped records are counted instead."""
    return parse_import(_read_bytes(path), path, options, progress)


def parse_import(
    data: bytes, path: Path, options: ImportOptions, progress: Progress | None = None
) -> ImportBatch:
    """``read_import`` on bytes already read (``path`` names the file in messages and its
    suffix helps guess the format)."""
    mapping = resolve_mapping(options.mapping)
    fmt = options.fmt
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown import format {fmt!r}; use one of osm, geojson, csv, toml")
    document: Any = None
    if fmt is None:
        if not _head_text(data[:HEAD_SIZE]):
            raise UsageError(f"{path} is empty")
        if _json_like(path, _head_text(data[:HEAD_SIZE])):
            # The whole document says what it is, better than its first bytes.
            document = _load_json(data, path)
            fmt = _json_format(document, path)
        else:
            fmt = guess_format(path, data[:HEAD_SIZE])
    if fmt in ("toml", "json"):
        if mapping:
            raise UsageError(
                f"--map does not apply to a nomadspot catalogue ({fmt}); "
                "it is for csv, geojson and osm files"
            )
        if fmt == "toml":
            raws = _toml_places(data, path)
        else:
            raws = _json_places(_load_json(data, path) if document is None else document, path)
        return _catalogue_batch(raws, fmt, progress)
    if fmt == "csv":
        records = _csv_records(data, path, mapping)
    else:
        if document is None:
            document = _load_json(data, path)
        read = _osm_records if fmt == "osm" else _geojson_records
        records = read(document, path)
        _check_mapped_fields(records, mapping, path)
    return _map_records(records, fmt, mapping, options, progress)


def _map_records(
    records: list[_Record | str],
    fmt: Format,
    mapping: Mapping[str, str],
    options: ImportOptions,
    progress: Progress | None,
) -> ImportBatch:
    mapper = _Mapper(mapping, options)
    skipped: dict[str, int] = {}
    places: list[Place] = []
    total = len(records)
    step = max(1, total // 100)
    for number, record in enumerate(records, start=1):
        result = record if isinstance(record, str) else mapper.place(record)
        if isinstance(result, str):
            skipped[result] = skipped.get(result, 0) + 1
        else:
            places.append(result)
        if progress is not None and (number % step == 0 or number == total):
            progress(number, total)
    places, invalid = _drop_invalid(_unique_ids(places))
    if invalid:
        skipped[INVALID_PLACE] = skipped.get(INVALID_PLACE, 0) + invalid
    raw_hours = sum(1 for place in places if place.opening_hours_raw is not None)
    return ImportBatch(tuple(places), skipped, raw_hours, total, fmt)


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
                    f"--map {_quote(name)}={_quote(source_field)}: {_quote(name)} is not a "
                    "catalogue key",
                    hint="keys: " + ", ".join(MAP_KEYS),
                )
            canonical = amenity.value
        resolved[canonical] = source_field
    return resolved


def guess_format(path: Path, head: bytes) -> Format:
    """The format of a file from its first bytes and its name; ``UsageError`` when it
    cannot tell (then ``--from`` says it)."""
    text = _head_text(head)
    suffix = path.suffix.lower()
    if not text:
        raise UsageError(f"{path} is empty")
    if suffix == ".toml" or (suffix not in JSON_SUFFIXES and _TOML_HEAD.search(text[:4096])):
        return "toml"
    if _json_like(path, text):
        if text[:1] == b"[":
            return "json"
        if b'"FeatureCollection"' in text or b'"features"' in text or b'"Feature"' in text:
            return "geojson"
        if b'"elements"' in text:
            return "osm"
        if suffix == ".geojson":
            return "geojson"
        if text[:1] == b"{":
            raise UsageError(
                f"cannot tell whether {path} is Overpass JSON or GeoJSON",
                hint="say it with --from osm or --from geojson",
            )
        return "osm"  # not JSON at all: reading it says where it goes wrong
    if suffix in (".osm", ".xml", ".pbf") or text[:1] == b"<":
        raise UsageError(
            f"{path} looks like OpenStreetMap XML, which nomadspot does not read",
            hint="ask Overpass for JSON ([out:json];) and use --from osm",
        )
    first_line = text.split(b"\n", 1)[0]
    if suffix in TEXT_SUFFIXES or any(separator in first_line for separator in (b",", b";", b"\t")):
        return "csv"
    raise UsageError(
        f"cannot tell the format of {path}",
        hint="say it with --from osm, --from geojson, --from csv or --from toml",
    )


JSON_SUFFIXES = (".json", ".geojson")
TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".toml")


def _head_text(head: bytes) -> bytes:
    text = _strip_bom(head)
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = text[:4096].decode("utf-16", errors="ignore").encode()
    return text.lstrip()


def _json_like(path: Path, text: bytes) -> bool:
    suffix = path.suffix.lower()
    return suffix in JSON_SUFFIXES or (suffix not in TEXT_SUFFIXES and text[:1] in (b"{", b"["))


def _quote(text: str, limit: int = 40) -> str:
    """A value from the user or the file, for a one-line message."""
    shown = text if len(text) <= limit else text[:limit] + "..."
    return repr(shown)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise UsageError(f"{path}: no such file") from error
    except IsADirectoryError as error:
        raise UsageError(f"{path} is a folder, not a file to import") from error
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from error


def _strip_bom(data: bytes) -> bytes:
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def _decode_text(data: bytes, path: Path) -> str:
    """UTF-8 (with or without a byte order mark), or UTF-16 with its byte order mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise UsageError(f"{path} is not valid UTF-16 text") from error
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        start = error.start + bom
        line = data[:start].count(b"\n") + 1
        raise UsageError(
            f"{path} is not UTF-8 text (byte {start + 1}, line {line})",
            hint="convert it first, e.g. iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8",
        ) from error


def _load_json(data: bytes, path: Path) -> Any:
    text = _decode_text(data, path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"{path} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error
    except RecursionError as error:
        raise UsageError(f"{path} is JSON nested too deeply to be a list of places") from error
    except ValueError as error:  # an integer of thousands of digits
        message = str(error).split(";")[0]
        raise UsageError(f"{path} is not usable JSON: {message}") from error


def _is_geojson(document: Any) -> bool:
    return isinstance(document, dict) and (
        document.get("type") in ("FeatureCollection", "Feature") or "features" in document
    )


def _json_format(document: Any, path: Path) -> Format:
    if isinstance(document, list):
        return "json"
    if isinstance(document, dict) and "elements" in document:
        return "osm"
    if _is_geojson(document):
        return "geojson"
    raise UsageError(
        f"{path} is JSON, but neither Overpass API JSON (an 'elements' list) "
        "nor a GeoJSON FeatureCollection"
    )


# --- records: one per element, feature or row ----------------------------------------------

_MISSING: Any = None


class _Unreadable:
    """A geometry that is there but gives no point."""


UNREADABLE = _Unreadable()


@dataclass(frozen=True, slots=True)
class _Record:
    props: Mapping[str, Any]
    # From the geometry (GeoJSON) or the element (Overpass); None: not given there.
    lat: Any = None
    lon: Any = None
    has_point: bool = False
    osm_source: str | None = None


def _osm_records(document: Any, path: Path) -> list[_Record | str]:
    elements = document.get("elements") if isinstance(document, dict) else None
    if not isinstance(elements, list):
        hint = "it looks like GeoJSON: use --from geojson" if _is_geojson(document) else None
        raise UsageError(f"{path} is not Overpass API JSON (no 'elements' list)", hint=hint)
    records: list[_Record | str] = []
    for element in elements:
        if not isinstance(element, dict):
            records.append(NOT_AN_ELEMENT)
            continue
        tags = element.get("tags")
        if not isinstance(tags, dict) or not tags:
            records.append(NO_TAGS)
            continue
        lat, lon, has_point = _element_point(element)
        records.append(
            _Record(tags, lat, lon, has_point, osm.identity(element.get("type"), element.get("id")))
        )
    return records


def _element_point(element: Mapping[str, Any]) -> tuple[Any, Any, bool]:
    """A node's lat/lon; a way's or relation's ``center`` (``out center``), else the middle
    of its ``bounds`` (``out bb``), else the centroid of its ``geometry`` (``out geom``)."""
    if element.get("lat") is not None or element.get("lon") is not None:
        return element.get("lat"), element.get("lon"), True
    center = element.get("center")
    if isinstance(center, dict):
        return center.get("lat"), center.get("lon"), True
    if center is not None:
        return UNREADABLE, UNREADABLE, True
    bounds = element.get("bounds")
    if isinstance(bounds, dict):
        edges = [_number(bounds.get(key)) for key in ("minlat", "maxlat", "minlon", "maxlon")]
        floats = [edge for edge in edges if isinstance(edge, float)]
        if len(floats) == 4:
            return _round((floats[0] + floats[1]) / 2), _round((floats[2] + floats[3]) / 2), True
        return UNREADABLE, UNREADABLE, True
    geometry = element.get("geometry")
    if isinstance(geometry, list):
        points = [
            (_number(p.get("lat")), _number(p.get("lon"))) for p in geometry if isinstance(p, dict)
        ]
        usable = [(a, b) for a, b in points if isinstance(a, float) and isinstance(b, float)]
        if not usable:
            return UNREADABLE, UNREADABLE, True
        return (
            _round(sum(a for a, _ in usable) / len(usable)),
            _round(sum(b for _, b in usable) / len(usable)),
            True,
        )
    return None, None, False


def _geojson_records(document: Any, path: Path) -> list[_Record | str]:
    if isinstance(document, dict) and document.get("type") == "Feature":
        features: Any = [document]
    elif isinstance(document, dict) and (
        document.get("type") == "FeatureCollection" or "features" in document
    ):
        features = document.get("features")
    else:
        hint = (
            "it looks like Overpass API JSON: use --from osm"
            if isinstance(document, dict) and "elements" in document
            else None
        )
        raise UsageError(f"{path} is not a GeoJSON FeatureCollection", hint=hint)
    if not isinstance(features, list):
        raise UsageError(f"{path} is not a GeoJSON FeatureCollection ('features' is not a list)")
    _check_crs(document, path)
    records: list[_Record | str] = []
    for feature in features:
        if not isinstance(feature, dict) or (
            feature.get("type") != "Feature" and "properties" not in feature
        ):
            records.append(NOT_A_FEATURE)
            continue
        props = feature.get("properties")
        if not isinstance(props, dict):
            props = {}
        source = osm.properties_identity(props, feature.get("id"))
        nested = props.get("tags")
        if isinstance(nested, dict):  # osmtogeojson before 3.0: {type, id, tags: {...}}
            props = {**props, **nested}
            props.pop("tags", None)
        lat, lon, has_point = _geometry_point(feature.get("geometry"))
        records.append(_Record(props, lat, lon, has_point, source))
    return records


def _check_crs(document: Mapping[str, Any], path: Path) -> None:
    """RFC 7946 GeoJSON is longitude/latitude (WGS 84). Older files may name another CRS
    (Lambert 93...): their coordinates would all be 'out of range', so say why."""
    crs = document.get("crs")
    properties = crs.get("properties") if isinstance(crs, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    if isinstance(name, str) and not any(code in name.upper() for code in ("CRS84", "4326")):
        raise UsageError(
            f"{path} has coordinates in {_quote(name)}, not longitude/latitude (WGS 84)",
            hint="re-export it in WGS 84, e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson",
        )


def _geometry_point(geometry: Any) -> tuple[Any, Any, bool]:
    """A Point's coordinates, or the centroid of the positions of any other geometry."""
    if geometry is None:
        return None, None, False
    if not isinstance(geometry, dict):
        return UNREADABLE, UNREADABLE, True
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Point":
        if isinstance(coordinates, list) and len(coordinates) >= 2:
            return coordinates[1], coordinates[0], True
        return UNREADABLE, UNREADABLE, True
    positions: list[tuple[float, float]] = []
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        for member in members if isinstance(members, list) else []:
            if isinstance(member, dict):
                _positions(member.get("coordinates"), positions, 0)
    else:
        _positions(coordinates, positions, 0)
    if not positions:
        return UNREADABLE, UNREADABLE, True
    lon = sum(position[0] for position in positions) / len(positions)
    lat = sum(position[1] for position in positions) / len(positions)
    return _round(lat), _round(lon), True


def _round(value: float) -> float:
    """A computed centre to OpenStreetMap's precision (7 decimals, about 1 cm)."""
    return round(value, 7) if math.isfinite(value) else value


def _positions(value: Any, out: list[tuple[float, float]], depth: int) -> None:
    """Collect [lon, lat] positions from nested coordinate arrays; a closed ring's last
    position (the same as its first) counts once."""
    if depth > 6 or not isinstance(value, list) or not value:
        return
    first = value[0]
    if _is_number(first):
        if len(value) >= 2 and _is_number(value[1]):
            out.append((float(first), float(value[1])))
        return
    start = len(out)
    for item in value:
        _positions(item, out, depth + 1)
    if (
        len(out) - start > 1
        and out[start] == out[-1]
        and isinstance(first, list)
        and first
        and _is_number(first[0])
    ):
        out.pop()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@contextlib.contextmanager
def _csv_field_limit() -> Iterator[None]:
    """Allow huge cells (the csv module stops at 128 KiB by default)."""
    previous = csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _csv_records(data: bytes, path: Path, mapping: dict[str, str]) -> list[_Record | str]:
    """Rows as records keyed by the header's names. ``mapping``'s fields are matched to
    the header (exactly, else ignoring case) and rewritten to the header's spelling."""
    text = _decode_text(data, path)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        with _csv_field_limit():
            header = next(reader, None)
            if header is None or not any(cell.strip() for cell in header):
                raise UsageError(f"{path} has no header row (the first line names the columns)")
            rows = list(reader)
    except csv.Error as error:
        raise UsageError(f"{path} is not valid CSV (line {reader.line_num}): {error}") from error
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = cell.replace("\x00", "").strip()
        if name and name not in index:
            index[name] = position
    folded = {name.casefold(): name for name in reversed(list(index))}
    columns = ", ".join(_quote(name, 30) for name in list(index)[:12])
    if len(index) > 12:
        columns += ", ..."
    for key, source_field in list(mapping.items()):
        found = source_field if source_field in index else folded.get(source_field.casefold())
        if found is None:
            raise UsageError(
                f"--map {key}={_quote(source_field)}: {path} has no such column",
                hint=f"its columns: {columns}",
            )
        mapping[key] = found
    if "name" not in mapping and "name" not in index:
        raise UsageError(
            f"{path} has no 'name' column",
            hint=f"its columns: {columns}; say which one holds the name with --map name=COLUMN",
        )
    records: list[_Record | str] = []
    width = len(header)
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue  # a blank line is no record
        cells = row if len(row) >= width else row + [""] * (width - len(row))
        props = {name: uncsv_cell(cells[position]) for name, position in index.items()}
        records.append(_Record(props, osm_source=osm.properties_identity(props)))
    return records


def _check_mapped_fields(
    records: Sequence[_Record | str], mapping: Mapping[str, str], path: Path
) -> None:
    """A ``--map`` field that no record of a JSON file has is a typo: say so."""
    real = [record for record in records if isinstance(record, _Record)]
    if not real:
        return
    for key, source_field in mapping.items():
        if not any(source_field in record.props for record in real):
            hint = None
            if key in ("lat", "lon") and any(record.has_point for record in real):
                hint = "the coordinates come from each feature's geometry: leave out --map lat/lon"
            raise UsageError(
                f"--map {key}={_quote(source_field)}: no record of {path} has "
                f"a property {_quote(source_field)}",
                hint=hint,
            )


# --- records to places -----------------------------------------------------------------------


def _text(value: Any) -> str | None:
    return clean_text(value)


def _country(value: Any) -> str | None:
    return COUNTRY.take(value)  # type: ignore[no-any-return]


def _number(value: Any) -> float | _Unreadable | None:
    """A float (maybe out of any range, nan or inf), None when absent or empty, and
    UNREADABLE when present but not a number. ``"47,2459"`` (a decimal comma) reads."""
    if value is None:
        return None
    if isinstance(value, bool):
        return UNREADABLE
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:
            return math.inf
    if not isinstance(value, str):
        return UNREADABLE
    text = value.strip().lstrip("'")
    if not text:
        return None
    if len(text) > 40:
        return UNREADABLE
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return UNREADABLE


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


class _Hours:
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
        """The value, or its typographic tidy-up when only that parses, or None."""
        if self.valid(text):
            return text
        tidy = tidy_hours(text)
        return tidy if tidy != text and self.valid(tidy) else None


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


class _Mapper:
    def __init__(self, mapping: Mapping[str, str], options: ImportOptions) -> None:
        self.mapping = mapping
        self.options = options
        self.default_city = _text(options.city) if options.city is not None else None
        self.hours = _Hours()
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

    def place(self, record: _Record) -> Place | str:
        props = record.props
        mapped = self.mapping
        get = self.get
        name = _text(get(props, "name"))
        if name is None:
            return NO_NAME
        kind_value = get(props, "kind")
        kind = guess_kind(kind_value) if isinstance(kind_value, str) else None
        if kind is None and "kind" not in mapped and _text(kind_value) is None:
            kind = osm.kind(props)  # the tags say, unless a kind that maps to none is given
        kind = kind or self.options.kind
        if kind is None:
            return NO_KIND
        coordinates = self.coordinates(record)
        if isinstance(coordinates, str):
            return coordinates
        lat, lon = coordinates if coordinates is not None else (None, None)
        city = _text(get(props, "city"))
        if city is None and "city" not in mapped:
            city = osm.city(props)
        country = _country(get(props, "country"))
        if country is None and "country" not in mapped:
            country = osm.country(props)
        if city is None:
            city = self.default_city
        if city is None and lat is not None and lon is not None:
            found = self.locate(lat, lon)
            if found is not None:
                city = _text(found[0])
                country = country or _country(found[1])
        if city is None:
            return NO_CITY
        hours = _text(get(props, "opening_hours"))
        raw_hours = _text(get(props, "opening_hours_raw"))
        if hours is not None:
            usable = self.hours.usable(hours)
            if usable is None:
                raw_hours = raw_hours or hours
            hours = usable
        seats = SEATS.take(get(props, "seats"))
        if seats is None and "seats" not in mapped:
            seats = osm.seats(props)
        source = _text(get(props, "source")) if "source" in mapped else record.osm_source
        if (
            source is None
            and "source" not in mapped
            and ("kind" in props or not osm.looks_like_osm(props))
        ):
            source = _text(props.get("source"))  # an OSM "source" tag is not ours
        place_id = self.explicit_id(get(props, "id"), "kind" in props)
        return Place(
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
            seats=seats,
            website=self.text_or_osm(props, "website", osm.website),
            phone=self.text_or_osm(props, "phone", osm.phone),
            source=source,
            **self.by_type(props),
            amenities=self.amenities(props) or EMPTY,
            price=self.price(props),
        )

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

    def coordinates(self, record: _Record) -> tuple[float, float] | str | None:
        if "lat" in self.mapping or "lon" in self.mapping or not record.has_point:
            lat_value = self.get(record.props, "lat")
            lon_value = self.get(record.props, "lon")
        else:
            lat_value, lon_value = record.lat, record.lon
        lat, lon = _number(lat_value), _number(lon_value)
        if lat is None and lon is None:
            return None
        if not isinstance(lat, float) or not isinstance(lon, float):
            return UNREADABLE_COORDINATES
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # nan is never in range
            return OUT_OF_RANGE
        return lat, lon

    def amenities(self, props: Mapping[str, Any]) -> dict[str, bool]:
        found = osm.amenities(props)
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


class _Namer:
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


def _unique_ids(places: list[Place]) -> list[Place]:
    namer = _Namer(set())
    unique = []
    for place in places:
        new_id = namer(place.id)
        unique.append(place if new_id == place.id else replace(place, id=new_id))
    return unique


def _drop_invalid(places: list[Place]) -> tuple[list[Place], int]:
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


# --- another catalogue: toml, or nomadspot's json export -----------------------------------


def _toml_places(data: bytes, path: Path) -> list[Any]:
    import tomllib

    text = _decode_text(data, path)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path} is not valid TOML: {error}") from error
    except RecursionError as error:
        raise UsageError(f"{path} is TOML nested too deeply to be a catalogue") from error
    version = document.get("version")
    if "version" not in document or isinstance(version, bool) or not isinstance(version, int):
        raise UsageError(f"{path} is not a nomadspot catalogue (no 'version = 1' line)")
    if version > codec.FORMAT_VERSION:
        raise UsageError(
            f"{path} has catalogue format version {version}, newer than this "
            f"nomadspot knows ({codec.FORMAT_VERSION})",
            hint="upgrade nomadspot (pip install -U nomadspot)",
        )
    places = document.get("place", [])
    if not isinstance(places, list):
        raise UsageError(f"{path} is not a nomadspot catalogue ('place' is not [[place]] tables)")
    return places


def _json_places(document: Any, path: Path) -> list[Any]:
    if not isinstance(document, list):
        raise UsageError(f"{path} is not a nomadspot JSON export (a list of places)")
    if document and not any(isinstance(item, dict) for item in document):
        raise UsageError(f"{path} is a JSON list, but not of places (objects)")
    return [_json_place(item) if isinstance(item, dict) else item for item in document]


def _json_place(item: dict[str, Any]) -> dict[str, Any]:
    """A place of the JSON export with its dates (ISO 8601 text in JSON) as dates again."""
    place: dict[str, Any] = _json_dates(item, _DATE_KEYS)
    if isinstance(place.get("visits"), list):
        place["visits"] = [_json_dates(visit, ("date",)) for visit in place["visits"]]
    return place


def _json_dates(table: Any, keys: Sequence[str]) -> Any:
    if not isinstance(table, dict):
        return table
    converted = dict(table)
    for key in keys:
        value = table.get(key)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                converted[key] = dt.date.fromisoformat(value.strip())
    return converted


def _catalogue_place(raw: Any) -> Place | str:
    if not isinstance(raw, dict):
        return NOT_A_PLACE
    try:
        return codec.decode({"version": codec.FORMAT_VERSION, "place": [raw]}).places[0]
    except (codec.InvalidCatalogue, RecursionError):
        return INVALID_PLACE


def _catalogue_batch(raws: list[Any], fmt: Format, progress: Progress | None) -> ImportBatch:
    skipped: dict[str, int] = {}
    hours = _Hours()
    places: list[Place] = []
    total = len(raws)
    step = max(1, total // 100)
    for number, raw in enumerate(raws, start=1):
        place = _catalogue_place(raw)
        if isinstance(place, str):
            skipped[place] = skipped.get(place, 0) + 1
        else:
            if place.opening_hours is not None and not hours.valid(place.opening_hours):
                place = replace(
                    place,
                    opening_hours=None,
                    opening_hours_raw=place.opening_hours_raw or place.opening_hours,
                )
            places.append(place)
        if progress is not None and (number % step == 0 or number == total):
            progress(number, total)
    places = _unique_ids(places)
    raw_hours = sum(1 for place in places if place.opening_hours_raw is not None)
    return ImportBatch(tuple(places), skipped, raw_hours, total, fmt)


# --- merging into the catalogue --------------------------------------------------------------


def _key(place: Place) -> tuple[str, str]:
    return fold(place.name), fold_cached(place.city)


def merge(existing: Sequence[Place], incoming: Sequence[Place]) -> MergeResult:
    """Add the incoming places, or update the places they are already in the catalogue as.

    A place is the same when it has the same ``source``; without a source, when it has
    the same name and city (ignoring case, accents and separators), each catalogue place
    matching at most one record of the batch (two "Starbucks, Paris" stay two). A record
    with a source that matches no place's source may also update a place of the same name
    and city that has no source yet (a place added by hand, now linked to OpenStreetMap).

    An update keeps the place's id and the user's own fields: visits (the batch's visits
    are added when new), notes and tags (taken from the batch only when the place has
    none), unknown keys, and every amenity the batch says nothing about. Other fields
    take the batch's value when it has one. New places get unique ids (``-2``,
    ``-3``...). Order: the existing places as they were, then the new ones."""
    places = list(existing)
    by_source: _Candidates[str] = _Candidates()
    by_key: _Candidates[tuple[str, str]] = _Candidates()  # every place, by name and city
    by_key_free: _Candidates[tuple[str, str]] = _Candidates()  # the places with no source
    for position, place in enumerate(places):
        if place.source is not None:
            by_source.add(place.source, position)
        else:
            by_key_free.add(_key(place), position)
        by_key.add(_key(place), position)
    claimed: set[int] = set()
    namer = _Namer({place.id for place in places})
    added = updated = unchanged = 0
    for new in incoming:
        key = _key(new)
        match: int | None = None
        if new.source is not None:
            # the next place with this source; when the batch holds the same element
            # again, the place it already updated
            match = by_source.first(new.source, claimed)
            if match is None:
                match = by_source.any(new.source)
            if match is None:
                match = by_key_free.first(key, claimed)
        else:
            match = by_key.first(key, claimed)
        if match is None:
            new_id = namer(new.id)
            place = new if new_id == new.id else replace(new, id=new_id)
            position = len(places)
            places.append(place)
            by_key.add(key, position)
            if place.source is not None:
                by_source.add(place.source, position)
            if place.source is None:
                by_key_free.add(key, position)
            added += 1
        else:
            position = match
            old = places[position]
            place = update_place(old, new)
            if place == old:
                unchanged += 1
            else:
                places[position] = place
                updated += 1
                if _key(place) != _key(old):
                    by_key.add(_key(place), position)
                if place.source is not None and place.source != old.source:
                    by_source.add(place.source, position)
        claimed.add(position)
    return MergeResult(tuple(places), added, updated, unchanged)


class _Candidates(Generic[K]):
    """Positions of places by key (a source, or a name and city); ``first`` skips the
    places already claimed in this merge, and forgets those at the front so a batch of
    same-named places stays linear."""

    def __init__(self) -> None:
        self.lists: dict[K, list[int]] = {}
        self.start: dict[K, int] = {}

    def add(self, key: K, position: int) -> None:
        self.lists.setdefault(key, []).append(position)

    def any(self, key: K) -> int | None:
        positions = self.lists.get(key)
        return positions[0] if positions else None

    def first(self, key: K, claimed: set[int]) -> int | None:
        positions = self.lists.get(key)
        if not positions:
            return None
        start = self.start.get(key, 0)
        while start < len(positions) and positions[start] in claimed:
            start += 1
        self.start[key] = start
        for position in positions[start:]:
            if position not in claimed:
                return position
        return None


def _pick(new: Any, old: Any) -> Any:
    return old if new is None else new


def update_place(old: Place, new: Place) -> Place:
    """``old`` as the import ``new`` says it is now, keeping what the user made his own."""
    hours_given = new.opening_hours is not None or new.opening_hours_raw is not None
    coordinates_given = new.lat is not None and new.lon is not None
    amenities = old.amenities
    if new.amenities and any(old.amenities.get(k) != v for k, v in new.amenities.items()):
        amenities = {**old.amenities, **new.amenities}
    extra = old.extra
    if any(key not in old.extra for key in new.extra):
        extra = {**new.extra, **old.extra}
    return replace(
        old,
        name=new.name,
        kind=new.kind,
        city=new.city,
        country=_pick(new.country, old.country),
        address=_pick(new.address, old.address),
        lat=new.lat if coordinates_given else old.lat,
        lon=new.lon if coordinates_given else old.lon,
        opening_hours=new.opening_hours if hours_given else old.opening_hours,
        opening_hours_raw=new.opening_hours_raw if hours_given else old.opening_hours_raw,
        seats=_pick(new.seats, old.seats),
        meeting_room_seats=_pick(new.meeting_room_seats, old.meeting_room_seats),
        wifi_mbps=_pick(new.wifi_mbps, old.wifi_mbps),
        website=_pick(new.website, old.website),
        phone=_pick(new.phone, old.phone),
        tags=old.tags or new.tags,
        notes=_pick(old.notes, new.notes),
        source=_pick(new.source, old.source),
        amenities=amenities,
        price=_merge_price(old.price, new.price),
        visits=_merge_visits(old.visits, new.visits),
        extra=extra,
    )


def _merge_price(old: Price | None, new: Price | None) -> Price | None:
    if new is None or old is None:
        return old if new is None else new
    merged = Price(
        hour=_pick(new.hour, old.hour),
        day=_pick(new.day, old.day),
        room_hour=_pick(new.room_hour, old.room_hour),
        currency=_pick(new.currency, old.currency),
        extra={**new.extra, **old.extra} if new.extra else old.extra,
    )
    return old if merged == old else merged


def _merge_visits(old: tuple[Visit, ...], new: tuple[Visit, ...]) -> tuple[Visit, ...]:
    fresh = [visit for visit in new if visit not in old]
    if not fresh:
        return old
    return tuple(sorted((*old, *fresh), key=lambda visit: visit.date))
