"""Importing places from OpenStreetMap (Overpass JSON, GeoJSON), CSV, TOML; merging them."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nomadspot import codec
from nomadspot.errors import UsageError
from nomadspot.interop import importing, osm
from nomadspot.interop.importing import (
    ImportBatch,
    ImportOptions,
    guess_format,
    guess_kind,
    merge,
    parse_import,
    read_import,
)
from nomadspot.model import Place, Price, Visit
from nomadspot.vocabulary import Kind

from .osm_support import node, overpass

FIXTURES = Path(__file__).parent / "fixtures"
TIERS_LIEUX_MAP = {
    "name": "NOM_TL",
    "city": "NOMCOM",
    "address": "ADRESSE",
    "lat": "LAT",
    "lon": "LONG",
    "website": "WEB",
}


def paris_only(lat: float, lon: float) -> tuple[str, str] | None:
    """A stand-in for the gazetteer: Paris inside its rough box, nothing elsewhere."""
    return ("Paris", "FR") if 48.80 <= lat <= 48.91 and 2.22 <= lon <= 2.47 else None


def by_source(batch: ImportBatch) -> dict[str | None, Place]:
    return {place.source: place for place in batch.places}


def by_name(batch: ImportBatch) -> dict[str, Place]:
    return {place.name: place for place in batch.places}


def load(name: str, **options: Any) -> ImportBatch:
    return read_import(FIXTURES / name, ImportOptions(**options))


def import_bytes(data: bytes, suffix: str = ".json", **options: Any) -> ImportBatch:
    return parse_import(data, Path(f"import{suffix}"), ImportOptions(**options))


def one(data: bytes, suffix: str = ".json", **options: Any) -> Place:
    batch = import_bytes(data, suffix, **options)
    assert len(batch.places) == 1, batch
    return batch.places[0]


def assert_loadable(places: tuple[Place, ...] | list[Place]) -> None:
    """What an import gives is a catalogue that writes and loads back as it was."""
    text = tomli_w.dumps(codec.encode(places))
    again = codec.decode(tomllib.loads(text)).places
    assert list(again) == list(places)
    text.encode("utf-8")


# --- the French tiers-lieux census (CSV and GeoJSON) ----------------------------------------


def test_tiers_lieux_csv_with_map_and_kind() -> None:
    batch = load("tiers-lieux-sample.csv", mapping=TIERS_LIEUX_MAP, kind=Kind.TIERS_LIEU)
    assert batch.fmt == "csv" and batch.total == 7
    assert batch.skipped == {"no name": 1, "no city": 1, "coordinates out of range": 1}
    places = by_name(batch)
    comptoir = places["Le Comptoir d'Essai"]
    assert (comptoir.id, comptoir.kind, comptoir.city, comptoir.address) == (
        "le-comptoir-d-essai-nantes",
        Kind.TIERS_LIEU,
        "Nantes",
        "12 Rue des Exemples",
    )
    assert (comptoir.lat, comptoir.lon) == (47.214263, -1.547318)
    assert comptoir.website == "www.comptoir-essai.example"  # kept as given
    # The census's columns are recognised: its records get a source of their own, so a
    # re-import updates them and an export names the census's licence.
    assert comptoir.source == "census:tiers-lieux-2019/1" and comptoir.country is None
    assert places["Atelier d'Essai"].address == "5, place de la Maquette"
    assert places["Espace Sans Type"].kind is Kind.TIERS_LIEU
    assert_loadable(batch.places)


def test_tiers_lieux_typology_maps_to_kinds() -> None:
    mapping = {**TIERS_LIEUX_MAP, "kind": "TYPO"}
    batch = load("tiers-lieux-sample.csv", mapping=mapping)
    kinds = {place.name: place.kind for place in batch.places}
    assert kinds["Le Comptoir d'Essai"] is Kind.COWORKING  # "à dominante coworking"
    assert kinds["Atelier d'Essai"] is Kind.TIERS_LIEU  # "à dominante fablab"
    assert "Espace Sans Type" not in kinds  # no TYPO, no --kind
    assert batch.skipped["no usable kind"] == 1
    with_default = load("tiers-lieux-sample.csv", mapping=mapping, kind=Kind.TIERS_LIEU)
    assert by_name(with_default)["Espace Sans Type"].kind is Kind.TIERS_LIEU
    assert by_name(with_default)["Le Comptoir d'Essai"].kind is Kind.COWORKING


def test_missing_city_comes_from_the_option_or_the_gazetteer() -> None:
    calls: list[tuple[float, float]] = []

    def locate(lat: float, lon: float) -> tuple[str, str] | None:
        calls.append((lat, lon))
        return ("Boitron", "FR")

    batch = load(
        "tiers-lieux-sample.csv", mapping=TIERS_LIEUX_MAP, kind=Kind.TIERS_LIEU, locate=locate
    )
    bourg = by_name(batch)["Relais du Hameau d'Essai"]
    assert (bourg.city, bourg.country) == ("Boitron", "FR")
    assert calls == [(48.5573, 0.2781)]  # only for the record without a city
    assert "no city" not in batch.skipped
    given = load(
        "tiers-lieux-sample.csv",
        mapping=TIERS_LIEUX_MAP,
        kind=Kind.TIERS_LIEU,
        city="  Alençon ",
        locate=locate,
    )
    assert by_name(given)["Relais du Hameau d'Essai"].city == "Alençon"  # --city first
    assert len(calls) == 1


def test_tiers_lieux_geojson_gives_the_same_places_as_the_csv() -> None:
    mapping = {key: value for key, value in TIERS_LIEUX_MAP.items() if key not in ("lat", "lon")}
    from_geojson = load("tiers-lieux-sample.geojson", mapping=mapping, kind=Kind.TIERS_LIEU)
    from_csv = load("tiers-lieux-sample.csv", mapping=TIERS_LIEUX_MAP, kind=Kind.TIERS_LIEU)
    assert from_geojson.fmt == "geojson"
    assert from_geojson.places == from_csv.places
    assert from_geojson.skipped == from_csv.skipped


def test_without_map_a_foreign_file_has_no_name() -> None:
    with pytest.raises(UsageError, match="no 'name' column") as error:
        load("tiers-lieux-sample.csv", kind=Kind.TIERS_LIEU)
    assert "NOM_TL" in (error.value.hint or "")
    batch = load("tiers-lieux-sample.geojson", kind=Kind.TIERS_LIEU)
    assert batch.places == () and batch.skipped == {"no name": 7}


# --- OpenStreetMap -----------------------------------------------------------------------------


def test_flattened_osm_export() -> None:
    batch = load("paris-cafes-flat.geojson", locate=paris_only)
    assert batch.total == 7
    assert batch.skipped == {"no usable kind": 2, "no name": 1}  # bakery, pastry; no name
    places = by_source(batch)
    essai = places["osm:node/1000000001"]  # osm_type "nodes", osm_id a number
    assert essai.name == "Café de l'Essai" and essai.kind is Kind.CAFE
    assert essai.address == "27 Rue Imaginaire"
    assert (essai.city, essai.country) == ("Paris", "FR")
    assert (essai.lat, essai.lon) == (48.8633851, 2.3418723)
    assert essai.opening_hours == "Mo-Fr 08:00-18:00; Sa,Su 09:00-17:00"  # read as meant
    assert places["osm:node/1000000005"].address == "Allée des Maquettes"
    assert places["osm:node/1000000007"].kind is Kind.FAST_FOOD  # amenity wins over shop
    assert_loadable(batch.places)


def test_unparsable_hours_are_tidied_or_kept_raw_and_counted() -> None:
    batch = load("paris-cafes-flat.geojson", locate=paris_only)
    places = by_source(batch)
    assert batch.raw_hours == 1
    en_dash = places["osm:node/1000000004"]  # typographic dashes: tidied, then it parses
    assert en_dash.opening_hours == "Mo-Fr 08:00-12:00,12:30-18:00; Sa-Su 09:00-19:00"
    assert en_dash.opening_hours_raw is None
    assert places["osm:node/1000000005"].opening_hours_raw == "Mo-Fr 08:00-19:00 / Sa 09:00-19:00"
    assert places["osm:node/1000000005"].opening_hours is None
    assert places["osm:node/1000000001"].opening_hours_raw is None


@pytest.mark.parametrize(
    ("given", "tidy"),
    [
        ("Mo-Fr 08:00\u201318:00", "Mo-Fr 08:00-18:00"),
        ("Mo-Fr 08:00 - 18:00", "Mo-Fr 08:00-18:00"),
        ("Tu-Su 13:00-19:00;", "Tu-Su 13:00-19:00"),
        ("Mo 10:00-12:00 ;Tu  10:00-12:00 ; ", "Mo 10:00-12:00; Tu 10:00-12:00"),
        ("Mo-Fr 08:00-18:00", "Mo-Fr 08:00-18:00"),
    ],
)
def test_tidy_hours_only_fixes_typography(given: str, tidy: str) -> None:
    assert importing.tidy_hours(given) == tidy


def test_hours_that_only_parse_once_tidied_are_imported_tidied() -> None:
    data = "name,kind,city,opening_hours\nDash,cafe,Lyon,Mo-Fr 08:00\u201318:00\n"
    data += "Words,cafe,Lyon,8h-18h sauf lundi\n"
    batch = parse_import(data.encode(), Path("places.csv"), ImportOptions())
    hours = {p.name: (p.opening_hours, p.opening_hours_raw) for p in batch.places}
    assert hours == {
        "Dash": ("Mo-Fr 08:00-18:00", None),
        "Words": (None, "8h-18h sauf lundi"),
    }
    assert batch.raw_hours == 1


def test_bakeries_need_a_kind() -> None:
    batch = load("paris-cafes-flat.geojson", locate=paris_only, kind=Kind.CAFE)
    assert batch.skipped == {"no name": 1}
    places = by_source(batch)
    assert places["osm:node/1000000002"].kind is Kind.CAFE
    assert places["osm:node/1000000002"].name == 'Boulangerie "Le Pain d\'Essai"'
    assert places["osm:node/1000000001"].kind is Kind.CAFE


def test_no_city_without_gazetteer_or_option() -> None:
    batch = load("paris-cafes-flat.geojson")
    assert batch.places == ()
    assert batch.skipped == {"no city": 4, "no usable kind": 2, "no name": 1}


def test_overpass_json() -> None:
    batch = load("restaurants-overpass.json")
    assert batch.fmt == "osm" and batch.total == 14
    assert batch.skipped == {
        "no city": 2,
        "no name": 1,
        "no tags (geometry only)": 1,
        "no usable kind": 1,
        "coordinates out of range": 1,
    }
    places = by_source(batch)
    table = places["osm:node/2000000001"]
    assert table.kind is Kind.RESTAURANT
    assert (table.city, table.address) == ("Paris", "41 Rue du Brouillon")
    assert table.website == "https://table-essai.example"
    assert table.phone == "+33 1 00 00 00 01"
    assert table.seats == 40
    # wlan;terminal is wifi; socket:* is power; wheelchair=limited stays unknown
    assert dict(table.amenities) == {"wifi": True, "power": True, "air_conditioning": True}
    assert table.opening_hours == "Mo-Su 08:00-01:00; Sa 10:00-01:00; Su 10:00-24:00"
    comete = places["osm:node/2000000002"]
    assert (comete.city, comete.address) == ("Paris", "5 Rue de l'Ébauche")
    assert comete.website == "https://comete-essai.example/"
    assert comete.phone == "+33 1 00 00 00 02"
    assert comete.seats is None  # capacity "20-30" is no clean number
    assert comete.source == "osm:node/2000000002"  # the OSM source tag is not ours
    assert dict(comete.amenities) == {
        "wifi": False,
        "accessible": False,
        "air_conditioning": False,
    }
    hotel = places["osm:way/3000000001"]
    assert (hotel.kind, hotel.lat, hotel.lon) == (Kind.HOTEL_LOBBY, 48.8566, 2.3522)
    assert hotel.amenities == {"wifi": True}
    congress = places["osm:relation/4000000001"]
    assert (congress.kind, congress.city, congress.lat) == (Kind.BUSINESS_CENTRE, "Lyon", 45.764)
    cowork = places["osm:node/2000000004"]
    assert (cowork.kind, cowork.country) == (Kind.COWORKING, "FR")
    assert places["osm:node/2000000005"].kind is Kind.LIBRARY
    assert places["osm:node/2000000006"].kind is Kind.BRASSERIE  # amenity=bar;restaurant
    assert places["osm:node/2000000007"].kind is Kind.FAST_FOOD
    assert_loadable(batch.places)


def test_overpass_with_city_option() -> None:
    batch = load("restaurants-overpass.json", city="Paris")
    places = by_source(batch)
    pub = places["osm:node/2000000003"]
    assert (pub.kind, pub.city) == (Kind.BRASSERIE, "Paris")
    assert pub.amenities == {"wifi": True, "accessible": True}
    assert (pub.opening_hours, pub.opening_hours_raw) == (None, "8h-18h sauf lundi")
    assert batch.raw_hours == 1
    assert places["osm:node/2000000010"].city == "Paris"
    assert places["osm:node/2000000001"].city == "Paris"  # addr:city, not the option


def test_overpass_turbo_geojson() -> None:
    batch = load("overpass-turbo.geojson")
    assert batch.fmt == "geojson" and batch.skipped == {}
    places = by_source(batch)
    polygon = places["osm:way/5000000001"]  # @id
    assert (polygon.kind, polygon.address) == (Kind.COWORKING, "7 Quai des Essais")
    assert (polygon.lat, polygon.lon) == (44.85, -0.57)  # the centre; the closing vertex once
    assert polygon.amenities == {"wifi": True, "power": True}
    point = places["osm:node/5000000002"]
    assert (point.lat, point.lon, point.opening_hours) == (44.8378, -0.5792, "24/7")
    line = places["osm:way/5000000003"]  # only the feature id says which element
    assert (line.lat, line.lon) == (44.85, -0.55)
    old = places["osm:node/5000000004"]  # osmtogeojson before 3.0: nested tags
    assert (old.name, old.kind, old.city) == ("Bar Ancien Format", Kind.BRASSERIE, "Bordeaux")


@pytest.mark.parametrize(
    ("tags", "kind"),
    [
        ({"amenity": "cafe"}, Kind.CAFE),
        ({"amenity": "restaurant"}, Kind.RESTAURANT),
        ({"amenity": "fast_food"}, Kind.FAST_FOOD),
        ({"amenity": "bar"}, Kind.BRASSERIE),
        ({"amenity": "pub"}, Kind.BRASSERIE),
        ({"tourism": "hotel"}, Kind.HOTEL_LOBBY),
        ({"amenity": "coworking_space"}, Kind.COWORKING),
        ({"office": "coworking"}, Kind.COWORKING),
        ({"amenity": "cafe", "office": "coworking"}, Kind.COWORKING),
        ({"amenity": "library"}, Kind.LIBRARY),
        ({"amenity": "conference_centre"}, Kind.BUSINESS_CENTRE),
        ({"amenity": "ice_cream;cafe"}, Kind.CAFE),
        ({"shop": "bakery"}, None),
        ({"amenity": "bench"}, None),
        ({"amenity": ["cafe"]}, None),
    ],
)
def test_osm_kinds(tags: dict[str, Any], kind: Kind | None) -> None:
    assert osm.kind(tags) is kind


@pytest.mark.parametrize(
    ("tags", "amenities"),
    [
        ({"internet_access": "wlan"}, {"wifi": True}),
        ({"internet_access": "yes"}, {"wifi": True}),
        ({"internet_access": "wifi"}, {"wifi": True}),
        ({"internet_access": "WLAN"}, {"wifi": True}),
        ({"internet_access": "terminal;wlan"}, {"wifi": True}),
        ({"internet_access": "no"}, {"wifi": False}),
        ({"internet_access": "terminal"}, {}),
        ({"internet_access": "wired"}, {}),
        ({"socket:schuko": "2"}, {"power": True}),
        ({"socket:usb_a": "yes"}, {"power": True}),
        ({"socket_schuko": "2"}, {"power": True}),  # a flattening export
        ({"socket:schuko": "no"}, {}),
        ({"wheelchair": "yes"}, {"accessible": True}),
        ({"wheelchair": "no"}, {"accessible": False}),
        ({"wheelchair": "limited"}, {}),
        ({"air_conditioning": "yes"}, {"air_conditioning": True}),
        ({"air_conditioning": "no"}, {"air_conditioning": False}),
        ({"internet_access": None, "wheelchair": 3, "air_conditioning": ["yes"]}, {}),
    ],
)
def test_osm_amenities(tags: dict[str, Any], amenities: dict[str, bool]) -> None:
    assert osm.amenities(tags) == amenities


@pytest.mark.parametrize(
    ("tags", "address", "city"),
    [
        (
            {"addr:street": "Rue Imaginaire", "addr:housenumber": "27"},
            "27 Rue Imaginaire",
            None,
        ),
        (
            {"addr_street": "Rue Cler", "addr_housenumber": 12, "addr_city": "Paris"},
            "12 Rue Cler",
            "Paris",
        ),
        (
            {
                "contact:street": "Rue du Prototype",
                "contact:housenumber": "95",
                "contact:city": "Paris",
            },
            "95 Rue du Prototype",
            "Paris",
        ),
        ({"addr:place": "Place du Marché", "addr:city": " Vienne "}, "Place du Marché", "Vienne"),
        ({"addr:full": "3 chemin des Essais, Boitron"}, "3 chemin des Essais, Boitron", None),
        ({"addr:housenumber": "3"}, None, None),
        ({"addr:street": None, "addr:city": ""}, None, None),
    ],
)
def test_osm_address_and_city(tags: dict[str, Any], address: str | None, city: str | None) -> None:
    assert osm.address(tags) == address
    assert osm.city(tags) == city


@pytest.mark.parametrize(
    ("capacity", "seats"),
    [
        ("40", 40),
        (" 12 ", 12),
        ("20-30", None),
        ("~40", None),
        ("-3", None),
        ("1e3", None),
        ("99999999", None),
        (25, 25),
        (True, None),
    ],
)
def test_capacity_is_seats_when_a_clean_number(capacity: Any, seats: int | None) -> None:
    assert osm.seats({"capacity": capacity}) == seats


@pytest.mark.parametrize(
    ("props", "feature_id", "source"),
    [
        ({"@id": "node/123"}, None, "osm:node/123"),
        ({}, "way/45", "osm:way/45"),
        ({"osm_id": 7, "osm_type": "nodes"}, None, "osm:node/7"),
        ({"osm_id": "8", "osm_type": "ways"}, None, "osm:way/8"),
        ({"osm_id": 9, "osm_type": "relation"}, None, "osm:relation/9"),
        ({"type": "node", "id": 10}, None, "osm:node/10"),
        ({"@id": "https://www.openstreetmap.org/node/11"}, None, "osm:node/11"),
        ({"id": "cafe-lyon"}, "cafe-lyon", None),
        ({"osm_id": True, "osm_type": "node"}, None, None),
        ({"osm_id": -5, "osm_type": "node"}, None, None),
        ({"osm_id": 5, "osm_type": "area"}, None, None),
        ({"@id": ["node/1"]}, {"x": 1}, None),
    ],
)
def test_osm_identity(props: dict[str, Any], feature_id: Any, source: str | None) -> None:
    assert osm.properties_identity(props, feature_id) == source


def test_overpass_ways_bounds_and_geometry() -> None:
    data = overpass(
        {
            "type": "way",
            "id": 1,
            "bounds": {"minlat": 48.0, "maxlat": 48.2, "minlon": 2.0, "maxlon": 2.4},
            "tags": {"amenity": "cafe", "name": "Bounds", "addr:city": "X"},
        },
        {
            "type": "way",
            "id": 2,
            "geometry": [{"lat": 45.0, "lon": 4.0}, {"lat": 45.2, "lon": 4.2}],
            "tags": {"amenity": "cafe", "name": "Geometry", "addr:city": "X"},
        },
        {"type": "way", "id": 3, "tags": {"amenity": "cafe", "name": "Nowhere", "addr:city": "X"}},
    )
    places = {place.name: place for place in import_bytes(data).places}
    assert (places["Bounds"].lat, places["Bounds"].lon) == (48.1, 2.2)
    assert (places["Geometry"].lat, places["Geometry"].lon) == (45.1, 4.1)
    assert (places["Nowhere"].lat, places["Nowhere"].lon) == (None, None)
    assert places["Nowhere"].source == "osm:way/3"


def test_multipolygon_and_collection_centres() -> None:
    square = [[[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]]
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "M", "kind": "cafe", "city": "X"},
                "geometry": {"type": "MultiPolygon", "coordinates": [square]},
            },
            {
                "type": "Feature",
                "properties": {"name": "G", "kind": "cafe", "city": "X"},
                "geometry": {
                    "type": "GeometryCollection",
                    "geometries": [
                        {"type": "Point", "coordinates": [4.0, 6.0]},
                        {"type": "Point", "coordinates": [6.0, 8.0]},
                    ],
                },
            },
        ],
    }
    places = {p.name: p for p in import_bytes(json.dumps(document).encode(), ".geojson").places}
    assert (places["M"].lat, places["M"].lon) == (1.0, 1.0)
    assert (places["G"].lat, places["G"].lon) == (7.0, 5.0)


def test_osm_source_tag_is_not_the_source_but_a_foreign_source_property_is() -> None:
    tagged = one(
        overpass(node(1, {"amenity": "cafe", "name": "A", "addr:city": "X", "source": "survey"}))
    )
    assert tagged.source == "osm:node/1"
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": None,
                "properties": {"name": "B", "kind": "cafe", "city": "X", "source": "survey 2026"},
            }
        ],
    }
    assert one(json.dumps(document).encode(), ".geojson").source == "survey 2026"


# --- --map, kinds and values --------------------------------------------------------------------


def test_map_rejects_keys_that_are_not_catalogue_keys() -> None:
    with pytest.raises(UsageError, match="'nom' is not a catalogue key"):
        load("tiers-lieux-sample.csv", mapping={"nom": "NOM_TL"})


def test_map_accepts_amenity_aliases_and_dotted_price() -> None:
    assert importing.resolve_mapping({"wi-fi": "W", "price.hour": "P", " name ": "N"}) == {
        "wifi": "W",
        "price_hour": "P",
        "name": "N",
    }


def test_map_field_must_exist() -> None:
    with pytest.raises(UsageError, match="has no such column"):
        load("tiers-lieux-sample.csv", mapping={"name": "NOPE"}, kind=Kind.CAFE)
    with pytest.raises(UsageError, match=r"no record of .* has a property 'NOPE'"):
        load("tiers-lieux-sample.geojson", mapping={"name": "NOPE"}, kind=Kind.CAFE)
    with pytest.raises(UsageError, match="'LAT'") as error:
        load("tiers-lieux-sample.geojson", mapping=TIERS_LIEUX_MAP, kind=Kind.CAFE)
    assert "geometry" in (error.value.hint or "")


def test_map_fields_ignore_case_in_csv_headers() -> None:
    batch = load(
        "tiers-lieux-sample.csv", mapping={"name": "nom_tl", "city": "nomcom"}, kind=Kind.TIERS_LIEU
    )
    assert "Le Comptoir d'Essai" in by_name(batch)


def test_mapped_amenities_prices_and_counts() -> None:
    data = (
        "Nom;Ville;Wifi;Prises;Places;Salle;Prix;Lat;Lon;Étiquettes\n"
        "Lieu;Vienne;oui;non;12;4;2,5;45,5257;4,8748;calme; réunion ;calme\n"
    ).encode()
    place = one(
        data,
        ".csv",
        kind=Kind.COWORKING,
        mapping={
            "name": "Nom",
            "city": "Ville",
            "wifi": "Wifi",
            "power": "Prises",
            "seats": "Places",
            "meeting_room_seats": "Salle",
            "price_hour": "Prix",
            "lat": "Lat",
            "lon": "Lon",
            "tags": "Étiquettes",
        },
    )
    assert place.amenities == {"wifi": True, "power": False}
    assert (place.seats, place.meeting_room_seats) == (12, 4)
    assert place.price == Price(hour=2.5)
    assert (place.lat, place.lon) == (45.5257, 4.8748)  # decimal commas read
    assert place.tags == ("calme",)  # the cell is "calme", ";" separated the columns


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("cafe", Kind.CAFE),
        ("Café", Kind.CAFE),
        ("coworking_space", Kind.COWORKING),
        ("Tiers lieux à dominante coworking", Kind.COWORKING),
        ("Tiers lieux à dominante fablab", Kind.TIERS_LIEU),
        ("Café-restaurant", Kind.CAFE),
        ("Hôtel d'entreprises de la ville", Kind.PEPINIERE),
        ("espace de coworking rural", Kind.COWORKING),
        ("Inconnu", None),
        ("", None),
        ("x" * 10_000, None),
    ],
)
def test_guess_kind(text: str, kind: Kind | None) -> None:
    assert guess_kind(text) is kind


def test_ids_are_slugs_unique_in_the_batch() -> None:
    data = overpass(
        node(1, {"amenity": "cafe", "name": "Starbucks", "addr:city": "Paris"}),
        node(2, {"amenity": "cafe", "name": "Starbucks", "addr:city": "Paris"}),
        node(3, {"amenity": "cafe", "name": "STARBUCKS", "addr:city": "paris"}),
        node(4, {"amenity": "cafe", "name": "☕", "addr:city": "東京"}),
        node(5, {"amenity": "cafe", "name": "x" * 500, "addr:city": "Lyon"}),
    )
    ids = [place.id for place in import_bytes(data).places]
    assert ids[:3] == ["starbucks-paris", "starbucks-paris-2", "starbucks-paris-3"]
    assert ids[3] == "osm-node-4"  # nothing a-z 0-9 in name and city: from the source
    assert len(ids[4]) <= 60 and codec.ID_PATTERN.match(ids[4])


def test_explicit_ids() -> None:
    data = (
        b"id,name,kind,city\npepiniere-vienne,La P\xc3\xa9pini\xc3\xa8re,pepiniere,Vienne\n"
        b"42,Digits,cafe,Lyon\nNOT AN ID,Bad,cafe,Lyon\n"
    )
    ids = [place.id for place in import_bytes(data, ".csv").places]
    assert ids == ["pepiniere-vienne", "42", "bad-lyon"]
    foreign = b"id,name,type,city\n17,Foreign,cafe,Lyon\n"
    assert one(foreign, ".csv", kind=Kind.CAFE).id == "foreign-lyon"


@pytest.mark.parametrize(
    ("lat", "lon", "reason"),
    [
        ("91", "2", "coordinates out of range"),
        ("45", "-181", "coordinates out of range"),
        ("nan", "2", "coordinates out of range"),
        ("1e999", "2", "coordinates out of range"),
        ("abc", "2", "unreadable coordinates"),
        ("45", "", "unreadable coordinates"),
    ],
)
def test_bad_coordinates_are_skipped(lat: str, lon: str, reason: str) -> None:
    batch = import_bytes(f"name,kind,city,lat,lon\nA,cafe,Lyon,{lat},{lon}\n".encode(), ".csv")
    assert batch.places == () and batch.skipped == {reason: 1}


def test_values_are_cleaned() -> None:
    data = overpass(
        node(
            1,
            {
                "amenity": "cafe",
                "name": "  Caf\x00é\x00  ",
                "addr:city": "\tLyon\n",
                "website": "www.anticafe.eu",
                "phone": 33123456789,
                "opening_hours": "  24/7 ",
                "addr:street": "x" * 100_000,
            },
        )
    )
    place = one(data)
    assert (place.name, place.city, place.website) == ("Café", "Lyon", "www.anticafe.eu")
    assert place.phone == "33123456789" and place.opening_hours == "24/7"
    assert place.address is not None and len(place.address) == 100_000
    assert_loadable([place])


def test_lone_surrogates_from_json_become_replacement_characters() -> None:
    data = (
        b'{"elements": [{"type": "node", "id": 1, "lat": 1, "lon": 1, "tags": '
        b'{"amenity": "cafe", "name": "A\\ud800B", "addr:city": "X"}}]}'
    )
    place = one(data)
    assert place.name == "A\ufffdB"
    assert_loadable([place])


def test_opening_hours_are_validated_once_per_distinct_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import opening_hours

    calls: list[str] = []
    real = opening_hours.validate

    def counting(text: str) -> bool:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(opening_hours, "validate", counting)
    data = overpass(
        *(
            node(
                n,
                {
                    "amenity": "cafe",
                    "name": f"C{n}",
                    "addr:city": "X",
                    "opening_hours": "Mo-Fr 08:00-18:00" if n % 2 else "lundi",
                },
            )
            for n in range(1, 201)
        )
    )
    batch = import_bytes(data)
    assert sorted(calls) == ["Mo-Fr 08:00-18:00", "lundi"]
    assert batch.raw_hours == 100


def test_progress_is_reported_about_every_percent() -> None:
    data = overpass(
        *(node(n, {"amenity": "cafe", "name": f"C{n}", "addr:city": "X"}) for n in range(1, 1001))
    )
    seen: list[tuple[int, int]] = []
    parse_import(
        data, Path("x.json"), ImportOptions(), lambda done, total: seen.append((done, total))
    )
    assert 90 <= len(seen) <= 110
    assert seen[-1] == (1000, 1000)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


# --- what the file is, and files that are not what they claim -----------------------------------


@pytest.mark.parametrize(
    ("name", "head", "fmt"),
    [
        ("a.json", b'{"version": 0.6, "elements": []}', "osm"),
        ("a.json", b'\xef\xbb\xbf {"type": "FeatureCollection", "features": []}', "geojson"),
        ("a.geojson", b'{"features": []}', "geojson"),
        ("a.json", b'[{"id": "x"}]', "json"),
        ("a.toml", b"version = 1\n", "toml"),
        ("catalogue", b"# mine\nversion = 1\n[[place]]\n", "toml"),
        ("a.csv", b"name,kind,city\n", "csv"),
        ("a.txt", b"name;kind;city\n", "csv"),
        ("export", b"name\tkind\n", "csv"),
    ],
)
def test_guess_format(name: str, head: bytes, fmt: str) -> None:
    assert guess_format(Path(name), head) == fmt


@pytest.mark.parametrize(
    ("name", "head", "message"),
    [
        ("a.json", b'{"version": 0.6}', "Overpass JSON or GeoJSON"),
        ("a.osm", b"<?xml version='1.0'?><osm>", "OpenStreetMap XML"),
        ("a.dat", b"<osm>", "OpenStreetMap XML"),
        ("a", b"", "is empty"),
        ("a", b"   \n", "is empty"),
        ("a", b"justoneword", "cannot tell the format"),
    ],
)
def test_guess_format_refuses(name: str, head: bytes, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        guess_format(Path(name), head)


@pytest.mark.parametrize(
    ("suffix", "fmt", "data", "message"),
    [
        (".json", None, b'{"elements": [1, 2,]}', r"not valid JSON: .*\(line 1, column 20\)"),
        (
            ".json",
            None,
            b'{\n  "elements": [\n    {"type": "node",\n  ]\n}',
            r"not valid JSON: .*\(line 4, column 3\)",
        ),
        (".json", "osm", b'{"type": "FeatureCollection", "features": []}', "not Overpass API JSON"),
        (".json", "geojson", b'{"elements": []}', "not a GeoJSON FeatureCollection"),
        (".json", "geojson", b'{"type": "FeatureCollection", "features": {}}', "not a list"),
        (".json", "geojson", b'"FeatureCollection"', "not a GeoJSON FeatureCollection"),
        (".json", None, b'{"type": "Topology"}', "neither Overpass API JSON"),
        (".json", None, b"[1, 2, 3]", "not of places"),
        (".json", None, b"", "is empty"),
        (".json", None, bytes(range(256)), "not"),
        (
            ".json",
            None,
            b'{"elements": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "nested too deeply",
        ),
        (".json", None, b'{"elements": [' + b"1" * 5000 + b"]}", "not usable JSON"),
        (".csv", "csv", b"", "no header row"),
        (".csv", "csv", b"\n\nname\n", "no header row"),
        (
            ".csv",
            "csv",
            b"name,kind,city\n\xff\xfe\xfd,cafe,Lyon\n",
            r"not UTF-8 text \(byte 16, line 2\)",
        ),
        (".toml", None, b"[tool]\nname = 'x'\n", "not a nomadspot catalogue"),
        (".toml", None, b"version = 2\n", "newer than this nomadspot"),
        (".toml", None, b"version = 1\nplace = 3\n", "not a nomadspot catalogue"),
        (".toml", None, b"version = = 1\n", "not valid TOML"),
        (
            ".geojson",
            None,
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
                    "features": [],
                }
            ).encode(),
            "not longitude/latitude",
        ),
    ],
)
def test_files_that_are_not_what_they_claim(
    suffix: str, fmt: Any, data: bytes, message: str
) -> None:
    with pytest.raises(UsageError, match=message) as error:
        import_bytes(data, suffix, fmt=fmt)
    assert "\n" not in error.value.message


def test_map_does_not_apply_to_catalogues() -> None:
    with pytest.raises(UsageError, match="--map does not apply"):
        import_bytes(b"version = 1\n", ".toml", mapping={"name": "x"})


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        read_import(tmp_path / "missing.csv", ImportOptions())
    with pytest.raises(UsageError, match="is a folder"):
        read_import(tmp_path, ImportOptions())


def test_utf16_and_bom_and_crlf_csv() -> None:
    text = "name,kind,city\r\nLa Pépinière,pépinière,Vienne\r\n"
    for data in (text.encode("utf-16"), b"\xef\xbb\xbf" + text.encode()):
        place = one(data, ".csv")
        assert (place.name, place.kind, place.city) == ("La Pépinière", Kind.PEPINIERE, "Vienne")


def test_awkward_csv() -> None:
    huge = one(b"name,kind,city\n" + b"x" * 300_000 + b",cafe,Lyon\n", ".csv")
    assert len(huge.name) == 300_000
    assert one(b"name,kind,city\nA\x00B,cafe,Lyon\n", ".csv").name == "AB"
    batch = import_bytes(b"name,name,kind,city\nA,B,cafe,Lyon\n\n,,,\n", ".csv")
    assert [p.name for p in batch.places] == ["A"] and batch.total == 1
    short = one(b"name,kind,city,lat,lon\nA,cafe,Lyon\n", ".csv")
    assert short.lat is None
    quote = import_bytes(b'name,kind,city\n"A,cafe,Lyon\n', ".csv")
    assert quote.places == ()  # one unterminated cell: a name, no kind
    assert import_bytes(b"name,kind,city\n", ".csv").total == 0


def test_null_and_wrong_types_in_geojson() -> None:
    document: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [
            None,
            3,
            "x",
            [],
            {"type": "Feature", "geometry": None, "properties": None},
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": "1,2"},
                "properties": {"name": "Bad point", "kind": "cafe", "city": "X"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float("nan"), 1e999]},
                "properties": {"name": "NaN café", "amenity": "cafe", "addr:city": "X"},
            },
            {
                "type": "Feature",
                "geometry": None,
                "properties": {"name": ["list"], "kind": "cafe", "city": "X"},
            },
            {
                "type": "Feature",
                "geometry": None,
                "properties": {
                    "name": "Typed",
                    "kind": 3,
                    "city": {"a": 1},
                    "seats": "many",
                    "wifi": "maybe",
                    "tags": [1, None, "ok", "ok"],
                    "price_hour": -2,
                    "country": "France",
                },
            },
        ],
    }
    batch = import_bytes(json.dumps(document).encode(), ".geojson", kind=Kind.CAFE, city="Lyon")
    assert batch.skipped == {
        "not a GeoJSON feature": 4,
        "no name": 2,
        "unreadable coordinates": 1,
        "coordinates out of range": 1,
    }
    typed = batch.places[0]
    assert (typed.name, typed.kind, typed.city, typed.seats) == ("Typed", Kind.CAFE, "Lyon", None)
    assert (typed.tags, typed.price, typed.country, typed.amenities) == (("ok",), None, None, {})


# --- hostile files: a UsageError or a batch that loads, never anything else ---------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
hostile_text = st.text(max_size=30) | st.sampled_from(
    ["", " ", "\x00", "=1+1", "\x1b[2J", "x" * 5000, "\ud800", "24/7", "yes", "no", "-1"]
)
tag_dicts = st.dictionaries(
    st.sampled_from(
        [
            "name",
            "amenity",
            "opening_hours",
            "internet_access",
            "capacity",
            "addr:city",
            "addr_street",
            "website",
            "socket:schuko",
            "wheelchair",
            "office",
            "tourism",
            "contact:phone",
            "kind",
            "city",
            "id",
            "source",
            "lat",
            "lon",
            "wifi",
            "tags",
            "seats",
            "country",
            "price_hour",
        ]
    )
    | st.text(max_size=8),
    hostile_text | st.sampled_from(["cafe", "coworking", "hotel", "Lyon"]) | json_values,
    max_size=8,
)
elements = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["node", "way", "relation", "area"]) | json_values,
        "id": st.integers() | json_values,
        "lat": st.floats() | json_values,
        "lon": st.floats() | json_values,
        "center": st.fixed_dictionaries({}, optional={"lat": json_values, "lon": json_values})
        | json_values,
        "bounds": json_values,
        "geometry": json_values,
        "tags": tag_dicts | json_values,
    },
)
features = st.fixed_dictionaries(
    {},
    optional={
        "type": st.just("Feature") | json_values,
        "id": json_values | st.sampled_from(["node/1", "way/2"]),
        "geometry": st.fixed_dictionaries(
            {
                "type": st.sampled_from(
                    ["Point", "Polygon", "LineString", "MultiPolygon", "GeometryCollection"]
                )
                | json_values,
                "coordinates": st.lists(st.floats() | json_values, max_size=3) | json_values,
            }
        )
        | json_values,
        "properties": tag_dicts | json_values,
    },
)
documents = st.one_of(
    st.fixed_dictionaries({"elements": st.lists(elements, max_size=6) | json_values}),
    st.fixed_dictionaries(
        {
            "type": st.just("FeatureCollection") | json_values,
            "features": st.lists(features, max_size=6) | json_values,
        }
    ),
    st.lists(tag_dicts, max_size=3),
    json_values,
)


def check_hostile(data: bytes, suffix: str, **options: Any) -> None:
    try:
        batch = import_bytes(data, suffix, **options)
    except UsageError as error:
        assert error.message and "\n" not in error.message
        return
    assert_loadable(batch.places)
    assert len(batch.places) + sum(batch.skipped.values()) == batch.total or batch.fmt in (
        "toml",
        "json",
    )
    assert len({place.id for place in batch.places}) == len(batch.places)
    merged = merge(batch.places, batch.places)
    assert merged.added == 0 and merged.unchanged == len(batch.places)


HOSTILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@HOSTILE
@given(
    document=documents,
    fmt=st.sampled_from([None, "osm", "geojson", "json"]),
    options=st.sampled_from(
        [{}, {"kind": Kind.CAFE, "city": "Lyon"}, {"locate": lambda lat, lon: ("\x00", "zz")}]
    ),
)
def test_hostile_json(document: Any, fmt: Any, options: dict[str, Any]) -> None:
    check_hostile(
        json.dumps(document).encode("utf-8", "surrogatepass"), ".json", fmt=fmt, **options
    )


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(
        st.lists(
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
                    "price_hour",
                    "source",
                    "notes",
                ]
            )
            | st.text(max_size=6),
            max_size=8,
        )
    )
    cells = hostile_text.filter(lambda s: "\ud800" not in s) | st.sampled_from(
        ["cafe", "Lyon", "45.5", "1e999", "'=1", "''x"]
    )
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + 2), max_size=5))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=draw(st.sampled_from([",", ";", "\t"])))
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return buffer.getvalue().encode(encoding, errors="replace")


@HOSTILE
@given(data=csv_files(), options=st.sampled_from([{}, {"kind": Kind.CAFE, "city": "Lyon"}]))
def test_hostile_csv(data: bytes, options: dict[str, Any]) -> None:
    check_hostile(data, ".csv", fmt="csv", **options)
    check_hostile(data, ".csv", **options)


@HOSTILE
@given(data=st.binary(max_size=200), suffix=st.sampled_from([".json", ".csv", ".toml", ""]))
def test_hostile_bytes(data: bytes, suffix: str) -> None:
    check_hostile(data, suffix, kind=Kind.CAFE, city="Lyon")


def test_a_toml_catalogue_with_broken_places_imports_the_good_ones() -> None:
    document: dict[str, Any] = {
        "version": 1,
        "place": [
            {"id": "ok", "name": "Ok", "kind": "cafe", "city": "Lyon", "opening_hours": "lundi"},
            {"id": "BAD", "name": "Bad", "kind": "cafe", "city": "Lyon"},
            {"id": "ok", "name": "Ok again", "kind": "cafe", "city": "Lyon"},
        ],
    }
    batch = import_bytes(tomli_w.dumps(document).encode(), ".toml")
    assert [place.id for place in batch.places] == ["ok", "ok-2"]
    assert batch.skipped == {"invalid place": 1}
    assert batch.places[0].opening_hours_raw == "lundi" and batch.raw_hours == 1


# --- merging --------------------------------------------------------------------------------------


def cafe(place_id: str, name: str, city: str = "Paris", **fields: Any) -> Place:
    return Place(id=place_id, name=name, kind=Kind.CAFE, city=city, **fields)


def test_reimport_adds_nothing_and_changes_nothing() -> None:
    batch = load("restaurants-overpass.json", city="Paris")
    first = merge([], batch.places)
    assert (first.added, first.updated, first.unchanged) == (len(batch.places), 0, 0)
    again = merge(first.places, load("restaurants-overpass.json", city="Paris").places)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(batch.places))
    assert again.places == first.places


def test_reimport_without_sources_matches_name_and_city() -> None:
    batch = load("tiers-lieux-sample.csv", mapping=TIERS_LIEUX_MAP, kind=Kind.TIERS_LIEU)
    first = merge([], batch.places)
    again = merge(first.places, batch.places)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(batch.places))


def test_update_keeps_the_users_own_fields() -> None:
    batch = load("restaurants-overpass.json", city="Paris")
    first = merge([], batch.places)
    mine = [
        dataclasses.replace(
            place,
            id="my-table",
            notes="Upstairs is quiet.",
            tags=("favourite",),
            visits=(Visit(dt.date(2026, 11, 20), rating=4),),
            amenities={**place.amenities, "wifi": False, "quiet": True, "teleporter": True},
            extra={"x_mine": 1},
        )
        if place.source == "osm:node/2000000001"
        else place
        for place in first.places
    ]
    again = merge(mine, batch.places)
    assert (again.added, again.updated) == (0, 1)
    updated = next(p for p in again.places if p.source == "osm:node/2000000001")
    assert updated.id == "my-table"
    assert updated.notes == "Upstairs is quiet." and updated.tags == ("favourite",)
    assert updated.visits == (Visit(dt.date(2026, 11, 20), rating=4),)
    assert updated.extra == {"x_mine": 1}
    # the import knows wifi (wlan): it wins; quiet and teleporter are the user's own
    assert dict(updated.amenities) == {
        "wifi": True,
        "power": True,
        "air_conditioning": True,
        "quiet": True,
        "teleporter": True,
    }
    third = merge(again.places, batch.places)
    assert (third.added, third.updated, third.unchanged) == (0, 0, len(batch.places))


def test_update_takes_new_values_and_keeps_known_ones_the_import_lacks() -> None:
    old = cafe(
        "a",
        "Old name",
        source="osm:node/1",
        phone="+33 1",
        website="https://a.example",
        opening_hours="24/7",
        lat=1.0,
        lon=1.0,
        seats=10,
        price=Price(day=12.0),
    )
    new = cafe(
        "other-id",
        "New name",
        source="osm:node/1",
        opening_hours_raw="lundi",
        website="https://b.example",
        price=Price(hour=3.0),
    )
    merged = merge([old], [new])
    assert (merged.added, merged.updated) == (0, 1)
    place = merged.places[0]
    assert (place.id, place.name, place.phone, place.website) == (
        "a",
        "New name",
        "+33 1",
        "https://b.example",
    )
    assert (place.opening_hours, place.opening_hours_raw) == (None, "lundi")  # hours go together
    assert (place.lat, place.lon, place.seats) == (1.0, 1.0, 10)
    assert place.price == Price(hour=3.0, day=12.0)


def test_new_places_get_ids_that_do_not_collide() -> None:
    existing = [
        cafe("starbucks-paris", "Starbucks", source="osm:node/1"),
        cafe("starbucks-paris-2", "Other", source="osm:node/9"),
    ]
    incoming = [
        cafe("starbucks-paris", "Starbucks", source="osm:node/2"),
        cafe("starbucks-paris", "Starbucks", source="osm:node/3"),
    ]
    merged = merge(existing, incoming)
    assert merged.added == 2
    assert [place.id for place in merged.places] == [
        "starbucks-paris",
        "starbucks-paris-2",
        "starbucks-paris-3",
        "starbucks-paris-4",
    ]
    again = merge(merged.places, incoming)
    assert (again.added, again.unchanged) == (0, 2)


def test_same_name_and_city_without_source_stay_distinct_places() -> None:
    incoming = [
        cafe("coworking-paris", "Coworking", address="1 rue A"),
        cafe("coworking-paris-2", "Coworking", address="2 rue B"),
    ]
    first = merge([], incoming)
    assert first.added == 2
    again = merge(first.places, incoming)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


def test_a_source_links_a_place_added_by_hand() -> None:
    mine = cafe("cannibale", "Le Cannibale", notes="mine")
    merged = merge(
        [mine], [cafe("le-cannibale-paris", "LE CANNIBALE", "paris", source="osm:node/7")]
    )
    assert (merged.added, merged.updated) == (0, 1)
    assert merged.places[0].id == "cannibale" and merged.places[0].source == "osm:node/7"
    # but a place that already has another source is another place
    other = merge(merged.places, [cafe("x", "Le Cannibale", source="osm:node/8")])
    assert other.added == 1 and other.places[-1].id == "x"


def test_name_and_city_match_ignores_case_accents_and_separators() -> None:
    mine = cafe("pep", "La Pépinière", "Neuilly-sur-Seine", tags=("t",))
    merged = merge([mine], [cafe("new", "la pepiniere", "neuilly sur seine", phone="1")])
    assert (merged.added, merged.updated) == (0, 1)
    assert merged.places[0].phone == "1" and merged.places[0].tags == ("t",)


def test_order_is_existing_then_new() -> None:
    existing = [cafe(f"e{n}", f"E{n}") for n in range(3)]
    merged = merge(existing, [cafe("n1", "N1"), cafe("e1-new", "E1", seats=3), cafe("n2", "N2")])
    assert [place.id for place in merged.places] == ["e0", "e1", "e2", "n1", "n2"]
    assert merged.places[1].seats == 3


def test_toml_merge_adds_visits_it_does_not_have() -> None:
    visit = Visit(dt.date(2026, 1, 2), rating=5)
    mine = cafe("a", "A", visits=(Visit(dt.date(2026, 1, 1)),))
    theirs = cafe("a", "A", visits=(visit,))
    merged = merge([mine], [theirs])
    assert merged.places[0].visits == (Visit(dt.date(2026, 1, 1)), visit)
    assert merge(merged.places, [theirs]).unchanged == 1


@pytest.mark.perf
def test_import_and_merge_scale_linearly() -> None:
    count = 10_000
    existing = [cafe(f"p{n}", f"Place {n}", source=f"osm:node/{n}") for n in range(count // 2)]
    data = overpass(
        *(
            {
                "type": "way" if n % 3 else "node",
                "id": n,
                "center": {"lat": 48.8, "lon": 2.3},
                "lat": 48.8,
                "lon": 2.3,
                "tags": {
                    "amenity": "cafe",
                    "name": f"Place {n % 500}",
                    "addr:city": "Paris",
                    "opening_hours": ["Mo-Fr 08:00-18:00", "lundi", "24/7"][n % 3],
                    "internet_access": "wlan",
                },
            }
            for n in range(count)
        )
    )
    start = time.perf_counter()
    batch = import_bytes(data)
    merged = merge(existing, batch.places)
    elapsed = time.perf_counter() - start
    assert len(batch.places) == count and merged.added + merged.updated == count
    assert elapsed < 5, elapsed


@pytest.mark.perf
@pytest.mark.slow
def test_fifty_thousand_elements_against_ten_thousand_places() -> None:
    existing = [cafe(f"p{n}", f"Place {n}", source=f"osm:node/{n}") for n in range(10_000)]
    data = overpass(
        *(
            node(
                n,
                {
                    "amenity": "cafe",
                    "name": f"Café {n}",
                    "addr:city": "Paris",
                    "opening_hours": f"Mo-Fr 08:00-{10 + n % 12}:00",
                    "website": "https://x.example",
                    "addr:street": "Rue de Test",
                    "addr:housenumber": str(n),
                },
            )
            for n in range(50_000)
        )
    )
    start = time.perf_counter()
    batch = import_bytes(data)
    merged = merge(existing, batch.places)
    elapsed = time.perf_counter() - start
    assert merged.added + merged.updated == 50_000
    assert elapsed < 15, elapsed


def test_places_sharing_a_source_stay_apart_and_a_repeated_element_is_one_place() -> None:
    twins = [cafe("a", "A", source="shared"), cafe("b", "B", "Lyon", source="shared")]
    merged = merge(twins, twins)
    assert (merged.added, merged.updated, merged.unchanged) == (0, 0, 2)
    repeated = [cafe("c", "C", source="osm:node/1"), cafe("c", "C", source="osm:node/1")]
    once = merge([], repeated)
    assert (once.added, once.unchanged) == (1, 1) and len(once.places) == 1
