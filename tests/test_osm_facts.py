"""The facts people ask about, read from OpenStreetMap tags."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nomadspot.interop import osm, osm_facts


@pytest.mark.parametrize(
    ("value", "sockets", "power"),
    [
        ("yes", "plenty", True),
        ("limited", "limited", True),
        ("ask", "ask", True),
        ("no", "none", False),
        ("Yes ", "plenty", True),
        ("maybe", None, None),
        ("yes;no", None, None),
    ],
)
def test_service_electricity(value: str, sockets: str | None, power: bool | None) -> None:
    tags = {"amenity": "cafe", "service:electricity": value}
    assert osm_facts.sockets(tags) == sockets
    assert osm_facts.power(tags) is power


def test_flattened_keys_read_as_tags() -> None:
    tags = {"service_electricity": "limited", "check_date_opening_hours": "2024-03-02"}
    assert osm_facts.sockets(tags) == "limited"
    assert osm_facts.checked(tags) == dt.date(2024, 3, 2)


@pytest.mark.parametrize(
    ("tags", "wifi"),
    [
        ({"internet_access:fee": "customers"}, True),
        ({"internet_access:fee": "no"}, True),
        ({"internet_access": "wlan", "internet_access:fee": "no"}, True),
        ({"internet_access:fee": "yes"}, None),
        ({"internet_access": "no", "internet_access:fee": "no"}, None),
        ({}, None),
    ],
)
def test_free_internet_is_wifi(tags: dict[str, Any], wifi: bool | None) -> None:
    assert osm_facts.free_wifi(tags) is wifi


@pytest.mark.parametrize(
    ("tags", "seats"),
    [
        ({"capacity:seats": "24", "capacity": "60"}, 24),
        ({"capacity": "60"}, 60),
        ({"capacity:seats": 12}, 12),
        ({"capacity:seats": "20-30", "capacity": "60"}, None),  # says, but not clearly
        ({"capacity:seats": "99999999"}, None),
        ({}, None),
    ],
)
def test_seats(tags: dict[str, Any], seats: int | None) -> None:
    assert osm_facts.seats(tags) == seats


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2023-05-12", dt.date(2023, 5, 12)),
        ("2023-05", dt.date(2023, 5, 1)),
        ("2023", dt.date(2023, 1, 1)),
        (" 2023-5-2 ", dt.date(2023, 5, 2)),
        ("2023-02-30", None),
        ("12/05/2023", None),
        ("1999-01-01", None),  # before OpenStreetMap
        ("2027-01-01", None),  # after today
        (None, None),
    ],
)
def test_check_date_forms(text: str | None, date: dt.date | None) -> None:
    assert osm_facts.check_date(text, today=dt.date(2026, 11, 23)) == date


def test_checked_is_the_latest_check() -> None:
    tags = {
        "check_date": "2022-01-10",
        "check_date:opening_hours": "2024-06",
        "survey:date": "2023-09-01",
        "check_date:wheelchair": "not a date",
    }
    assert osm_facts.checked(tags) == dt.date(2024, 6, 1)
    assert osm_facts.checked({"survey:date": "2021"}) == dt.date(2021, 1, 1)
    assert osm_facts.checked({"amenity": "cafe"}) is None


@pytest.mark.parametrize(
    ("tags", "closed", "kind"),
    [
        ({"disused:amenity": "cafe", "name": "X"}, True, "cafe"),
        ({"was:amenity": "cafe", "name": "X"}, True, "cafe"),
        ({"disused_amenity": "coworking_space"}, True, "coworking"),
        ({"was:office": "coworking"}, True, "coworking"),
        ({"disused:shop": "bakery"}, True, None),  # closed, and no kind of ours
        ({"amenity": "cafe", "was:amenity": "bar"}, False, "cafe"),  # a bar turned café
        ({"amenity": "cafe", "opening_hours": "closed"}, True, "cafe"),
        ({"amenity": "cafe", "opening_hours": "off"}, True, "cafe"),
        ({"amenity": "cafe", "opening_hours": "Mo off"}, False, "cafe"),
        ({"amenity": "cafe"}, False, "cafe"),
    ],
)
def test_lifecycle(tags: dict[str, Any], closed: bool, kind: str | None) -> None:
    assert osm_facts.closed(tags) is closed
    assert osm_facts.status(tags) == ("closed" if closed else None)
    found = osm.kind(osm_facts.kind_tags(tags))
    assert (found.value if found else None) == kind


@given(
    st.dictionaries(
        st.text(max_size=30),
        st.one_of(st.none(), st.text(), st.integers(), st.booleans(), st.floats()),
    )
)
def test_never_raises(tags: dict[str, Any]) -> None:
    osm_facts.sockets(tags)
    osm_facts.free_wifi(tags)
    osm_facts.seats(tags)
    osm_facts.checked(tags)
    osm_facts.status(tags)
    osm_facts.kind_tags(tags)
