"""The field declaration: each key read, validated, written and typed as declared."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nomadspot import codec, editing, fields
from nomadspot.errors import UsageError
from nomadspot.interop.exporting import CSV_COLUMNS
from nomadspot.interop.importing import MAP_KEYS
from nomadspot.model import NO_TIME_LIMIT, Place, Sockets, Status, Visit
from nomadspot.vocabulary import Kind, find_amenity

TODAY = dt.date(2026, 11, 23)


def decode_one(**keys: object) -> Place:
    raw = {"id": "p", "name": "P", "kind": "cafe", "city": "Lyon", **keys}
    return codec.decode({"version": 1, "place": [raw]}).places[0]


def problems(**keys: object) -> list[str]:
    with pytest.raises(codec.InvalidCatalogue) as invalid:
        decode_one(**keys)
    return [str(problem) for problem in invalid.value.problems]


def test_every_declared_key_is_a_place_attribute_column_and_map_key() -> None:
    for spec in fields.PLACE_FIELDS:
        assert hasattr(Place(id="p", name="P", kind=Kind.CAFE, city="L"), spec.name)
        if spec.column is not None:
            assert spec.column in CSV_COLUMNS and spec.column in MAP_KEYS
    flags = [spec.option.flag for spec in fields.PLACE_FIELDS if spec.option]
    assert len(flags) == len(set(flags))


def test_new_facts_read_and_write_back() -> None:
    place = decode_one(
        status="temporarily_closed",
        checked=dt.date(2026, 11, 20),
        sockets="limited",
        time_limit="1h30",
        private={"wifi_password": "s3cret"},
    )
    assert place.status is Status.TEMPORARILY_CLOSED
    assert place.checked == dt.date(2026, 11, 20)
    assert place.sockets is Sockets.LIMITED
    assert place.time_limit == dt.timedelta(minutes=90)
    assert place.private == {"wifi_password": "s3cret"}
    written = codec.encode_place(place)
    assert written["time_limit"] == "1h30" and written["status"] == "temporarily_closed"
    assert written["private"] == {"wifi_password": "s3cret"}
    assert "status" not in codec.encode_place(decode_one(status="open"))  # the default


def test_no_time_limit_is_none_in_the_file() -> None:
    place = decode_one(time_limit="none")
    assert place.time_limit == NO_TIME_LIMIT
    assert codec.encode_place(place)["time_limit"] == "none"


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ({"status": "gone"}, "field 'status': unknown status 'gone'"),
        ({"checked": "2026-11-20"}, "field 'checked': must be a TOML date"),
        ({"sockets": "lots"}, "field 'sockets': unknown sockets value 'lots'"),
        ({"time_limit": "a while"}, "field 'time_limit': 'a while' is not a duration"),
        ({"private": "x"}, "field 'private': must be a table"),
        (
            {"sockets": "none", "amenities": {"power": True}},
            "field 'sockets': 'none' contradicts amenities.power = true",
        ),
    ],
)
def test_new_facts_are_validated(keys: dict[str, object], message: str) -> None:
    assert any(message in problem for problem in problems(**keys)), problems(**keys)


def test_power_answers_from_sockets_when_absent() -> None:
    assert decode_one(sockets="ask").has("power") is True
    assert decode_one(sockets="none").has("power") is False
    assert decode_one().has("power") is None
    assert decode_one(sockets="plenty", amenities={"power": True}).has("power") is True


def test_calls_and_laptops_are_amenities_with_french_words() -> None:
    assert find_amenity("visio").value == "calls"  # type: ignore[union-attr]
    assert find_amenity("appels").value == "calls"  # type: ignore[union-attr]
    assert find_amenity("ordinateurs portables").value == "laptops"  # type: ignore[union-attr]
    assert "calls" in CSV_COLUMNS and "laptops" in CSV_COLUMNS


def test_wifi_speed_is_the_median_of_the_recent_readings() -> None:
    place = Place(
        id="p",
        name="P",
        kind=Kind.CAFE,
        city="L",
        wifi_mbps=100.0,
        visits=(
            Visit(dt.date(2024, 1, 1), wifi_mbps=1.0),  # more than 12 months before the newest
            Visit(dt.date(2026, 3, 1), wifi_mbps=20.0),
            Visit(dt.date(2026, 11, 1), wifi_mbps=30.0),
            Visit(dt.date(2026, 11, 20), rating=4),
        ),
    )
    assert place.measured_wifi_mbps == 30.0  # median of 20, 30, 100
    assert place.wifi_readings[0] == (None, 100.0)
    assert place.wifi_readings[-1] == (dt.date(2026, 11, 1), 30.0)
    two = Place(id="q", name="Q", kind=Kind.CAFE, city="L", visits=place.visits[1:3])
    assert two.measured_wifi_mbps == 25.0


def test_a_measured_wifi_speed_says_there_is_wifi_unless_the_place_says_otherwise() -> None:
    measured = Place(id="p", name="P", kind=Kind.CAFE, city="L", wifi_mbps=40.0)
    assert measured.has("wifi") is True
    assert replace(measured, amenities={"wifi": False}).has("wifi") is False  # said, not guessed
    assert replace(measured, wifi_mbps=0.0).has("wifi") is None  # a dead line is no wifi
    assert replace(measured, wifi_mbps=None).has("wifi") is None


@given(st.lists(st.floats(0, 1000), min_size=1, max_size=9))
def test_the_median_lies_within_the_readings(speeds: list[float]) -> None:
    visits = tuple(Visit(dt.date(2026, 1, 1 + n), wifi_mbps=mbps) for n, mbps in enumerate(speeds))
    place = Place(id="p", name="P", kind=Kind.CAFE, city="L", visits=visits)
    assert place.measured_wifi_mbps is not None
    assert min(speeds) <= place.measured_wifi_mbps <= max(speeds)


def test_a_visit_checks_the_facts_when_newer() -> None:
    place = Place(id="p", name="P", kind=Kind.CAFE, city="L", checked=dt.date(2026, 6, 1))
    assert place.with_visit(Visit(dt.date(2026, 7, 1))).checked == dt.date(2026, 7, 1)
    assert place.with_visit(Visit(dt.date(2026, 5, 1))).checked == dt.date(2026, 6, 1)
    assert place.last_checked == dt.date(2026, 6, 1)


def test_editing_new_facts_from_text() -> None:
    place = editing.new_place(
        "Café",
        "café",
        "Lyon",
        {
            "status": "Temporarily closed",
            "checked": "hier",
            "sockets": "Plenty",
            "time_limit": "90m",
            "private": {"wifi_password": "x", "ssid": "Café"},
        },
        today=TODAY,
    )
    assert place.status is Status.TEMPORARILY_CLOSED
    assert place.checked == dt.date(2026, 11, 22)
    assert (place.sockets, place.time_limit) == (Sockets.PLENTY, dt.timedelta(minutes=90))
    edited = editing.apply(place, {"private": {"wifi_password": ""}, "time_limit": "none"}, TODAY)
    assert edited.private == {"ssid": "Café"} and edited.time_limit == NO_TIME_LIMIT


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"checked": "2026-12-01"}, "is in the future"),
        ({"checked": "someday"}, "cannot read 'someday' as a day"),
        ({"sockets": "tons"}, "unknown sockets value 'tons'"),
        ({"time_limit": "forever"}, "'forever' is not a duration"),
        ({"sockets": "none", "amenities": {"power": True}}, "contradicts --power"),
        ({"colour": "red"}, "unknown field 'colour'"),
    ],
)
def test_editing_refuses_bad_new_facts(changes: dict[str, object], message: str) -> None:
    place = Place(id="p", name="P", kind=Kind.CAFE, city="L")
    with pytest.raises(UsageError, match=message):
        editing.apply(place, changes, TODAY)


def test_the_newer_fact_wins_between_sockets_and_power() -> None:
    place = Place(id="p", name="P", kind=Kind.CAFE, city="L", amenities={"power": True})
    assert editing.apply(place, {"sockets": "none"}, TODAY).amenities["power"] is False
    closed = editing.apply(place, {"sockets": "plenty"}, TODAY)
    assert editing.apply(closed, {"amenities": {"power": False}}).sockets is Sockets.NONE


@pytest.mark.parametrize(
    ("changes", "status", "sockets"),
    [
        ({"status": "fermé temporairement", "sockets": "beaucoup"}, "temporarily_closed", "plenty"),
        ({"status": "Fermé", "sockets": "non"}, "closed", "none"),
        ({"status": "ouvert", "sockets": "sur demande"}, "open", "ask"),
        ({"status": "closed", "sockets": "yes"}, "closed", "plenty"),  # OSM service:electricity
    ],
)
def test_status_and_sockets_as_people_type_them(
    changes: dict[str, str], status: str, sockets: str
) -> None:
    place = editing.new_place("Café", "cafe", "Lyon", changes, today=TODAY)
    assert (place.status.value, place.sockets.value) == (status, sockets)  # type: ignore[union-attr]


def test_new_facts_import_leniently_from_text_columns() -> None:
    by_name = fields.BY_NAME
    assert by_name["sockets"].type.take("limited") is Sockets.LIMITED
    assert by_name["sockets"].type.take("lots of them") is None  # unknown, not an error
    assert by_name["checked"].type.take("2026-11-20") == dt.date(2026, 11, 20)
    assert by_name["checked"].type.take("soon") is None
    assert by_name["time_limit"].type.take("none") == NO_TIME_LIMIT
    assert by_name["status"].type.take("") is None
