"""Hypothesis strategies for valid places, shared by the round-trip tests."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from nomadspot.model import NO_TIME_LIMIT, Place, Price, Visit
from nomadspot.vocabulary import AMENITY_KEYS, Kind, Sockets, Status

text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(
    lambda s: s.strip() == s and s != ""
)
optional_text = st.none() | text
ids = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
amounts = st.none() | st.floats(min_value=0, max_value=10_000, allow_nan=False).map(
    lambda x: round(x, 2)
)
scalar = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    text,
    st.floats(allow_nan=False, allow_infinity=False),
)
extra_keys = st.dictionaries(
    st.from_regex(r"x_[a-z]{1,8}", fullmatch=True),
    scalar | st.lists(scalar.filter(lambda v: isinstance(v, str)), max_size=3),
    max_size=2,
)
visits = st.builds(
    Visit,
    date=st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
    rating=st.none() | st.integers(1, 5),
    wifi_mbps=amounts,
    note=optional_text,
    extra=extra_keys,
)
prices = st.none() | st.builds(
    Price,
    hour=amounts,
    day=amounts,
    room_hour=amounts,
    currency=st.none() | st.sampled_from(["EUR", "CHF", "GBP"]),
    extra=extra_keys,
).filter(lambda price: not price.is_empty)
time_limits = st.none() | st.just(NO_TIME_LIMIT) | st.integers(1, 7 * 24 * 60).map(
    lambda minutes: dt.timedelta(minutes=minutes)
)
private_values = st.dictionaries(
    st.from_regex(r"[a-z][a-z_]{0,12}", fullmatch=True), text | st.integers(0, 10**6), max_size=2
)
coordinates = st.none() | st.tuples(
    st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False)
)


@st.composite
def places(draw: st.DrawFn, place_id: str | None = None) -> Place:
    coords = draw(coordinates)
    amenity_keys = st.sampled_from(AMENITY_KEYS) | st.from_regex(r"[a-z_]{1,10}", fullmatch=True)
    amenities = draw(st.dictionaries(amenity_keys, st.booleans(), max_size=5))
    sockets = draw(st.none() | st.sampled_from(list(Sockets)))
    if sockets is not None and amenities.get("power", sockets.power) != sockets.power:
        amenities["power"] = sockets.power  # a file where they disagree is invalid
    return Place(
        id=place_id or draw(ids),
        name=draw(text),
        kind=draw(st.sampled_from(list(Kind))),
        city=draw(text),
        country=draw(st.none() | st.sampled_from(["FR", "BE", "CH", "AT"])),
        address=draw(optional_text),
        lat=None if coords is None else coords[0],
        lon=None if coords is None else coords[1],
        opening_hours=draw(st.none() | st.sampled_from(["24/7", "Mo-Fr 08:30-18:00; PH off"])),
        opening_hours_raw=draw(st.none() | text),
        seats=draw(st.none() | st.integers(0, 500)),
        meeting_room_seats=draw(st.none() | st.integers(0, 50)),
        wifi_mbps=draw(amounts),
        website=draw(optional_text),
        phone=draw(optional_text),
        tags=tuple(draw(st.lists(text, max_size=3))),
        notes=draw(optional_text),
        source=draw(optional_text),
        status=draw(st.sampled_from(list(Status))),
        checked=draw(st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1))),
        sockets=sockets,
        time_limit=draw(time_limits),
        amenities=amenities,
        price=draw(prices),
        visits=tuple(sorted(draw(st.lists(visits, max_size=3)), key=lambda v: v.date)),
        private=draw(private_values),
        extra=draw(extra_keys),
    )


@st.composite
def catalogues(draw: st.DrawFn, max_size: int = 5) -> list[Place]:
    place_ids = draw(st.lists(ids, max_size=max_size, unique=True))
    return [draw(places(place_id)) for place_id in place_ids]
