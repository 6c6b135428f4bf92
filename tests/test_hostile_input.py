"""nomadspot shrugs off hostile input: catalogue files of any shape or bytes, import files
built to break the importer, escape sequences and spreadsheet formulas in data, odd
command-line bytes and $EDITOR values. Never a traceback, never exit 70 (a bug), and
nothing in the data ever drives the terminal."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nomadspot import codec, store
from nomadspot.cli import app
from nomadspot.errors import CatalogueError
from nomadspot.model import Place, Visit
from nomadspot.output.sanitize import neutralise, neutralise_stream
from nomadspot.vocabulary import AMENITY_KEYS, Kind

from .conftest import Cli
from .reliability_support import leftovers, make_places, read_places

EXIT_INTERNAL = 70
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- hostile values --------------------------------------------------------------------------

CONTROL = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9b\x9c\x9d\u202e\u2066\ufeff\n\r\t"
SEQUENCES = ["\x1b[2J", "\x1b]0;pwned\x07", "\x9b31m", "[bold red]x[/]", "=1+1"]
hostile_text = st.lists(
    st.text(st.characters(blacklist_categories=("Cs",)) | st.sampled_from(CONTROL), max_size=8)
    | st.sampled_from(SEQUENCES),
    max_size=5,
).map("".join) | st.sampled_from(["", " ", "x" * 10_000, "\x00", "é" * 2000])
hostile_scalars = st.one_of(
    hostile_text,
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),  # nan and inf included
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.timezone(dt.timedelta(hours=-8)))),
    st.times(),
)
keys = st.text(st.characters(blacklist_categories=("Cs",)) | st.sampled_from(CONTROL), max_size=12)
hostile_values = st.recursive(
    hostile_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def deeply_nested(draw: st.DrawFn) -> object:
    value: object = draw(hostile_scalars)
    for _ in range(draw(st.integers(1, 60))):
        value = [value] if draw(st.booleans()) else {"k": value}
    return value


ids = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4})?", fullmatch=True)
odd_names = hostile_text.filter(str.strip)
# Fields as a valid place may hold them: any text, numbers at the edges of their ranges.
VALID_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "country": st.sampled_from(["FR", "BE", "ZZ"]),
    "address": hostile_text,
    "opening_hours": st.sampled_from(["24/7", "Mo-Fr 08:00-18:00; PH off", "nope"]) | hostile_text,
    "opening_hours_raw": hostile_text,
    "seats": st.integers(0, 1_000_000),
    "meeting_room_seats": st.integers(0, 50),
    "wifi_mbps": st.floats(0, 1e6),
    "website": hostile_text,
    "phone": hostile_text,
    "tags": st.lists(hostile_text, max_size=3),
    "notes": hostile_text,
    "source": hostile_text,
    "amenities": st.dictionaries(
        st.sampled_from([*AMENITY_KEYS, "teleporter"]) | keys, st.booleans(), max_size=4
    ),
    "price": st.fixed_dictionaries(
        {},
        optional={
            "hour": st.floats(0, 1e9),
            "day": st.integers(0, 10**9),
            "currency": st.sampled_from(["EUR", "CHF"]),
            "x_tip": hostile_values,
        },
    ),
    "visits": st.lists(
        st.fixed_dictionaries(
            {"date": st.dates()},
            optional={
                "rating": st.integers(1, 5),
                "wifi_mbps": st.floats(0, 1e6),
                "note": hostile_text,
                "x_mood": hostile_values,
            },
        ),
        max_size=3,
    ),
}
# What makes a place invalid: wrong types, out of range, too deep.
BROKEN_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "id": ids.map(str.upper) | hostile_values,
    "name": st.sampled_from(["", "   "]) | hostile_values,
    "kind": st.sampled_from(["Café", "cofee", ""]) | hostile_values,
    "city": hostile_values,
    "country": st.sampled_from(["fr", "FRA"]) | hostile_values,
    "lat": st.floats(90.001, 1e300) | st.just(float("nan")) | hostile_values,
    "seats": st.integers(-(2**63), -1) | st.integers(1_000_001, 2**63 - 1) | hostile_values,
    "wifi_mbps": st.floats(allow_nan=True).filter(lambda x: not 0 <= x <= 1e6) | hostile_values,
    "tags": hostile_values,
    "amenities": st.dictionaries(keys, hostile_values, min_size=1, max_size=2) | hostile_values,
    "price": st.fixed_dictionaries({"hour": hostile_values, "currency": hostile_values})
    | hostile_values,
    "visits": st.lists(
        st.fixed_dictionaries({}, optional={"date": hostile_values, "rating": st.integers(-1, 7)}),
        min_size=1,
        max_size=2,
    )
    | hostile_values,
    "x_unknown": deeply_nested(),
}


@st.composite
def hostile_places(draw: st.DrawFn, clean: bool) -> dict[str, Any]:
    """A valid place with odd text and unknown keys of every TOML type (which it keeps);
    unless ``clean``, some fields broken or missing."""
    place = {
        "id": draw(ids),
        "name": draw(odd_names),
        "kind": draw(st.sampled_from([k.value for k in Kind])),
        "city": draw(st.sampled_from(["Vienne", "Alençon"]) | odd_names),
    }
    if draw(st.booleans()):
        place["lat"] = draw(st.floats(-90, 90))
        place["lon"] = draw(st.floats(-180, 180))
    place.update(draw(st.fixed_dictionaries({}, optional=VALID_FIELDS)))
    place.update(draw(st.dictionaries(keys.map(lambda k: f"x_{k}"), hostile_values, max_size=3)))
    if not clean:
        for key in draw(st.lists(st.sampled_from(sorted(BROKEN_FIELDS)), min_size=1, max_size=2)):
            if draw(st.integers(0, 5)) == 0:
                place.pop(key, None)
            else:
                place[key] = draw(BROKEN_FIELDS[key])
    return place


@st.composite
def hostile_documents(draw: st.DrawFn) -> dict[str, Any]:
    """Half of them valid catalogues full of odd text and unknown keys of every TOML type;
    half with something wrong: a field, a place, the version, a value nested too deeply."""
    clean = draw(st.booleans())
    document: dict[str, Any] = {"version": 1}
    if not clean:
        choice = draw(st.integers(0, 5))
        if choice == 0:
            del document["version"]
        elif choice == 1:
            document["version"] = draw(st.sampled_from([0, -1, 2, 10**18]) | hostile_values)
    document["place"] = draw(
        st.integers(0, 19).flatmap(
            lambda n: (
                hostile_values
                if n == 0 and not clean
                else st.lists(
                    hostile_places(clean), max_size=4, unique_by=lambda p: repr(p.get("id"))
                )
            )
        )
    )
    extra = hostile_values if clean else hostile_values | deeply_nested()
    document.update(
        draw(
            st.dictionaries(keys.filter(lambda k: k not in ("version", "place")), extra, max_size=2)
        )
    )
    return document


def dumps(document: dict[str, Any]) -> str:
    try:
        return tomli_w.dumps(document)
    except (TypeError, ValueError, RecursionError):  # what TOML cannot hold is not a file
        assume(False)
        raise


def write_file(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)


# --- the loader ------------------------------------------------------------------------------


@FUZZ
@given(document=hostile_documents())
def test_any_toml_document_loads_or_is_a_catalogue_error(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    """Anything TOML can hold either loads (and then writes back and reloads the same) or
    is a ``CatalogueError`` (exit 3) whose problems each name their field, and their place
    when they are in one."""
    path = tmp_path / "catalogue.toml"
    text = dumps(document)
    try:
        catalogue = store.parse(text, path)
    except CatalogueError as error:
        assert error.exit_code == 3 and error.message
        cause = error.__cause__
        if isinstance(cause, codec.InvalidCatalogue):
            for problem in cause.problems:
                assert problem.field is not None, problem
                if problem.place is None:  # a top-level problem names a top-level key
                    assert problem.field in ("version", "place") or problem.field in document
                else:  # a place is named by a printable id or by its position
                    assert problem.place.isprintable(), problem
        return
    path.unlink(missing_ok=True)
    store.save(path, catalogue)
    again = read_places(path)
    # repr, not ==: an unknown key may hold nan, which TOML allows and nan != nan.
    assert repr(again) == repr(catalogue.places)


@FUZZ
@given(data=st.binary(max_size=3000) | st.text(max_size=500).map(lambda t: t.encode("utf-16")))
def test_any_bytes_load_or_are_a_catalogue_error(
    tmp_path: Path, data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOMADSPOT_NO_CACHE", "1")
    path = tmp_path / "catalogue.toml"
    path.write_bytes(data)
    try:
        store.load(path)
    except CatalogueError as error:
        assert error.exit_code == 3


VALID_TEXT = store.serialise(store.Catalogue(tuple(make_places(12))))[0].encode("utf-8")


@FUZZ
@given(
    cut=st.integers(0, len(VALID_TEXT)),
    flips=st.lists(
        st.tuples(st.integers(0, len(VALID_TEXT) - 1), st.binary(min_size=0, max_size=3)),
        max_size=3,
    ),
)
def test_truncated_and_mangled_files_load_or_are_a_catalogue_error(
    tmp_path: Path, cut: int, flips: list[tuple[int, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOMADSPOT_NO_CACHE", "1")
    data = bytearray(VALID_TEXT[:cut])
    for offset, replacement in flips:
        data[offset : offset + max(len(replacement), 1)] = replacement
    path = tmp_path / "catalogue.toml"
    path.write_bytes(bytes(data))
    try:
        loaded = store.load(path)
    except CatalogueError as error:
        assert error.exit_code == 3
        return
    if not flips and loaded is not None:  # a clean cut: whole places, the last maybe partial
        original = store.parse(VALID_TEXT.decode(), path).places
        assert loaded.places[:-1] == original[: max(len(loaded.places) - 1, 0)]


def test_every_truncation_of_a_catalogue_is_handled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOMADSPOT_NO_CACHE", "1")
    path = tmp_path / "catalogue.toml"
    outcomes = {"loaded": 0, "refused": 0}
    for cut in range(0, len(VALID_TEXT), 7):
        path.write_bytes(VALID_TEXT[:cut])
        try:
            store.load(path)
            outcomes["loaded"] += 1
        except CatalogueError:
            outcomes["refused"] += 1
    assert outcomes["loaded"] and outcomes["refused"]


# --- commands that read a hostile catalogue ------------------------------------------------

READERS: dict[str, tuple[str, ...]] = {
    "list-json": ("list", "--format", "json"),
    "list-table": ("list", "--format", "table"),
    "list-ids": ("list", "--format", "ids"),
    "list-tsv": ("list",),
    "list-csv": ("list", "--format", "csv"),
    "show": ("show", "{ref}"),
    "show-json": ("show", "{ref}", "--format", "json"),
    "check": ("check",),
    "find": ("find",),
    "find-json": ("find", "--city", "Vienne", "--wifi", "--format", "json"),
    "export-csv": ("export", "--format", "csv"),
    "export-geojson": ("export", "--format", "geojson"),
    "export-toml": ("export", "--format", "toml"),
}
ALLOWED_WHEN_VALID = {"check": {0, 3}, "show": {0, 1}, "show-json": {0, 1}}


def run_reader(cli: Cli, command: str, path: Path) -> tuple[int, str]:
    try:
        catalogue = store.parse(path.read_bytes().decode("utf-8-sig"), path)
    except (CatalogueError, UnicodeDecodeError):
        catalogue = None
    ref = catalogue.places[0].id if catalogue and catalogue.places else "nothing-here"
    args = [arg.replace("{ref}", ref) for arg in READERS[command]]
    result = cli(*args, code=None)
    output = result.stdout + result.stderr
    assert result.exit_code != EXIT_INTERNAL, output
    assert "Traceback" not in output, output
    if catalogue is None:
        assert result.exit_code == 3, output
        assert result.stderr.startswith("Error: "), output
    else:
        assert result.exit_code in ALLOWED_WHEN_VALID.get(command, {0, 1}), output
    return result.exit_code, output


@pytest.mark.parametrize("command", list(READERS))
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=hostile_documents())
def test_reading_commands_on_any_toml_document(
    cli: Cli, catalogue_path: Path, command: str, document: dict[str, Any]
) -> None:
    write_file(catalogue_path, dumps(document))
    code, output = run_reader(cli, command, catalogue_path)
    if code == 3 and command != "check":
        try:
            store.parse(catalogue_path.read_text(), catalogue_path)
        except CatalogueError as error:
            cause = error.__cause__
            if isinstance(cause, codec.InvalidCatalogue):
                first = cause.problems[0]
                assert (
                    f"field {first.field!r}" in output
                    or neutralise_stream(f"field {first.field!r}") in output
                )


VALID_PLACE = 'version = 1\n[[place]]\nid = "a"\nname = "A"\nkind = "cafe"\ncity = "Vienne"\n'
NASTY_FILES: dict[str, bytes] = {
    "empty": b"",
    "binary": bytes(range(256)) * 4,
    "invalid utf-8": VALID_PLACE.encode().replace(b'"A"', b'"\xff\xfe"'),
    "utf-16": VALID_PLACE.encode("utf-16"),
    "nul bytes": VALID_PLACE.encode().replace(b"\n", b"\x00\n"),
    "truncated": VALID_PLACE.encode()[:-9],
    "deep arrays": b"version = 1\nx = " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
    "deep tables": b"version = 1\nx = " + b"{a=" * 5000 + b"1" + b"}" * 5000 + b"\n",
    "long dotted key": b"version = 1\n[" + b".".join([b"a"] * 5000) + b"]\n",
    "huge line": b"version = 1\n# " + b"x" * 5_000_000 + b"\n",
    "version 99": b"version = 99\n",
    "version text": b'version = "1"\n',
    "places not tables": b"version = 1\nplace = [1, 2]\n",
    "control id": VALID_PLACE.replace('"a"', '"\\u001b]0;pwned\\u0007"').encode(),
    "windows newlines": VALID_PLACE.replace("\n", "\r\n").encode(),
    "lone carriage returns": VALID_PLACE.replace("\n", "\r").encode(),
}
WRITERS = {
    "add": ("add", "New", "--kind", "cafe", "--city", "Lyon"),
    "visit": ("visit", "a"),
    "edit": ("edit", "a", "--seats", "3"),
    "remove": ("remove", "a", "--yes"),
}


@pytest.mark.parametrize("name", list(NASTY_FILES))
def test_nasty_files_through_every_command(cli: Cli, catalogue_path: Path, name: str) -> None:
    """Reading commands: exit 0/1 or 3; writing commands: exit 0/1 or 3 with the file left
    byte for byte when it is not a valid catalogue."""
    data = NASTY_FILES[name]
    write_file(catalogue_path, data)
    for command in ("list-json", "list-table", "show", "check"):
        write_file(catalogue_path, data)
        run_reader(cli, command, catalogue_path)
    for args in WRITERS.values():
        write_file(catalogue_path, data)
        result = cli(*args, code=None)
        assert result.exit_code in (0, 1, 3), (args, result.stderr)
        assert "Traceback" not in result.stderr
        if result.exit_code == 3:
            assert catalogue_path.read_bytes() == data
            assert leftovers(catalogue_path.parent) == []
        else:
            read_places(catalogue_path)


def test_a_folder_where_the_catalogue_should_be(cli: Cli, catalogue_path: Path) -> None:
    catalogue_path.mkdir(parents=True)
    for args in (("list", "--format", "json"), ("check",), *WRITERS.values()):
        result = cli(*args, code=3)
        assert "folder" in result.stderr or "directory" in result.stderr.lower(), args


# --- import files built to break the importer ----------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | hostile_text
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=10,
)
osm_tags = st.dictionaries(
    st.sampled_from(
        [
            "name",
            "amenity",
            "opening_hours",
            "internet_access",
            "capacity",
            "addr:city",
            "addr:street",
            "website",
            "socket:schuko",
            "wheelchair",
            "office",
            "tourism",
            "contact:phone",
        ]
    )
    | hostile_text,
    hostile_text
    | st.sampled_from(["cafe", "coworking", "yes", "no", "wlan", "24/7", "-3", "1e999"])
    | json_values,
    max_size=6,
)
osm_elements = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["node", "way", "relation", "area"]) | json_values,
        "id": st.integers() | json_values,
        "lat": st.floats() | json_values,
        "lon": st.floats() | json_values,
        "center": st.fixed_dictionaries({}, optional={"lat": json_values, "lon": json_values})
        | json_values,
        "tags": osm_tags | json_values,
    },
)
osm_documents = (
    st.fixed_dictionaries({"elements": st.lists(osm_elements, max_size=5) | json_values})
    | json_values
)
geojson_features = st.fixed_dictionaries(
    {},
    optional={
        "type": st.just("Feature") | json_values,
        "geometry": st.fixed_dictionaries(
            {
                "type": st.sampled_from(["Point", "Polygon", "LineString", "GeometryCollection"])
                | json_values,
                "coordinates": st.lists(st.floats() | json_values, max_size=3) | json_values,
            }
        )
        | json_values,
        "properties": osm_tags | json_values,
        "id": json_values,
    },
)
geojson_documents = (
    st.fixed_dictionaries(
        {
            "type": st.just("FeatureCollection") | json_values,
            "features": st.lists(geojson_features, max_size=5) | json_values,
        }
    )
    | json_values
)
csv_cells = hostile_text | st.sampled_from(["", "yes", "no", "-1", "1e999", "nan", "45.5", "=1"])
csv_headers = st.lists(
    st.sampled_from(
        [
            "name",
            "kind",
            "city",
            "lat",
            "lon",
            "wifi",
            "power",
            "seats",
            "opening_hours",
            "id",
            "country",
            "tags",
            "visits",
            "price_hour",
            "NOM_TL",
        ]
    )
    | hostile_text,
    max_size=8,
)


@st.composite
def csv_documents(draw: st.DrawFn) -> bytes:
    header = draw(csv_headers)
    rows = draw(st.lists(st.lists(csv_cells, max_size=len(header) + 2), max_size=5))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


def json_bytes(value: object) -> bytes:
    return json.dumps(value, allow_nan=True).encode("utf-8")


IMPORT_CASES = {
    "osm": (osm_documents.map(json_bytes), "json"),
    "geojson": (geojson_documents.map(json_bytes), "geojson"),
    "csv": (csv_documents(), "csv"),
}


def run_import(cli: Cli, catalogue_path: Path, file: Path, *options: str) -> None:
    before = catalogue_path.read_bytes()
    result = cli("import", str(file), *options, code=None)
    output = result.stdout + result.stderr
    assert result.exit_code in (0, 2), output
    assert "Traceback" not in output
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: "), output
        assert catalogue_path.read_bytes() == before
    read_places(catalogue_path)  # whatever it imported, the file still loads


@pytest.mark.parametrize("source", list(IMPORT_CASES))
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_import_files_built_to_break_the_importer(
    cli: Cli, catalogue_path: Path, tmp_path: Path, source: str, data: st.DataObject
) -> None:
    strategy, suffix = IMPORT_CASES[source]
    content = data.draw(strategy)
    write_file(catalogue_path, VALID_PLACE)
    file = tmp_path / f"import.{suffix}"
    file.write_bytes(content)
    run_import(cli, catalogue_path, file, "--from", source, "--kind", "cafe", "--city", "Lyon")
    run_import(cli, catalogue_path, file)  # the format guessed


NASTY_IMPORTS: dict[str, tuple[str, bytes]] = {
    "empty json": ("json", b""),
    "binary": ("json", bytes(range(256))),
    "json list": ("json", b"[1, 2, 3]"),
    "json string": ("geojson", b'"FeatureCollection"'),
    "deep json": ("json", b'{"elements": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    "nan coordinates": (
        "geojson",
        json_bytes(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [float("nan"), 1e999]},
                        "properties": {"name": "NaN café", "amenity": "cafe"},
                    }
                ],
            }
        ),
    ),
    "null everything": (
        "geojson",
        b'{"type": "FeatureCollection", "features": [null, '
        b'{"type": "Feature", "geometry": null, "properties": null}]}',
    ),
    "osm center strings": (
        "json",
        json_bytes(
            {
                "elements": [
                    {
                        "type": "way",
                        "id": "x",
                        "center": {"lat": "45", "lon": None},
                        "tags": {"name": "Way", "amenity": "cafe"},
                    }
                ]
            }
        ),
    ),
    "csv huge field": ("csv", b"name,kind,city\n" + b"x" * 300_000 + b",cafe,Lyon\n"),
    "csv nul": ("csv", b"name,kind,city\nA\x00B,cafe,Lyon\n"),
    "csv invalid utf-8": ("csv", b"name,kind,city\n\xff\xfe\xfd,cafe,Lyon\n"),
    "csv only header": ("csv", b"name,kind,city\n"),
    "csv duplicate header": ("csv", b"name,name,kind,city\nA,B,cafe,Lyon\n"),
    "csv unbalanced quote": ("csv", b'name,kind,city\n"A,cafe,Lyon\n'),
    "csv bad numbers": ("csv", b"name,kind,city,lat,lon,seats\nA,cafe,Lyon,abc,1e999,-3\n"),
    "csv escape sequences": ("csv", b"name,kind,city\n\x1b]0;pwned\x07,cafe,\x9b31mLyon\n"),
    "csv bom and crlf": ("csv", b"\xef\xbb\xbfname,kind,city\r\nA,cafe,Lyon\r\n"),
}


@pytest.mark.parametrize("name", list(NASTY_IMPORTS))
def test_nasty_import_files(cli: Cli, catalogue_path: Path, tmp_path: Path, name: str) -> None:
    suffix, content = NASTY_IMPORTS[name]
    write_file(catalogue_path, VALID_PLACE)
    file = tmp_path / f"nasty.{suffix}"
    file.write_bytes(content)
    run_import(cli, catalogue_path, file)
    run_import(cli, catalogue_path, file, "--map", "name=NOPE", "--kind", "cafe")


def test_import_of_a_missing_file_or_a_folder_is_exit_2(
    cli: Cli, catalogue_path: Path, tmp_path: Path
) -> None:
    write_file(catalogue_path, VALID_PLACE)
    for target in (tmp_path / "missing.json", tmp_path):
        result = cli("import", str(target), code=2)
        assert result.stderr.startswith("Error: ")


# --- the terminal: data never drives it ------------------------------------------------------

PAYLOADS = [
    "\x1b]0;pwned\x07",  # OSC: set the window title
    "\x1b[2J\x1b[H",  # CSI: clear the screen
    "\x9b31m",  # 8-bit CSI
    "\x9d8;;https://evil.example\x9c",  # 8-bit OSC hyperlink
    "\x1bP+q\x1b\\",  # DCS
    "\x07\x08\x7f",  # bell, backspace, delete
    "[bold red]markup[/]",  # rich markup
    "\u202eevil\u202c",  # bidi override
    "\x00nul",
]
# What rich itself writes on a terminal: styles, and for a progress bar hide/show the
# cursor, erase the line, move up. Nothing else may reach it.
SGR = re.compile(r"\x1b\[(?:[0-9;]*m|\?25[lh]|2K|[0-9]*A)")
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\x9d", "\x9c", "\x00", "\x08", "\x7f", "\u202e")


def assert_terminal_safe(output: str) -> None:
    plain = SGR.sub("", output)
    for character in FORBIDDEN:
        assert character not in plain, (repr(character), repr(output[:2000]))


def hostile_catalogue(path: Path) -> None:
    places = []
    for number, payload in enumerate(PAYLOADS):
        places.append(
            Place(
                id=f"evil-{number}",
                name=f"Evil {payload} {number}",
                kind=Kind.CAFE,
                city=f"Vienne{payload}" if number % 2 else "Vienne",
                address=payload,
                opening_hours_raw=payload,
                website=f"https://x.example/{payload}",
                phone=payload,
                tags=(payload, "ok"),
                notes=f"line one\n{payload}\nline three",
                source=payload,
                amenities={"wifi": True, f"key{payload}": False},
                visits=(Visit(date=dt.date(2026, 11, 1), rating=4, note=payload),),
            )
        )
    places.append(Place(id="calm", name="Calm", kind=Kind.CAFE, city="Vienne"))
    path.parent.mkdir(parents=True, exist_ok=True)
    store.save(path, store.Catalogue(tuple(places), {}, path))


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:  # pragma: no cover - what a real terminal has and this not
        raise io.UnsupportedOperation("fileno")


def on_terminal(
    monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    """Runs nomadspot in-process with stdin, stdout and stderr that say they are a
    terminal, as ``output.Sink`` and rich detect one."""
    out, err, keyboard = FakeTerminal(), FakeTerminal(), FakeTerminal(stdin)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "200")
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", out)
        patch.setattr(sys, "stderr", err)
        patch.setattr(sys, "stdin", keyboard)
        import typer.main

        code = typer.main.get_command(app).main(
            args=list(args), prog_name="nomadspot", standalone_mode=False
        )
    return code, out.getvalue(), err.getvalue()


TERMINAL_COMMANDS = {
    "list": ("list",),
    "list-table": ("list", "--format", "table"),
    "list-json": ("list", "--format", "json"),
    "list-tsv": ("list", "--format", "tsv"),
    "list-csv": ("list", "--format", "csv"),
    "list-ids": ("list", "--format", "ids"),
    "show": ("show", "evil-0"),
    "show-json": ("show", "evil-3", "--format", "json"),
    "show-tsv": ("show", "evil-1", "--format", "tsv"),
    "find": ("find", "--city", "Vienne", "--explain"),
    "find-json": ("find", "--city", "Vienne", "--format", "json"),
    "find-csv": ("find", "--city", "Vienne", "--format", "csv"),
    "check": ("check",),
    "export-csv": ("export", "--format", "csv"),
    "export-geojson": ("export", "--format", "geojson"),
    "config": ("config",),
}


@pytest.mark.parametrize("command", list(TERMINAL_COMMANDS))
def test_data_never_reaches_the_terminal_as_control_sequences(
    catalogue_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    hostile_catalogue(catalogue_path)
    code, out, err = on_terminal(monkeypatch, *TERMINAL_COMMANDS[command])
    assert code in (0, 3), err  # check: exit 3 is fine (the payloads are odd hours)
    assert_terminal_safe(out)
    assert_terminal_safe(err)
    if command in ("list", "list-table", "show"):
        assert "\\x1b" in out and "pwned" in out  # escapes are visible, not dropped
    if command in ("list", "list-table"):
        assert "[bold red]markup[/]" in SGR.sub("", out)  # markup shows literally


def test_markup_in_data_shows_literally_in_show(
    catalogue_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile_catalogue(catalogue_path)
    markup = PAYLOADS.index("[bold red]markup[/]")
    code, out, _ = on_terminal(monkeypatch, "show", f"evil-{markup}")
    assert code == 0
    assert f"Evil [bold red]markup[/] {markup}" in SGR.sub("", out)


@pytest.mark.parametrize(
    "args",
    [
        ("show", "\x1b]0;pwned\x07"),
        ("show", "Evil \x1b]0;pwned\x07"),  # a near miss: the hint quotes hostile names
        ("list", "--city", "\x1b[2J", "--format", "table"),
        ("list", "--format", "\x1b[2J"),
        ("add", "\x1b]0;x\x07", "--kind", "\x9b31m", "--city", "Vienne"),
        ("add", "X", "--kind", "cafe", "--city", "Vienne", "--hours", "\x1b]0;x\x07"),
        ("visit", "evil-0", "--date", "\x1b[2J"),
        ("edit", "evil-0", "--country", "\x9d0;x\x9c"),
        ("find", "--at", "\x1b]0;x\x07"),
        ("find", "--near", "\x1b[2J"),
        ("import", "/nonexistent/\x1b]0;x\x07.csv"),
        ("--catalogue", "/tmp/\x1b]0;x\x07/catalogue.toml", "list", "--format", "json"),
        ("frobnicate\x1b[2J",),
    ],
)
def test_error_messages_quoting_input_are_terminal_safe(
    catalogue_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    hostile_catalogue(catalogue_path)
    code, out, err = on_terminal(monkeypatch, *args)
    assert code != 70, err
    assert "Error: " in err or err.startswith("note: "), err
    assert_terminal_safe(out)
    assert_terminal_safe(err)


def test_the_remove_confirmation_is_terminal_safe(
    catalogue_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile_catalogue(catalogue_path)
    before = catalogue_path.read_bytes()
    code, out, err = on_terminal(monkeypatch, "remove", "evil-0", stdin="n\n")
    assert code == 0 and catalogue_path.read_bytes() == before  # declining is no error
    assert_terminal_safe(out)
    assert_terminal_safe(err)


def test_sanitize_escapes_every_control_character() -> None:
    every = "".join(chr(code) for code in range(0x00, 0xA0)) + "\u202a\u202e\u2066\u2069"
    for result in (neutralise(every), neutralise_stream(every)):
        assert_terminal_safe(result)
        assert all(ch.isprintable() or ch in "\n\t" for ch in result)
    assert neutralise("a\tb\nc") == "a\\x09b\\x0ac"
    assert neutralise_stream("a\tb\nc\x1b") == "a\tb\nc\\x1b"


def run_in_pty(*args: str, answer: bytes = b"") -> tuple[int, str]:
    """nomadspot in a real pseudo-terminal: what a person would see."""
    import pty
    import select

    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "160", "LINES": "50"}
    process = subprocess.Popen(
        [sys.executable, "-m", "nomadspot", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    if answer:
        os.write(master, answer)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    code = process.wait(30)
    return code, b"".join(chunks).decode("utf-8", "replace")


def test_a_real_terminal_sees_no_control_sequences_from_data(catalogue_path: Path) -> None:
    hostile_catalogue(catalogue_path)
    for args in (
        ("list",),
        ("list", "--format", "json"),
        ("show", "evil-2"),
        ("show", "\x1b]0;pwned\x07"),
    ):
        code, seen = run_in_pty(*args)
        assert code in (0, 1), seen
        assert_terminal_safe(seen)
    before = catalogue_path.read_bytes()
    code, seen = run_in_pty("remove", "evil-0", answer=b"n\n")
    assert_terminal_safe(seen)
    assert catalogue_path.read_bytes() == before


# --- spreadsheets: CSV never carries a formula ---------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
    "'quoted",
]


def formula_catalogue(path: Path) -> list[Place]:
    places = [
        Place(
            id=f"f-{number}",
            name=formula,
            kind=Kind.CAFE,
            city=formula if number else "Lyon",
            address=formula,
            notes=formula,
            phone="+33 1 23 45 67 89",
            tags=(formula,),
            website=formula,
            lat=-45.5,
            lon=-4.25,
        )
        for number, formula in enumerate(FORMULAS)
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    store.save(path, store.Catalogue(tuple(places), {}, path))
    return places


def assert_no_formula(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 1
    for row in rows[1:]:
        for cell in row:
            if cell[:1] in ("=", "+", "@", "\t", "\r"):
                raise AssertionError(f"formula cell {cell!r} in {row}")
            if cell.startswith("-"):
                float(cell)  # a negative number is a number; any other '-' text is a formula
    return rows


@pytest.mark.parametrize("args", [("export", "--format", "csv"), ("list", "--format", "csv")])
def test_csv_output_never_starts_a_cell_with_a_formula(
    cli: Cli, catalogue_path: Path, args: tuple[str, ...]
) -> None:
    formula_catalogue(catalogue_path)
    rows = assert_no_formula(cli(*args).stdout)
    assert len(rows) == len(FORMULAS) + 1


def test_csv_export_then_import_gives_back_the_exact_text(
    cli: Cli, catalogue_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The neutralising apostrophe is for spreadsheets: importing our own CSV removes it, so
    export then import round-trips (and a name that really starts with ' survives too)."""
    places = formula_catalogue(catalogue_path)
    exported = tmp_path / "places.csv"
    cli("export", "--format", "csv", "--output", str(exported))
    other = tmp_path / "other.toml"
    monkeypatch.setenv("NOMADSPOT_CATALOGUE", str(other))
    cli("import", str(exported), "--from", "csv")
    imported = {p.name: p for p in read_places(other)}
    assert sorted(imported) == sorted(p.name for p in places)
    for place in places:
        again = imported[place.name]
        assert (again.city, again.notes, again.address, again.phone) == (
            place.city,
            place.notes,
            place.address,
            place.phone,
        )
        assert (again.lat, again.lon) == (place.lat, place.lon)


# --- the command line itself ---------------------------------------------------------------


def run_bytes(*args: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable.encode(), b"-m", b"nomadspot", *args],
        capture_output=True,
        timeout=60,
        check=False,
        env=os.environ,
    )


def test_arguments_that_are_not_utf8(catalogue_path: Path) -> None:
    assert run_bytes(b"add", b"A", b"--kind", b"cafe", b"--city", b"Lyon").returncode == 0
    before = catalogue_path.read_bytes()
    added = run_bytes(b"add", b"Caf\xe9", b"--kind", b"cafe", b"--city", b"Lyon", b"--id", b"c")
    assert added.returncode == 2 and added.stderr.startswith(b"Error: "), added.stderr
    assert b"not valid UTF-8" in added.stderr and catalogue_path.read_bytes() == before
    visit = run_bytes(b"visit", b"a-lyon", b"--note", b"\xff\xfe")
    assert visit.returncode == 2 and catalogue_path.read_bytes() == before
    for args in (
        (b"show", b"\xff"),
        (b"list", b"--city", b"\xe9", b"--format", b"json"),
        (b"remove", b"\xff", b"--yes"),
    ):
        result = run_bytes(*args)
        assert result.returncode == 1, (args, result.stderr)
        assert b"Traceback" not in result.stderr
    elsewhere = catalogue_path.parent / "caf\udce9.toml"
    odd_path = os.fsencode(elsewhere)
    assert (
        run_bytes(
            b"--catalogue", odd_path, b"add", b"B", b"--kind", b"cafe", b"--city", b"Lyon"
        ).returncode
        == 0
    )
    for args in ((b"list",), (b"list", b"--format", b"table"), (b"config",), (b"check",)):
        result = run_bytes(b"--catalogue", odd_path, *args)
        assert result.returncode == 0, (args, result.stderr)
        assert b"Traceback" not in result.stderr


def test_huge_arguments(cli: Cli, catalogue_path: Path) -> None:
    name = "Très long " * 20_000
    cli("add", name, "--kind", "cafe", "--city", "Lyon", "--id", "long", "--note", "é" * 100_000)
    assert read_places(catalogue_path)[0].name == name.strip()
    cli("list", "--format", "table")


# --- $EDITOR -------------------------------------------------------------------------------

EDITOR_SCRIPT = """
import os, sys, subprocess
args, draft = sys.argv[1:-1], sys.argv[-1]
assert args == ["--wait", "--new-window"], args
mode = os.environ.get("FAKE_EDITOR_MODE", "seats")
text = open(draft, encoding="utf-8").read()
if mode == "seats":
    text = text.replace('city = "Lyon"', 'city = "Lyon"\\nseats = 12')
elif mode == "rename":
    text = text.replace('name = "A"', 'name = "B"')
elif mode == "type only":
    text = text.replace("x_flag = true", "x_flag = 1")
elif mode == "untouched":
    pass
elif mode == "fail":
    sys.exit(1)
elif mode == "killed":
    os.kill(os.getpid(), 9)
elif mode == "garbage":
    text = "[place\\nthis is not toml"
elif mode == "bytes":
    open(draft, "wb").write(b"[place]\\nname = '\\xff'\\n"); sys.exit(0)
elif mode == "out of range":
    text = text.replace('city = "Lyon"', 'city = "Lyon"\\nseats = 5000000')
elif mode == "race":
    subprocess.run([sys.executable, "-m", "nomadspot", "edit", "a-lyon", "--seats", "7"],
                   check=True, capture_output=True)
    text = text.replace('city = "Lyon"', 'city = "Lyon"\\nseats = 12')
open(draft, "w", encoding="utf-8").write(text)
"""


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$EDITOR is "python 'path with spaces/editor.py' --wait --new-window"."""
    folder = tmp_path / "my editor's folder"
    folder.mkdir()
    script = folder / "editor.py"
    script.write_text(textwrap.dedent(EDITOR_SCRIPT))
    monkeypatch.setenv(
        "EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} --wait --new-window"
    )
    return script


def test_an_editor_with_arguments_edits_the_place(
    cli: Cli, catalogue_path: Path, editor: Path
) -> None:
    cli("add", "A", "--kind", "cafe", "--city", "Lyon")
    cli("edit", "a-lyon")
    assert read_places(catalogue_path)[0].seats == 12


@pytest.mark.parametrize(
    ("mode", "code"),
    [
        ("fail", 2),
        ("killed", 2),
        ("garbage", 2),
        ("bytes", 2),
        ("out of range", 2),
        ("race", 3),
    ],
)
def test_a_failing_editor_leaves_the_catalogue_untouched(
    cli: Cli,
    catalogue_path: Path,
    editor: Path,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    code: int,
) -> None:
    cli("add", "A", "--kind", "cafe", "--city", "Lyon")
    before = catalogue_path.read_bytes()
    monkeypatch.setenv("FAKE_EDITOR_MODE", mode)
    result = cli("edit", "a-lyon", code=code)
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    if mode == "race":  # the other command's change is kept, the editor's is not
        assert read_places(catalogue_path)[0].seats == 7
    else:
        assert catalogue_path.read_bytes() == before
    assert leftovers(catalogue_path.parent) == []


@pytest.mark.parametrize("value", ["   ", 'vim "unbalanced', "/no/such/editor --wait"])
def test_unusable_editor_values_are_exit_2(
    cli: Cli, catalogue_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    cli("add", "A", "--kind", "cafe", "--city", "Lyon")
    before = catalogue_path.read_bytes()
    monkeypatch.setenv("VISUAL", value)
    monkeypatch.setenv("EDITOR", value)
    result = cli("edit", "a-lyon", code=2)
    assert result.stderr.startswith("Error: ")
    assert catalogue_path.read_bytes() == before


def test_visual_wins_over_editor(
    cli: Cli, catalogue_path: Path, editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("add", "A", "--kind", "cafe", "--city", "Lyon")
    monkeypatch.setenv("VISUAL", os.environ["EDITOR"])
    monkeypatch.setenv("EDITOR", "/no/such/editor")
    cli("edit", "a-lyon")
    assert read_places(catalogue_path)[0].seats == 12


# --- messages, TSV, invisible characters, completion, NO_COLOR (issue 13.9) ------------------

FORGED = "Evil\nhint: run 'rm -rf ~' to fix\nError"


def test_a_newline_in_a_name_cannot_forge_a_hint_line(cli: Cli, catalogue_path: Path) -> None:
    """The closest-names hint quotes the name: it stays one escaped line."""
    cli("add", FORGED, "--kind", "cafe", "--city", "Lyon", "--id", "evil")
    result = cli("show", "evel", code=1)
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Error", "hint"], result.stderr
    assert "Evil\\x0ahint: run" in lines[1]


def test_an_error_message_is_one_line_whatever_it_quotes(cli: Cli, catalogue_path: Path) -> None:
    result = cli("find", "--near", "Nowhere\nhint: forged", code=2)
    lines = [line for line in result.stderr.splitlines() if not line.startswith("note: ")]
    assert [line.split(":")[0] for line in lines] in (["Error"], ["Error", "hint"]), lines
    assert "hint: forged" in lines[0]  # quoted inside the error line, escaped


@pytest.mark.parametrize("args", [("list",), ("find",), ("list", "--format", "tsv")])
def test_tsv_never_starts_a_cell_with_a_formula(
    cli: Cli, catalogue_path: Path, args: tuple[str, ...]
) -> None:
    """TSV is the default in a pipe: a spreadsheet opening it must run no formula."""
    formula_catalogue(catalogue_path)
    lines = cli(*args, "--format", "tsv").stdout.splitlines()
    if args[0] == "list":
        assert "\t-45.5\t" in lines[1]
    assert len(lines) == len(FORMULAS) + 1
    for line in lines[1:]:
        for cell in line.split("\t"):
            assert cell[:1] not in ("=", "+", "@"), line
            if cell.startswith("-"):
                float(cell)  # -45.5 is a number; "-2+3" must have been quoted
    assert "\t'=HYPERLINK(" in "\n".join(lines)


INVISIBLE = ["\u200b", "\u200d", "\u200e", "\u2067", "\u2028", "\ufeff", "\u061c"]


def test_invisible_characters_show_escaped_in_tables(
    catalogue_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    places = [
        Place(id=f"z-{n}", name=f"Zero{char}Width {n}", kind=Kind.CAFE, city="Lyon")
        for n, char in enumerate(INVISIBLE)
    ]
    store.save(catalogue_path, store.Catalogue(tuple(places), {}, catalogue_path))
    for args in (("list", "--format", "table"), ("show", "z-0"), ("find", "--format", "table")):
        code, out, _ = on_terminal(monkeypatch, *args)
        assert code == 0
        assert not any(char in out for char in INVISIBLE), args
    code, out, _ = on_terminal(monkeypatch, "list", "--format", "table")
    for char in INVISIBLE:
        assert f"Zero\\u{ord(char):04x}Width" in out


def test_zsh_completion_shows_data_as_typed_without_markup_or_escapes(
    catalogue_path: Path,
) -> None:
    from .test_subprocess import complete

    place = Place(
        id="evil-link",
        name="[bold]Bold[/bold] \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
        kind=Kind.CAFE,
        city="Lyon\x1b]8;;https://evil.example\x1b\\",
    )
    store.save(catalogue_path, store.Catalogue((place,), {}, catalogue_path))
    offered = complete("nomadspot show evil")
    assert "evil-link" in offered
    assert "\x1b" not in offered and "\x9d" not in offered
    assert "[bold]Bold[/bold]" in offered
    cities = complete("nomadspot find --city Ly")
    assert "Lyon" in cities and "\x1b" not in cities


def test_no_color_writes_no_style_on_a_real_terminal(
    catalogue_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile_catalogue(catalogue_path)
    monkeypatch.setenv("NO_COLOR", "1")
    for args in (("list",), ("show", "evil-2"), ("find", "--city", "Vienne"), ("--help",)):
        code, seen = run_in_pty(*args)
        assert code in (0, 1), seen
        assert "\x1b" not in seen, (args, seen[:300])
    # An import's progress bar redraws itself with escape sequences: none with NO_COLOR.
    export = catalogue_path.parent / "export.csv"
    assert run_in_pty("export", "--format", "csv", "--output", str(export))[0] == 0
    code, seen = run_in_pty("import", str(export))
    assert code == 0 and "\x1b" not in seen, seen[:300]


# --- $EDITOR: changes as the file shows them (issue 13.11) -----------------------------------


def catalogue_with_unknown_keys(path: Path) -> None:
    """One place whose unknown keys hold a NaN and a boolean, as a hand edit may leave."""
    place = Place(
        id="a-lyon",
        name="A",
        kind=Kind.CAFE,
        city="Lyon",
        extra={"x_score": float("nan"), "x_flag": True},
    )
    store.save(path, store.Catalogue((place,), {}, path))


def test_a_nan_in_an_unknown_key_does_not_block_editing(
    cli: Cli, catalogue_path: Path, editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue_with_unknown_keys(catalogue_path)
    monkeypatch.setenv("FAKE_EDITOR_MODE", "rename")
    result = cli("edit", "a-lyon")
    assert "Updated a-lyon" in result.stderr
    (place,) = read_places(catalogue_path)
    assert place.name == "B" and math.isnan(place.extra["x_score"])
    monkeypatch.setenv("FAKE_EDITOR_MODE", "untouched")
    assert cli("edit", "a-lyon").stderr == "No change.\n"


def test_a_change_of_type_only_is_a_change(
    cli: Cli, catalogue_path: Path, editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``true`` to ``1`` is equal in Python (True == 1) but not in the file."""
    catalogue_with_unknown_keys(catalogue_path)
    monkeypatch.setenv("FAKE_EDITOR_MODE", "type only")
    result = cli("edit", "a-lyon")
    assert "Updated a-lyon" in result.stderr
    value = read_places(catalogue_path)[0].extra["x_flag"]
    assert value == 1 and not isinstance(value, bool)
