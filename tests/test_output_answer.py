"""find's answer in words (``output/answer``) and the page's inline JSON, on the dicts of
``find --format json``: with and without the keys that newer rankings add."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from nomadspot.output import answer
from nomadspot.output.html import script_json

QUERY: dict[str, Any] = {
    "start": "2026-11-24T10:00:00",
    "end": "2026-11-24T12:00:00",
    "needs": ["wifi", "power"],
    "near": [
        {"label": "Lyon", "lat": 45.7578, "lon": 4.8320},
        {"label": "Grenoble", "lat": 45.1885, "lon": 5.7245},
    ],
}


def result(**keys: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "rank": 1,
        "id": "open-work",
        "name": "Open Work",
        "kind": "coworking",
        "city": "Bourgoin-Jallieu",
        "country": "FR",
        "address": "8 rue Joseph Cugnot",
        "lat": 45.5946,
        "lon": 5.2747,
        "score": 0.5,
        "distance_km": 57.7,
        "open": None,
        "opening_hours": None,
        "cost": None,
        "matched": [],
        "unknown": ["wifi", "power"],
        "reasons": [],
    }
    base.update(keys)
    return base


def test_distances_come_from_the_ranking_when_it_gives_them() -> None:
    given_distances = result(distances_km=[41.0, 57.7])
    assert answer.participant_distances(QUERY, given_distances) == [
        ("Lyon", 41.0),
        ("Grenoble", 57.7),
    ]


def test_distances_are_worked_out_when_the_ranking_does_not_give_them() -> None:
    distances = dict(answer.participant_distances(QUERY, result()))
    assert 37 < distances["Lyon"] < 41  # Bourgoin-Jallieu, as the crow flies
    assert 55 < distances["Grenoble"] < 59
    no_coordinates = result(lat=None, lon=None)
    assert answer.participant_distances(QUERY, no_coordinates) == [
        ("Lyon", None),
        ("Grenoble", None),
    ]


def test_amenities_say_confirmed_likely_unknown_or_no() -> None:
    place = {"amenities": {"power": False}}
    likely = result(likely=["wifi"], place=place)
    assert answer.amenity_state(likely, "wifi") == "likely (coworking)"
    assert answer.amenity_state(likely, "power") == "no"
    assert answer.amenity_state(result(), "wifi") == "unknown"  # no "likely" key at all
    assert answer.amenity_state(result(matched=["wifi"]), "wifi") == "yes"


def test_facts_for_the_invite() -> None:
    place = {
        "amenities": {"wifi": True, "meeting_room": True},
        "wifi_mbps": 120.0,
        "meeting_room_seats": 6,
        "sockets": "plenty",
        "price": {"room_hour": 15.0, "currency": "CHF"},
    }
    lines = answer.facts(QUERY, result(place=place, cost=30.0, distances_km=[41.0, 57.7]))
    assert lines == [
        "Wifi: yes, 120 Mbps",
        "Power: unknown, sockets: plenty",
        "Meeting room: yes, 6 seats",
        "Cost for the meeting: 30.00 CHF",
        "From Lyon: 41.0 km",
        "From Grenoble: 57.7 km",
    ]


def test_distance_is_marked_when_the_town_stood_in() -> None:
    assert answer.distance_text(result(distance_approx=True)) == "≈57.7 km"
    assert answer.distance_text(result()) == "57.7 km"
    assert answer.distance_text(result(distance_km=None)) == ""


def test_location_names_the_city_once() -> None:
    assert answer.location_text(result()) == "Open Work, 8 rue Joseph Cugnot, Bourgoin-Jallieu"
    in_address = result(address="8 rue Joseph Cugnot, 38300 Bourgoin-Jallieu")
    assert answer.location_text(in_address) == in_address["name"] + ", " + in_address["address"]
    assert answer.location_text(result(address=None)) == "Open Work, Bourgoin-Jallieu"


def test_window_text() -> None:
    assert answer.window_text(QUERY) == "Tue 24 Nov 2026 10:00–12:00"
    assert answer.window_text(QUERY, day=False) == "10:00–12:00"
    assert answer.window_text({"start": None, "end": None}) == ""
    overnight = {"start": "2026-11-24T22:00:00", "end": "2026-11-25T01:00:00"}
    assert answer.window_text(overnight) == "Tue 24 Nov 2026 22:00–Wed 25 Nov 01:00"


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_inline_json_reads_back_and_cannot_close_its_script(data: Any) -> None:
    text = script_json(data)
    assert json.loads(text) == data
    assert not set("<>&\u2028\u2029") & set(text)
