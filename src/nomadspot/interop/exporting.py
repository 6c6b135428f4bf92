"""Places in formats other tools read: GeoJSON (uMap, QGIS, geojson.io), CSV
(spreadsheets; ``import --from csv`` reads it back), JSON and TOML (a full catalogue).

CSV and GeoJSON share flat columns (``CSV_COLUMNS``): amenities are one column each
(``wifi``, ``power``, ...), tags are joined with ``;``, the price is ``price_hour``,
``price_day``, ``price_room_hour`` and ``price_currency``. Visits and keys nomadspot does
not know are only in the JSON and TOML exports.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Collection, Iterable, Sequence
from typing import Any, Literal

from nomadspot import codec
from nomadspot.errors import UsageError
from nomadspot.fields import PLACE_FIELDS, PRICE_FIELDS, FieldSpec
from nomadspot.interop.sources import attribution
from nomadspot.model import Place
from nomadspot.vocabulary import AMENITY_KEYS

ExportFormat = Literal["geojson", "csv", "json", "toml"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("geojson", "csv", "json", "toml")

# The flat columns, in order: the place's declared keys, one per amenity, the price's.
PLACE_COLUMNS: tuple[FieldSpec, ...] = tuple(spec for spec in PLACE_FIELDS if spec.column)
PRICE_COLUMN_SPECS: tuple[FieldSpec, ...] = tuple(spec for spec in PRICE_FIELDS if spec.column)
PRICE_COLUMNS: tuple[str, ...] = tuple(spec.flat for spec in PRICE_COLUMN_SPECS)
CSV_COLUMNS: tuple[str, ...] = (
    *(spec.flat for spec in PLACE_COLUMNS),
    *AMENITY_KEYS,
    *PRICE_COLUMNS,
)
NUMBER_COLUMNS = tuple(
    spec.flat for spec in (*PLACE_COLUMNS, *PRICE_COLUMN_SPECS) if spec.type.numeric
)
# The flat column of a private value (only when the user asked for them).
PRIVATE_PREFIX = "private."
# In GeoJSON the coordinates are the geometry, not properties.
GEOMETRY_KEYS = ("lat", "lon")

# A spreadsheet runs a cell that starts with one of these as a formula (tab and CR too:
# some strip them and then see the '='). The apostrophe is there so that a text that
# really starts with one survives the round trip: import removes exactly one apostrophe
# in front of any of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NEUTRALISED_STARTS = (*FORMULA_STARTS, QUOTE)
_NUMERIC = frozenset(NUMBER_COLUMNS)
_CSV_SPECIAL = (",", '"', "\n", "\r")


def flag_text(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def flat_row(place: Place) -> dict[str, str]:
    """One place as ``CSV_COLUMNS``, each a plain string ("" when unknown). No formula
    neutralising here (``csv_text`` does it for CSV); TSV and CSV both start from this."""
    row = {spec.flat: spec.type.cell(getattr(place, spec.name)) for spec in PLACE_COLUMNS}
    for key in AMENITY_KEYS:
        row[key] = flag_text(place.amenities.get(key))
    price = place.price
    for spec in PRICE_COLUMN_SPECS:
        row[spec.flat] = spec.type.cell(getattr(price, spec.name) if price else None)
    return row


def formula_safe(value: str) -> str:
    """A text cell with a leading apostrophe if it starts like a formula (or with one)."""
    return QUOTE + value if value.startswith(_NEUTRALISED_STARTS) else value


def uncsv_cell(value: str) -> str:
    """Undo ``csv_text``'s neutralising: one apostrophe in front of a formula start or of another
    apostrophe is removed; any other text is left as it is (``'s-Hertogenbosch``)."""
    if len(value) > 1 and value[0] == QUOTE and value[1] in _NEUTRALISED_STARTS:
        return value[1:]
    return value


def _csv_field(cell: str) -> str:
    """RFC 4180 quoting. (The csv module, with "\\n" line ends, leaves a lone "\\r"
    unquoted, which every reader then takes for the end of a line.)"""
    if any(special in cell for special in _CSV_SPECIAL):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def private_columns(places: Sequence[Place]) -> tuple[str, ...]:
    """``private.KEY`` for each private key the places hold (none unless the caller kept
    them: commands drop them unless --include-private)."""
    keys = dict.fromkeys(key for place in places for key in place.private)
    return tuple(PRIVATE_PREFIX + key for key in keys)


def csv_text(
    header: Sequence[str], rows: Iterable[Sequence[str]], numbers: Collection[str] = ()
) -> str:
    """nomadspot's one CSV writer: a header line, then the rows, RFC 4180 quoting, "\\n"
    line ends, and text cells a spreadsheet would run as formulas neutralised (the
    ``numbers`` columns are left alone: ``-1.5`` is a number, not a formula)."""
    lines = [",".join(_csv_field(column) for column in header)]
    for row in rows:
        cells = (
            cell if column in numbers else formula_safe(cell)
            for column, cell in zip(header, row, strict=True)
        )
        lines.append(",".join(_csv_field(cell) for cell in cells))
    return "\n".join(lines) + "\n"


def export_csv(places: Sequence[Place]) -> str:
    """A header line of ``CSV_COLUMNS`` (and ``private.KEY`` columns for private values
    the places hold), then one line per place."""
    columns = (*CSV_COLUMNS, *private_columns(places))
    rows = []
    for place in places:
        row = flat_row(place)
        row.update((PRIVATE_PREFIX + key, str(value)) for key, value in place.private.items())
        rows.append([row.get(column, "") for column in columns])
    return csv_text(columns, rows, _NUMERIC)


def feature_properties(place: Place) -> dict[str, Any]:
    """The GeoJSON properties: the CSV columns with JSON types (numbers, booleans, a list
    of tags), unknown values left out. Flat, because QGIS and uMap show flat properties
    as fields and nested objects as opaque text."""
    optional: list[tuple[str, Any]] = [
        (spec.flat, spec.type.prop(getattr(place, spec.name)))
        for spec in PLACE_COLUMNS
        if spec.name not in GEOMETRY_KEYS and getattr(place, spec.name) is not None
    ]
    for key in AMENITY_KEYS:
        optional.append((key, place.amenities.get(key)))
    if place.price is not None:
        optional += [
            (spec.flat, spec.type.prop(getattr(place.price, spec.name)))
            for spec in PRICE_COLUMN_SPECS
        ]
    optional += [(PRIVATE_PREFIX + key, value) for key, value in place.private.items()]
    return {key: value for key, value in optional if value is not None}


def feature(place: Place) -> dict[str, Any]:
    """An RFC 7946 Feature: Point geometry in [longitude, latitude] order; a place
    without coordinates has a null geometry (RFC 7946, section 3.2)."""
    geometry = None
    if place.lat is not None and place.lon is not None:
        geometry = {"type": "Point", "coordinates": [place.lon, place.lat]}
    return {
        "type": "Feature",
        "id": place.id,
        "geometry": geometry,
        "properties": feature_properties(place),
    }


def export_geojson(places: Sequence[Place]) -> str:
    """One feature a line: compact, and a diff shows which places changed. A top-level
    ``attribution`` (a foreign member, RFC 7946 section 6.1) names the licences of the
    places' sources (``sources.attribution``), as OpenStreetMap's ODbL asks."""
    lines = [json.dumps(feature(place), ensure_ascii=False, allow_nan=False) for place in places]
    body = "".join(f"\n{line}," for line in lines).rstrip(",")
    credit = attribution(places)
    head = '{"type": "FeatureCollection", '
    if credit is not None:
        head += f'"attribution": {json.dumps(credit, ensure_ascii=False)}, '
    return head + '"features": [' + body + "\n]}\n"


def _json_default(value: object) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _finite(value: Any) -> Any:
    """Unknown keys may hold inf or nan (TOML has them, JSON does not): written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def export_json(places: Sequence[Place]) -> str:
    """A list of place objects shaped as the TOML catalogue's ``[[place]]`` tables; dates
    as ISO 8601 text."""
    data = [_finite(codec.encode_place(place)) for place in places]
    return (
        json.dumps(data, ensure_ascii=False, indent=2, default=_json_default, allow_nan=False)
        + "\n"
    )


def export_toml(places: Sequence[Place]) -> str:
    """A complete nomadspot catalogue (``version = 1`` and the places)."""
    import tomli_w

    return tomli_w.dumps(codec.encode(places))


def export_text(places: Sequence[Place], fmt: ExportFormat) -> str:
    if fmt == "geojson":
        return export_geojson(places)
    if fmt == "csv":
        return export_csv(places)
    if fmt == "json":
        return export_json(places)
    if fmt == "toml":
        return export_toml(places)
    raise UsageError(f"unknown export format {fmt!r}; use one of " + ", ".join(EXPORT_FORMATS))
