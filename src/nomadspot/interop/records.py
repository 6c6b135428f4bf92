"""Import, stage 2: the records of a file, one per OpenStreetMap element, GeoJSON
feature or CSV row, each with its properties and the point its geometry gives; and the
place tables of another nomadspot catalogue (TOML, or nomadspot's JSON export).

A record that is not one (an element without tags, a feature that is no Feature) is its
skip reason instead (``reasons``).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nomadspot import codec
from nomadspot.errors import UsageError
from nomadspot.fields import PLACE_FIELDS, Day
from nomadspot.interop import osm
from nomadspot.interop.detect import decode_text, is_geojson, quote
from nomadspot.interop.exporting import uncsv_cell
from nomadspot.interop.reasons import NO_TAGS, NOT_A_FEATURE, NOT_AN_ELEMENT
from nomadspot.valuetypes import loose_number

_DATE_KEYS = tuple(spec.name for spec in PLACE_FIELDS if isinstance(spec.type, Day))


class _Unreadable:
    """A geometry that is there but gives no point."""


UNREADABLE = _Unreadable()


@dataclass(frozen=True, slots=True)
class Record:
    props: Mapping[str, Any]
    # From the geometry (GeoJSON) or the element (Overpass); None: not given there.
    lat: Any = None
    lon: Any = None
    has_point: bool = False
    osm_source: str | None = None


def osm_records(document: Any, path: Path) -> list[Record | str]:
    elements = document.get("elements") if isinstance(document, dict) else None
    if not isinstance(elements, list):
        hint = "it looks like GeoJSON: use --from geojson" if is_geojson(document) else None
        raise UsageError(f"{path} is not Overpass API JSON (no 'elements' list)", hint=hint)
    records: list[Record | str] = []
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
            Record(tags, lat, lon, has_point, osm.identity(element.get("type"), element.get("id")))
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
        edges = [number(bounds.get(key)) for key in ("minlat", "maxlat", "minlon", "maxlon")]
        floats = [edge for edge in edges if isinstance(edge, float)]
        if len(floats) == 4:
            return _round((floats[0] + floats[1]) / 2), _round((floats[2] + floats[3]) / 2), True
        return UNREADABLE, UNREADABLE, True
    geometry = element.get("geometry")
    if isinstance(geometry, list):
        points = [
            (number(p.get("lat")), number(p.get("lon"))) for p in geometry if isinstance(p, dict)
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


def geojson_records(document: Any, path: Path) -> list[Record | str]:
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
    records: list[Record | str] = []
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
        records.append(Record(props, lat, lon, has_point, source))
    return records


def _check_crs(document: Mapping[str, Any], path: Path) -> None:
    """RFC 7946 GeoJSON is longitude/latitude (WGS 84). Older files may name another CRS
    (Lambert 93...): their coordinates would all be 'out of range', so say why."""
    crs = document.get("crs")
    properties = crs.get("properties") if isinstance(crs, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    if isinstance(name, str) and not any(code in name.upper() for code in ("CRS84", "4326")):
        raise UsageError(
            f"{path} has coordinates in {quote(name)}, not longitude/latitude (WGS 84)",
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


def number(value: Any) -> float | _Unreadable | None:
    """A float (maybe out of any range, nan or inf), None when absent or empty, and
    UNREADABLE when present but not a number. ``"47,2459"`` (a decimal comma) reads."""
    if value is None or (isinstance(value, str) and not value.strip().lstrip("'")):
        return None
    found = loose_number(value)
    return UNREADABLE if found is None else found


@contextlib.contextmanager
def _csv_field_limit() -> Iterator[None]:
    """Allow huge cells (the csv module stops at 128 KiB by default)."""
    previous = csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def csv_records(data: bytes, path: Path, mapping: dict[str, str]) -> list[Record | str]:
    """Rows as records keyed by the header's names. ``mapping``'s fields are matched to
    the header (exactly, else ignoring case) and rewritten to the header's spelling."""
    text = decode_text(data, path)
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
    columns = ", ".join(quote(name, 30) for name in list(index)[:12])
    if len(index) > 12:
        columns += ", ..."
    for key, source_field in list(mapping.items()):
        found = source_field if source_field in index else folded.get(source_field.casefold())
        if found is None:
            raise UsageError(
                f"--map {key}={quote(source_field)}: {path} has no such column",
                hint=f"its columns: {columns}",
            )
        mapping[key] = found
    if "name" not in mapping and "name" not in index:
        raise UsageError(
            f"{path} has no 'name' column",
            hint=f"its columns: {columns}; say which one holds the name with --map name=COLUMN",
        )
    records: list[Record | str] = []
    width = len(header)
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue  # a blank line is no record
        cells = row if len(row) >= width else row + [""] * (width - len(row))
        props = {name: uncsv_cell(cells[position]) for name, position in index.items()}
        records.append(Record(props, osm_source=osm.properties_identity(props)))
    return records


def check_mapped_fields(
    records: Sequence[Record | str], mapping: Mapping[str, str], path: Path
) -> None:
    """A ``--map`` field that no record of a JSON file has is a typo: say so."""
    real = [record for record in records if isinstance(record, Record)]
    if not real:
        return
    for key, source_field in mapping.items():
        if not any(source_field in record.props for record in real):
            hint = None
            if key in ("lat", "lon") and any(record.has_point for record in real):
                hint = "the coordinates come from each feature's geometry: leave out --map lat/lon"
            raise UsageError(
                f"--map {key}={quote(source_field)}: no record of {path} has "
                f"a property {quote(source_field)}",
                hint=hint,
            )


def toml_places(data: bytes, path: Path) -> list[Any]:
    import tomllib

    text = decode_text(data, path)
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


def json_places(document: Any, path: Path) -> list[Any]:
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
