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

The stages, one module each: ``detect`` (what the file is), ``records`` (its elements,
features or rows), ``mapping`` (records to places), ``merging`` (places into the
catalogue). This module runs the first three on a file and names the public API; the CLI
then calls ``merge_import`` and ``require_places``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from nomadspot import codec
from nomadspot.errors import UsageError
from nomadspot.interop.detect import (
    FORMATS,
    HEAD_SIZE,
    Format,
    guess_format,
    head_text,
    json_format,
    json_like,
    load_json,
    read_bytes,
)
from nomadspot.interop.mapping import (
    MAP_KEYS,
    Hours,
    ImportBatch,
    ImportOptions,
    Locate,
    Mapper,
    Progress,
    derive_id,
    drop_invalid,
    guess_kind,
    resolve_mapping,
    tidy_hours,
    unique_ids,
)
from nomadspot.interop.merging import MergeResult, merge, merge_import, update_place
from nomadspot.interop.reasons import INVALID_PLACE, NOT_A_PLACE, nothing_imported
from nomadspot.interop.records import (
    Record,
    check_mapped_fields,
    csv_records,
    geojson_records,
    json_places,
    osm_records,
    toml_places,
)
from nomadspot.model import Place

__all__ = [
    "FORMATS",
    "MAP_KEYS",
    "Format",
    "ImportBatch",
    "ImportOptions",
    "Locate",
    "MergeResult",
    "Progress",
    "derive_id",
    "guess_format",
    "guess_kind",
    "merge",
    "merge_import",
    "parse_import",
    "read_import",
    "require_places",
    "resolve_mapping",
    "tidy_hours",
    "update_place",
]


def read_import(
    path: Path, options: ImportOptions, progress: Progress | None = None
) -> ImportBatch:
    """Read and map the import file. ``UsageError`` with a one-line message when the file
    cannot be read or is not what it claims to be; skipped records are counted instead."""
    return parse_import(read_bytes(path), path, options, progress)


def require_places(batch: ImportBatch, path: Path) -> ImportBatch:
    """The batch, unless every record of the file was skipped: then ``UsageError``
    naming the main reason and what to add (``--kind K``, ``--map kind=COLUMN``...)."""
    if batch.skipped and not batch.places:
        raise nothing_imported(str(path), batch.skipped)
    return batch


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
        if not head_text(data[:HEAD_SIZE]):
            raise UsageError(f"{path} is empty")
        if json_like(path, head_text(data[:HEAD_SIZE])):
            # The whole document says what it is, better than its first bytes.
            document = load_json(data, path)
            fmt = json_format(document, path)
        else:
            fmt = guess_format(path, data[:HEAD_SIZE])
    if fmt in ("toml", "json"):
        if mapping:
            raise UsageError(
                f"--map does not apply to a nomadspot catalogue ({fmt}); "
                "it is for csv, geojson and osm files"
            )
        if fmt == "toml":
            raws = toml_places(data, path)
        else:
            raws = json_places(load_json(data, path) if document is None else document, path)
        return _catalogue_batch(raws, fmt, progress)
    if fmt == "csv":
        records = csv_records(data, path, mapping)
    else:
        if document is None:
            document = load_json(data, path)
        read = osm_records if fmt == "osm" else geojson_records
        records = read(document, path)
        check_mapped_fields(records, mapping, path)
    return _map_records(records, fmt, mapping, options, progress)


def _map_records(
    records: list[Record | str],
    fmt: Format,
    mapping: Mapping[str, str],
    options: ImportOptions,
    progress: Progress | None,
) -> ImportBatch:
    mapper = Mapper(mapping, options)
    skipped: dict[str, int] = {}
    places: list[Place] = []
    seen: set[str] = set()
    total = len(records)
    step = max(1, total // 100)
    for number, record in enumerate(records, start=1):
        result = record if isinstance(record, str) else mapper.place(record)
        if isinstance(result, str):
            skipped[result] = skipped.get(result, 0) + 1
        else:
            places.append(result)
        if isinstance(record, Record):
            source = mapper.native_source(record)
            if source is not None:
                seen.add(source)
        if progress is not None and (number % step == 0 or number == total):
            progress(number, total)
    places, invalid = drop_invalid(unique_ids(places))
    if invalid:
        skipped[INVALID_PLACE] = skipped.get(INVALID_PLACE, 0) + invalid
    raw_hours = sum(1 for place in places if place.opening_hours_raw is not None)
    return ImportBatch(
        tuple(places),
        skipped,
        raw_hours,
        total,
        fmt,
        seen=frozenset(seen),
        tidied_hours=mapper.tidied_hours,
    )


def _catalogue_place(raw: Any) -> Place | str:
    if not isinstance(raw, dict):
        return NOT_A_PLACE
    try:
        return codec.decode({"version": codec.FORMAT_VERSION, "place": [raw]}).places[0]
    except (codec.InvalidCatalogue, RecursionError):
        return INVALID_PLACE


def _catalogue_batch(raws: list[Any], fmt: Format, progress: Progress | None) -> ImportBatch:
    skipped: dict[str, int] = {}
    hours = Hours()
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
    places = unique_ids(places)
    raw_hours = sum(1 for place in places if place.opening_hours_raw is not None)
    return ImportBatch(tuple(places), skipped, raw_hours, total, fmt)
