"""The facts people ask about, through a whole import: OpenStreetMap tags (Overpass JSON,
Overpass turbo GeoJSON, flattened exports) to sockets, wifi, seats, last checked and
closed; the census's TYPO; merging the new facts into places already in the catalogue."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from nomadspot import codec
from nomadspot.errors import UsageError
from nomadspot.interop.importing import (
    ImportBatch,
    ImportOptions,
    merge,
    merge_import,
    parse_import,
    require_places,
)
from nomadspot.model import Place
from nomadspot.vocabulary import Kind, Sockets, Status

from .osm_support import node, overpass

TODAY = dt.date(2026, 11, 23)


def batch_of(data: bytes, suffix: str = ".json", **options: Any) -> ImportBatch:
    return parse_import(data, Path(f"import{suffix}"), ImportOptions(today=TODAY, **options))


def one(data: bytes, suffix: str = ".json", **options: Any) -> Place:
    [place] = batch_of(data, suffix, **options).places
    return place


def cafe(**tags: Any) -> dict[str, Any]:
    return {"amenity": "cafe", "name": "Le Troquet", "addr:city": "Paris", **tags}


@pytest.mark.parametrize(
    ("tags", "sockets", "power"),
    [
        ({"service:electricity": "yes"}, Sockets.PLENTY, True),
        ({"service:electricity": "limited"}, Sockets.LIMITED, True),
        ({"service:electricity": "ask"}, Sockets.ASK, True),
        ({"service:electricity": "no"}, Sockets.NONE, False),
        # The café has sockets, but not for its customers: sockets decide power.
        ({"service:electricity": "no", "socket:schuko": "4"}, Sockets.NONE, False),
        ({"socket:schuko": "4"}, None, True),
    ],
)
def test_service_electricity_gives_sockets_and_power(
    tags: dict[str, str], sockets: Sockets | None, power: bool
) -> None:
    place = one(overpass(node(1, cafe(**tags))))
    assert place.sockets is sockets
    assert place.has("power") is power
    codec.decode({"version": 1, "place": [codec.encode_place(place)]})  # a valid place


def test_free_internet_capacity_seats_and_check_dates() -> None:
    place = one(
        overpass(
            node(
                1,
                cafe(
                    **{
                        "internet_access:fee": "customers",
                        "capacity:seats": "24",
                        "capacity": "60",
                        "check_date": "2022-03-01",
                        "check_date:opening_hours": "2024-05",
                        "survey:date": "2023",
                    }
                ),
            )
        )
    )
    assert place.has("wifi") is True
    assert place.seats == 24
    assert place.checked == dt.date(2024, 5, 1)


def test_a_check_date_after_today_is_left_out() -> None:
    assert one(overpass(node(1, cafe(check_date="2027-01-01")))).checked is None


@pytest.mark.parametrize(
    ("tags", "kind"),
    [
        ({"disused:amenity": "cafe"}, Kind.CAFE),
        ({"was:amenity": "coworking_space"}, Kind.COWORKING),
        ({"amenity": "cafe", "opening_hours": "closed"}, Kind.CAFE),
    ],
)
def test_closed_elements_import_as_closed_with_their_kind(tags: dict[str, str], kind: Kind) -> None:
    place = one(overpass(node(1, {"name": "Ancien Café", "addr:city": "Paris", **tags})))
    assert (place.kind, place.status) == (kind, Status.CLOSED)


def test_flattened_geojson_properties_map_as_tags() -> None:
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [2.35, 48.85]},
                "properties": {
                    "osm_id": 7,
                    "osm_type": "nodes",
                    "name": "Le Flat",
                    "disused_amenity": "cafe",
                    "service_electricity": "limited",
                    "check_date": "2025-06-30",
                    "capacity_seats": "12",
                    "internet_access_fee": "no",
                },
            }
        ],
    }
    place = one(json.dumps(document).encode(), ".geojson", city="Paris")
    assert place.source == "osm:node/7"
    assert (place.kind, place.status, place.sockets) == (Kind.CAFE, Status.CLOSED, Sockets.LIMITED)
    assert (place.checked, place.seats, place.has("wifi")) == (dt.date(2025, 6, 30), 12, True)


def test_overpass_turbo_geojson_tags_map_too() -> None:
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "node/9",
                "geometry": {"type": "Point", "coordinates": [2.35, 48.85]},
                "properties": {"@id": "node/9", **cafe(**{"service:electricity": "ask"})},
            }
        ],
    }
    place = one(json.dumps(document).encode(), ".geojson")
    assert (place.source, place.sockets) == ("osm:node/9", Sockets.ASK)


def test_columns_of_a_nomadspot_export_win_over_tags() -> None:
    header = "name,kind,city,sockets,status,checked,service:electricity\n"
    row = "Le Col,cafe,Lyon,limited,temporarily_closed,2026-01-02,no\n"
    place = one((header + row).encode(), ".csv")
    assert (place.sockets, place.status, place.checked) == (
        Sockets.LIMITED,
        Status.TEMPORARILY_CLOSED,
        dt.date(2026, 1, 2),
    )


CENSUS_HEADER = "ID,NOM_TL,ADRESSE,NOMCOM,INSEECOM,TYPO,LAT,LONG,WEB\n"
CENSUS_MAP = {
    "name": "NOM_TL",
    "city": "NOMCOM",
    "address": "ADRESSE",
    "lat": "LAT",
    "lon": "LONG",
    "website": "WEB",
    "kind": "TYPO",
}


def census(*rows: str) -> bytes:
    return (CENSUS_HEADER + "".join(row + "\n" for row in rows)).encode()


def test_census_typo_and_source() -> None:
    data = census(
        "1,Le Comptoir,1 rue A,Nantes,44109,Tiers lieux à dominante coworking,47.2,-1.5,",
        "2,L'Atelier,2 rue B,Vienne,38544,Tiers lieux à dominante fablab,45.5,4.8,",
        "3,Sans Type,3 rue C,Lyon,69123,,45.7,4.8,",
        "4,Autre Type,4 rue D,Lyon,69123,Tiers lieux à dominante culturelle,45.7,4.8,",
    )
    batch = batch_of(data, ".csv", mapping=CENSUS_MAP, kind=Kind.PEPINIERE)
    kinds = {place.name: (place.kind, place.source) for place in batch.places}
    assert kinds == {
        "Le Comptoir": (Kind.COWORKING, "census:tiers-lieux-2019/1"),
        "L'Atelier": (Kind.TIERS_LIEU, "census:tiers-lieux-2019/2"),
        "Sans Type": (Kind.PEPINIERE, "census:tiers-lieux-2019/3"),  # empty: --kind
        "Autre Type": (Kind.TIERS_LIEU, "census:tiers-lieux-2019/4"),
    }


def test_a_file_where_every_record_is_skipped_is_refused() -> None:
    data = census("1,Le Comptoir,1 rue A,Nantes,44109,,47.2,-1.5,")
    batch = batch_of(data, ".csv", mapping=CENSUS_MAP)
    with pytest.raises(UsageError) as caught:
        require_places(batch, Path("census.csv"))
    assert caught.value.message == (
        "nothing imported from census.csv: all 1 record skipped (1 no usable kind)"
    )
    assert "--kind K" in str(caught.value.hint)
    assert require_places(
        batch_of(data, ".csv", mapping=CENSUS_MAP, kind=Kind.COWORKING), Path("x")
    ).places


# --- merging the new facts ------------------------------------------------------------------


def place(**fields: Any) -> Place:
    base: dict[str, Any] = {
        "id": "troquet",
        "name": "Le Troquet",
        "kind": Kind.CAFE,
        "city": "Paris",
        "source": "osm:node/1",
    }
    return Place(**{**base, **fields})


def test_an_update_keeps_the_latest_check_and_never_reopens() -> None:
    old = place(checked=dt.date(2025, 1, 1), status=Status.CLOSED, private={"code": "1234"})
    new = place(checked=dt.date(2024, 1, 1))
    [merged] = merge([old], [new]).places
    assert (merged.checked, merged.status, merged.private) == (
        dt.date(2025, 1, 1),
        Status.CLOSED,
        {"code": "1234"},
    )
    [closed] = merge([place()], [place(status=Status.CLOSED, checked=dt.date(2026, 1, 1))]).places
    assert (closed.status, closed.checked) == (Status.CLOSED, dt.date(2026, 1, 1))


@pytest.mark.parametrize(
    ("old", "new", "sockets", "power"),
    [
        # the user said "power"; OpenStreetMap now says no sockets for customers
        (
            {"amenities": {"power": True}},
            {"sockets": Sockets.NONE, "amenities": {"power": False}},
            Sockets.NONE,
            False,
        ),
        ({"amenities": {"power": True}}, {"sockets": Sockets.NONE}, Sockets.NONE, False),
        # the user said "no sockets"; the import has socket tags: how many is unknown now
        (
            {"sockets": Sockets.NONE, "amenities": {"power": False}},
            {"amenities": {"power": True}},
            None,
            True,
        ),
        ({"sockets": Sockets.LIMITED}, {}, Sockets.LIMITED, True),
    ],
)
def test_an_update_keeps_sockets_and_power_agreeing(
    old: dict[str, Any], new: dict[str, Any], sockets: Sockets | None, power: bool
) -> None:
    [merged] = merge([place(**old)], [place(**new)]).places
    assert (merged.sockets, merged.has("power")) == (sockets, power)
    codec.decode({"version": 1, "place": [codec.encode_place(merged)]})


def area(*numbers: int) -> bytes:
    """Cafés ``osm:node/N`` along a street of Paris."""
    return overpass(*(node(n, cafe(name=f"Café {n}"), 48.85 + n / 10_000, 2.35) for n in numbers))


def test_a_vanished_element_is_marked_closed_not_left_as_a_ghost() -> None:
    first = merge_import([], batch_of(area(1, 2, 3, 4, 5)))
    again = merge_import(first.places, batch_of(area(1, 2, 4, 5)))
    status = {p.source: p.status for p in again.places}
    assert status["osm:node/3"] is Status.CLOSED
    assert [s for s, v in status.items() if v is Status.CLOSED] == ["osm:node/3"]
    assert again.closed == ("cafe-3-paris",)
    # the same file again: nothing more to close
    assert merge_import(again.places, batch_of(area(1, 2, 4, 5))).closed == ()


def test_a_narrower_export_closes_nothing() -> None:
    first = merge_import([], batch_of(area(*range(1, 11))))
    again = merge_import(first.places, batch_of(area(1, 10)))
    assert again.not_closed == {Kind.CAFE: 8}
    assert all(p.status is Status.OPEN for p in again.places)


def test_a_skipped_element_has_not_vanished() -> None:
    first = merge_import([], batch_of(area(1, 2, 3)))
    nameless = overpass(
        *(node(n, cafe(name=f"Café {n}"), 48.85 + n / 10_000, 2.35) for n in (1, 3)),
        node(2, {"amenity": "cafe"}, 48.8502, 2.35),
    )
    again = merge_import(first.places, batch_of(nameless))
    assert again.closed == ()


def test_the_import_reports_the_likely_duplicates_it_makes() -> None:
    mine = place(
        id="troquet-numerique",
        name="Troquet Numérique",
        kind=Kind.COWORKING,
        lat=45.58481,
        lon=5.278505,
        source=None,
        city="Bourgoin-Jallieu",
    )
    data = census(
        "512,Le Troquet Numérique,Place Charlie Chaplin,Bourgoin-Jallieu,38053,"
        "Tiers lieux à dominante coworking,45.588778,5.27731,"
    )
    result = merge_import([mine], batch_of(data, ".csv", mapping=CENSUS_MAP))
    [pair] = result.duplicates
    assert (pair.first.id, pair.second.name) == ("troquet-numerique", "Le Troquet Numérique")


def test_a_nomadspot_export_or_catalogue_closes_nothing() -> None:
    """A teammate's export holds some of the same OpenStreetMap places: it is no fresh
    export of OpenStreetMap, so the places it lacks have not vanished."""
    first = merge_import([], batch_of(area(1, 2, 3)))
    header = "id,name,kind,city,lat,lon,source\n"
    rows = "".join(
        f"cafe-{n}-paris,Café {n},cafe,Paris,{48.85 + n / 10_000},2.35,osm:node/{n}\n"
        for n in (1, 3)
    )
    again = merge_import(first.places, batch_of((header + rows).encode(), ".csv"))
    assert again.closed == () and not again.not_closed
    assert again.unchanged == 2


def test_closures_are_judged_per_kind() -> None:
    """The Paris cafés export holds one restaurant: the restaurants another export
    brought are not all closed when it is imported again."""
    restaurants = overpass(
        *(
            node(
                100 + n,
                {**cafe(name=f"Resto {n}"), "amenity": "restaurant"},
                48.85 + n / 10_000,
                2.35,
            )
            for n in range(1, 9)
        )
    )
    first = merge_import([], batch_of(restaurants))
    cafes = overpass(
        *(node(n, cafe(name=f"Café {n}"), 48.85 + n / 10_000, 2.351) for n in range(1, 10)),
        node(101, {**cafe(name="Resto 1"), "amenity": "restaurant"}, 48.8501, 2.35),
    )
    second = merge_import(first.places, batch_of(cafes))
    assert second.closed == ()
    assert second.not_closed == {Kind.RESTAURANT: 7}
    without_one = overpass(
        *(
            node(n, cafe(name=f"Café {n}"), 48.85 + n / 10_000, 2.351)
            for n in range(1, 10)
            if n != 5
        ),
        node(101, {**cafe(name="Resto 1"), "amenity": "restaurant"}, 48.8501, 2.35),
    )
    third = merge_import(second.places, batch_of(without_one))
    assert third.closed == ("cafe-5-paris",)
    assert third.not_closed == {Kind.RESTAURANT: 7}
