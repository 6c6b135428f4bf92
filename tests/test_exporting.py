"""Exporting places (GeoJSON, CSV, JSON, TOML) and reading the exports back."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nomadspot import codec
from nomadspot.interop.exporting import (
    CSV_COLUMNS,
    csv_text,
    export_text,
    flat_row,
    uncsv_cell,
)
from nomadspot.interop.importing import ImportOptions, merge, parse_import
from nomadspot.model import Place, Price, Visit
from nomadspot.vocabulary import AMENITY_KEYS, Kind

from .strategies import places as any_places

PEPINIERE = Place(
    id="pepiniere-vienne",
    name="La Pépinière",
    kind=Kind.PEPINIERE,
    city="Vienne",
    country="FR",
    address="Rue de l'Essai",
    lat=45.5257,
    lon=4.8748,
    opening_hours="Mo-Fr 08:30-18:00; PH off",
    seats=40,
    meeting_room_seats=8,
    wifi_mbps=100.0,
    website="https://pepiniere.example",
    phone="+33 4 00 00 00 00",
    tags=("events", "open-space"),
    notes="Ask for the upstairs room.",
    source="osm:node/123",
    amenities={"wifi": True, "power": True, "quiet": False},
    price=Price(hour=0.0, day=15.0, room_hour=25.5, currency="EUR"),
    visits=(Visit(dt.date(2026, 11, 20), rating=4, wifi_mbps=35.5, note="Busy at lunch."),),
)
NOWHERE = Place(
    id="boitron",
    name="Télécentre",
    kind=Kind.TELECENTRE,
    city="Boitron",
    opening_hours_raw="8h-18h sauf lundi",
)
WEST = Place(id="west", name="West", kind=Kind.CAFE, city="Nantes", lat=-47.2, lon=-1.5536)


def reimport(text: str, suffix: str) -> tuple[Place, ...]:
    batch = parse_import(text.encode("utf-8"), Path(f"export{suffix}"), ImportOptions())
    assert batch.skipped == {}, batch.skipped
    return batch.places


def without_visits(place: Place) -> Place:
    return dataclasses.replace(place, visits=())


# --- GeoJSON -------------------------------------------------------------------------------------


def test_geojson_is_an_rfc7946_feature_collection() -> None:
    data = json.loads(export_text([PEPINIERE, NOWHERE, WEST], "geojson"))
    assert data["type"] == "FeatureCollection"
    # a foreign member (RFC 7946, 6.1): PEPINIERE came from OpenStreetMap
    assert set(data) == {"type", "attribution", "features"}
    assert data["attribution"] == "© OpenStreetMap contributors, ODbL 1.0"
    first, second, third = data["features"]
    assert first["type"] == "Feature" and first["id"] == "pepiniere-vienne"
    assert first["geometry"] == {"type": "Point", "coordinates": [4.8748, 45.5257]}  # lon, lat
    assert third["geometry"]["coordinates"] == [-1.5536, -47.2]
    assert second["geometry"] is None  # no coordinates: a null geometry (RFC 7946, 3.2)
    properties = first["properties"]
    assert properties["name"] == "La Pépinière" and properties["kind"] == "pepiniere"
    assert properties["wifi"] is True and properties["quiet"] is False
    assert "meeting_room" not in properties  # unknown: left out
    assert properties["tags"] == ["events", "open-space"]
    assert (properties["price_day"], properties["price_currency"]) == (15.0, "EUR")
    assert properties["seats"] == 40 and properties["source"] == "osm:node/123"
    assert all(not isinstance(value, dict) for value in properties.values())  # flat
    assert second["properties"]["opening_hours_raw"] == "8h-18h sauf lundi"


def test_geojson_reads_back() -> None:
    text = export_text([PEPINIERE, NOWHERE, WEST], "geojson")
    assert reimport(text, ".geojson") == (without_visits(PEPINIERE), NOWHERE, WEST)


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_columns() -> None:
    rows = list(csv.reader(io.StringIO(export_text([PEPINIERE, NOWHERE], "csv"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["tags"] == "events;open-space"
    assert (row["wifi"], row["quiet"], row["meeting_room"]) == ("yes", "no", "")
    assert (row["lat"], row["lon"], row["seats"], row["wifi_mbps"]) == (
        "45.5257",
        "4.8748",
        "40",
        "100",
    )
    assert (row["price_hour"], row["price_day"], row["price_room_hour"]) == ("0", "15", "25.5")
    assert row["phone"] == "'+33 4 00 00 00 00"
    assert flat_row(PEPINIERE)["phone"] == "+33 4 00 00 00 00"  # raw for TSV
    assert set(flat_row(NOWHERE)) == set(CSV_COLUMNS)


FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
    "\t=1",
    "\r=1",
    "'quoted",
    "''",
    "'=x",
]


def test_csv_never_starts_a_text_cell_with_a_formula() -> None:
    places = [
        dataclasses.replace(
            WEST,
            id=f"f{n}",
            name=text,
            city=text,
            address=text,
            notes=text,
            tags=(text,),
            website=text,
        )
        for n, text in enumerate(FORMULAS)
    ]
    rows = list(csv.reader(io.StringIO(export_text(places, "csv"))))
    for row in rows[1:]:
        for column, cell in zip(CSV_COLUMNS, row, strict=True):
            if cell[:1] in ("=", "+", "@", "\t", "\r"):
                raise AssertionError(f"{column}: {cell!r}")
            if cell.startswith("-"):
                float(cell)  # a negative number (lon -1.5536), never text
    # import strips the whitespace around values (the tab and CR of "\t=1", "\r=1")
    again = {place.name: place for place in reimport(export_text(places, "csv"), ".csv")}
    for place in places:
        text = place.name.strip()
        back = again[text]
        assert (back.city, back.address, back.notes, back.tags, back.website, back.lon) == (
            text,
            text,
            text,
            (text,),
            text,
            place.lon,
        )


@given(st.text())
def test_csv_cell_round_trips(text: str) -> None:
    import csv
    import io

    written = csv_text(("name", "lon"), [(text, text)], numbers={"lon"})
    header, (name, lon) = list(csv.reader(io.StringIO(written, newline="")))
    assert header == ["name", "lon"]
    assert uncsv_cell(name) == text
    assert lon == text  # a number column is never neutralised


def test_find_and_list_write_csv_alike() -> None:
    """One CSV writer: a lone carriage return is quoted (the csv module with "\\n" line
    ends left it bare, which every reader takes for the end of a line)."""
    assert csv_text(("name",), [("A\rB",)]) == 'name\n"A\rB"\n'


def test_a_foreign_leading_apostrophe_is_kept() -> None:
    assert uncsv_cell("'s-Hertogenbosch") == "'s-Hertogenbosch"
    assert uncsv_cell("'") == "'"


def test_csv_reads_back() -> None:
    text = export_text([PEPINIERE, NOWHERE, WEST], "csv")
    assert reimport(text, ".csv") == (without_visits(PEPINIERE), NOWHERE, WEST)


# --- JSON and TOML -----------------------------------------------------------------------------


def test_json_is_the_catalogue_shape_with_iso_dates() -> None:
    data = json.loads(export_text([PEPINIERE, NOWHERE], "json"))
    assert isinstance(data, list) and len(data) == 2
    assert data[0] == json.loads(json.dumps(codec.encode_place(PEPINIERE), default=str))
    assert data[0]["visits"][0]["date"] == "2026-11-20"
    assert data[0]["amenities"] == {"wifi": True, "power": True, "quiet": False}
    assert reimport(export_text([PEPINIERE, NOWHERE], "json"), ".json") == (PEPINIERE, NOWHERE)


def test_json_writes_non_finite_unknown_values_as_null() -> None:
    odd = dataclasses.replace(NOWHERE, extra={"x_inf": float("inf"), "x_time": dt.time(9, 30)})
    data = json.loads(export_text([odd], "json"))
    assert data[0]["x_inf"] is None and data[0]["x_time"] == "09:30:00"


def test_toml_is_a_catalogue() -> None:
    text = export_text([PEPINIERE, NOWHERE], "toml")
    document = tomllib.loads(text)
    assert document["version"] == 1
    assert codec.decode(document).places == (PEPINIERE, NOWHERE)
    assert reimport(text, ".toml") == (PEPINIERE, NOWHERE)


# --- round trips over generated places -----------------------------------------------------------


def flat_place(place: Place) -> Place:
    """What CSV and GeoJSON carry: no visits, no unknown keys or amenities, tags unique and
    without ';', text without NUL (an import drops NUL characters)."""

    def required(text: str) -> str:
        return text.replace("\x00", "").strip() or "x"

    def clean(text: str | None) -> str | None:
        return None if text is None else required(text)

    tags = []
    for tag in place.tags:
        cleaned = clean(tag)
        if cleaned and cleaned.strip() == cleaned and cleaned not in tags:
            tags.append(cleaned)
    price = place.price
    if price is not None:
        price = dataclasses.replace(price, extra={})
        price = None if price.is_empty else price
    return dataclasses.replace(
        place,
        name=required(place.name),
        city=required(place.city),
        address=clean(place.address),
        opening_hours_raw=clean(place.opening_hours_raw),
        website=clean(place.website),
        phone=clean(place.phone),
        notes=clean(place.notes),
        source=clean(place.source),
        tags=tuple(tags),
        visits=(),
        extra={},
        private={},
        price=price,
        amenities={key: value for key, value in place.amenities.items() if key in AMENITY_KEYS},
    )


flat_places = st.lists(any_places().map(flat_place), max_size=4).map(
    lambda places: [
        dataclasses.replace(place, id=f"p{n}-{place.id}") for n, place in enumerate(places)
    ]
)
ROUND_TRIPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND_TRIPS
@given(places=flat_places, fmt=st.sampled_from(["csv", "geojson"]))
def test_flat_exports_round_trip(places: list[Place], fmt: str) -> None:
    text = export_text(places, fmt)  # type: ignore[arg-type]
    assert list(reimport(text, f".{fmt}")) == places


@ROUND_TRIPS
@given(places=st.lists(any_places(), max_size=4), fmt=st.sampled_from(["toml", "json"]))
def test_full_exports_round_trip(places: list[Place], fmt: str) -> None:
    places = [dataclasses.replace(place, id=f"p{n}-{place.id}") for n, place in enumerate(places)]
    text = export_text(places, fmt)  # type: ignore[arg-type]
    assert list(reimport(text, f".{fmt}")) == places


@ROUND_TRIPS
@given(places=flat_places, fmt=st.sampled_from(["csv", "geojson", "toml", "json"]))
def test_importing_an_export_into_its_own_catalogue_changes_nothing(
    places: list[Place], fmt: str
) -> None:
    again = reimport(export_text(places, fmt), f".{fmt}")  # type: ignore[arg-type]
    merged = merge(places, again)
    assert (merged.added, merged.updated, merged.unchanged) == (0, 0, len(places))
    assert list(merged.places) == places


@pytest.mark.parametrize("fmt", ["geojson", "csv", "json", "toml"])
def test_empty_exports(fmt: str) -> None:
    assert export_text([], fmt)  # type: ignore[arg-type]


def test_csv_round_trips_tags_holding_semicolons_and_backslashes() -> None:
    tagged = dataclasses.replace(NOWHERE, tags=("a;b", "c", "back\\slash", "end\\"))
    text = export_text([tagged], "csv")
    assert "a\\;b;c;back\\\\slash;end\\\\" in text
    (again,) = reimport(text, ".csv")
    assert again.tags == tagged.tags
    (old_style,) = reimport(text.replace("a\\;b;c", "a;b"), ".csv")
    assert old_style.tags[:2] == ("a", "b")
