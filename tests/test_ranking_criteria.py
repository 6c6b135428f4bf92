"""Each filter and each criterion of the ranking on its own, then the properties that hold
whatever the places: determinism, scores in [0, 1], confirmed above likely above unknown,
removing a place leaves the others' order as it was."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nomadspot.model import Meeting, Participant, Place, Price, Visit
from nomadspot.ranking import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    FILTERS,
    LIKELY,
    WEIGHT_HELP,
    criteria,
    filters,
    rank,
)
from nomadspot.ranking.context import Context, Facts
from nomadspot.ranking.weights import Weights
from nomadspot.vocabulary import Kind

from .test_ranking import catalogues, meetings

TUESDAY_10 = dt.datetime(2026, 11, 24, 10, 0)
LYON = Participant("Lyon", 45.7640, 4.8357)
GRENOBLE = Participant("Grenoble", 45.1787, 5.7148)
fast = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def cafe(**fields: object) -> Place:
    values: dict[str, object] = {"id": "c", "name": "Café", "kind": Kind.CAFE, "city": "Lyon"}
    return Place(**{**values, **fields})  # type: ignore[arg-type]


def context(meeting: Meeting, **extra: object) -> Context:
    centres = extra.pop("town_centres", {})
    return Context.of(meeting, DEFAULT_WEIGHTS, centres, None)  # type: ignore[arg-type]


def run_filter(check: filters.Check, place: Place, meeting: Meeting, **extra: object):  # type: ignore[no-untyped-def]
    facts = Facts()
    return check(place, context(meeting, **extra), facts), facts


# --- the tables ------------------------------------------------------------------------------


def test_every_criterion_and_filter_is_named_documented_and_weighed() -> None:
    assert len({item.name for item in FILTERS}) == len(FILTERS)
    assert len({item.name for item in CRITERIA}) == len(CRITERIA)
    for item in (*FILTERS, *CRITERIA):
        function = item.check if isinstance(item, filters.Filter) else item.value
        assert function.__doc__ or function.__name__.startswith(("in_", "of_"))
    scope = [item.scope for item in FILTERS]
    assert scope == sorted(scope, reverse=True)  # scope first, then the obstacles
    assert set(WEIGHT_HELP) == {field.name for field in dataclasses.fields(Weights)}


def test_the_priors_are_the_kinds_made_for_work() -> None:
    assert LIKELY[Kind.COWORKING] == {"wifi", "power"}
    assert LIKELY[Kind.HOTEL_LOBBY] == {"wifi"}
    assert Kind.CAFE not in LIKELY


# --- filters ---------------------------------------------------------------------------------


def test_city_country_and_kind_are_scope() -> None:
    failure, _ = run_filter(filters.in_city, cafe(city="Vienne"), Meeting(city="lyon"))
    assert failure is not None and failure.reason == "not in lyon"
    assert run_filter(filters.in_city, cafe(city="LYON"), Meeting(city="lyon"))[0] is None
    failure, _ = run_filter(filters.in_country, cafe(country="BE"), Meeting(country="FR"))
    assert failure is not None and failure.reason == "not in FR"
    meeting = Meeting(kinds=frozenset({Kind.COWORKING, Kind.PEPINIERE}))
    failure, _ = run_filter(filters.of_kind, cafe(), meeting)
    assert failure is not None and failure.reason == "not a coworking/pepiniere"


def test_radius_measures_every_participant_and_the_town_centre_stands_in() -> None:
    meeting = Meeting(near=(LYON, GRENOBLE), radius_km=50.0)
    failure, facts = run_filter(filters.within_radius, cafe(lat=45.764, lon=4.8357), meeting)
    assert failure is not None and failure.reason == "farther than 50 km"
    assert failure.miss.startswith("94.") and "beyond --radius 50" in failure.miss
    assert facts.distances is not None and facts.distances[0] == pytest.approx(0, abs=0.01)
    total = dataclasses.replace(meeting, objective="total", radius_km=None)
    _, facts = run_filter(filters.within_radius, cafe(lat=45.764, lon=4.8357), total)
    assert facts.distance == pytest.approx(sum(facts.distances or ()))
    centres = {("Lyon", "FR"): (45.764, 4.8357)}
    _, facts = run_filter(filters.within_radius, cafe(), total, town_centres=centres)
    assert facts.distance_approx and facts.distances is not None
    _, facts = run_filter(filters.within_radius, cafe(), total)
    assert facts.distance is None and facts.unknown == ["distance"]


def test_amenities_confirmed_absent_likely_unknown() -> None:
    meeting = Meeting(needs=("wifi", "power", "quiet"))
    cowork = cafe(kind=Kind.COWORKING, amenities={"quiet": True})
    failure, facts = run_filter(filters.has_amenities, cowork, meeting)
    assert failure is None
    assert facts.matched == ["quiet"] and facts.unknown == ["wifi", "power"]
    assert facts.likely == {"wifi": "coworking", "power": "coworking"}
    failure, _ = run_filter(filters.has_amenities, cafe(amenities={"power": False}), meeting)
    assert failure is not None and failure.reason == "no power"


def test_seats_and_meeting_room_say_by_how_much() -> None:
    failure, _ = run_filter(filters.seats_enough, cafe(seats=4), Meeting(people=6))
    assert failure is not None and failure.reason == "too small for 6"
    assert failure.miss == "4 seats for 6 people"
    _, facts = run_filter(filters.seats_enough, cafe(seats=8), Meeting(people=6))
    assert facts.notes == ["8 seats"]
    _, facts = run_filter(filters.seats_enough, cafe(), Meeting(people=1))
    assert facts.unknown == []  # one person always has a seat
    failure, _ = run_filter(filters.room_big_enough, cafe(meeting_room_seats=4), Meeting(people=6))
    assert failure is not None and failure.miss == "meeting room for 4, not 6"


def test_budget_excludes_a_known_cost_above_it() -> None:
    meeting = Meeting(people=2, budget=10.0)
    failure, facts = run_filter(filters.within_budget, cafe(price=Price(hour=6.0)), meeting)
    assert failure is not None and failure.reason == "over budget"
    assert failure.miss == "over budget: 12.00 EUR (budget 10)"
    _, facts = run_filter(filters.within_budget, cafe(price=Price(day=4.0)), meeting)
    assert facts.cost == 8.0 and facts.notes == ["about 8.00 EUR for the meeting"]
    _, facts = run_filter(filters.within_budget, cafe(), meeting)
    assert facts.unknown == ["price"]
    _, facts = run_filter(filters.within_budget, cafe(), Meeting())
    assert facts.unknown == []  # no budget: an unknown price does not count


def test_hours_say_when_it_closes_against_the_meeting() -> None:
    meeting = Meeting(start=TUESDAY_10, duration=dt.timedelta(hours=2))
    failure, _ = run_filter(
        filters.open_throughout, cafe(opening_hours="Mo-Fr 08:00-11:30"), meeting
    )
    assert failure is not None and failure.reason == filters.CLOSED
    assert failure.miss == "closes 11:30, the meeting ends 12:00"
    failure, _ = run_filter(
        filters.open_throughout, cafe(opening_hours="Mo-Fr 14:00-18:00"), meeting
    )
    assert failure is not None and failure.miss == "closed at 10:00, when the meeting starts"
    _, facts = run_filter(filters.open_throughout, cafe(), meeting)
    assert facts.unknown == ["hours"]


def test_strict_names_the_first_unknown_a_person_asks_about() -> None:
    facts = Facts(unknown=["distance", "seats", "wifi"])
    failure = filters.nothing_unknown(cafe(), context(Meeting(needs=("wifi",))), facts)
    assert failure is not None and failure.reason == "wifi unknown (--strict)"


# --- criteria --------------------------------------------------------------------------------


def mark(value: criteria.Value, place: Place, meeting: Meeting, facts: Facts) -> criteria.Mark:
    return value(place, context(meeting), facts)


def test_requirements_count_confirmed_likely_unknown() -> None:
    meeting = Meeting(needs=("wifi", "power"))
    facts = Facts(matched=["wifi"], likely={"power": "coworking"}, unknown=["power"])
    result = mark(criteria.requirements, cafe(), meeting, facts)
    assert result.value == pytest.approx((1 + criteria.LIKELY_VALUE) / 2)
    assert result.raised == ("wifi confirmed",)
    assert result.unknown == ("power likely (coworking)",)
    unknown = mark(criteria.requirements, cafe(), meeting, Facts(unknown=["wifi", "power"]))
    assert unknown.value == criteria.UNKNOWN_VALUE < criteria.LIKELY_VALUE < 1


def test_hours_and_closing_margin() -> None:
    from nomadspot.hours import WindowCheck

    meeting = Meeting(start=TUESDAY_10)
    closes = dt.datetime(2026, 11, 24, 11, 30)
    open_check = WindowCheck("open", "open 08:00–11:30", closes, 30.0)
    facts = Facts(check=open_check)
    assert mark(criteria.hours_known, cafe(), meeting, facts).value == 1.0
    margin = mark(criteria.closing_margin, cafe(), meeting, facts)
    assert margin.value == pytest.approx(30 / 120)
    assert margin.lowered == ("closes at 11:30, only 30 min after the meeting",)
    unknown = Facts(check=WindowCheck("unknown", "hours unknown"))
    raw = cafe(opening_hours_raw="le matin")
    assert mark(criteria.hours_known, raw, meeting, unknown).unknown == (
        "hours unknown (not in opening_hours syntax: le matin)",
    )
    assert mark(criteria.closing_margin, cafe(), meeting, unknown).value == 0.0


def test_distance_halves_at_ten_km_and_says_approximate() -> None:
    meeting = Meeting(near=(LYON,))
    near = mark(criteria.distance, cafe(), meeting, Facts(distance=10.0))
    assert near.value == 0.5 and near.raised == ("10.0 km away",)
    approx = mark(criteria.distance, cafe(), meeting, Facts(distance=2.0, distance_approx=True))
    assert approx.raised == ("about 2.0 km away (from the town centre: no coordinates)",)
    assert mark(criteria.distance, cafe(), meeting, Facts()).unknown == (
        "distance unknown (no coordinates)",
    )
    total = Meeting(near=(LYON, GRENOBLE), objective="total")
    both = mark(criteria.distance, cafe(), total, Facts(distance=20.0))
    assert both.value == 0.5  # 10 km each
    assert both.raised == ("20.0 km in all for 2 participants",)


def test_fit_of_the_kind_for_the_party() -> None:
    for_two = mark(criteria.fit, cafe(), Meeting(people=2), Facts())
    assert for_two.value == 1.0 and for_two.raised == ("good fit for 2 people (cafe)",)
    for_ten = mark(criteria.fit, cafe(), Meeting(people=10), Facts())
    assert for_ten.lowered == ("poor fit for 10 people (cafe)",)
    room = cafe(amenities={"meeting_room": True})
    assert mark(criteria.fit, room, Meeting(people=6), Facts()).value == criteria.ROOM_FIT


def test_wishes_rating_and_wifi_speed() -> None:
    wishes = mark(
        criteria.wishes,
        cafe(amenities={"outdoor": True, "quiet": False}),
        Meeting(prefer=("outdoor", "quiet", "parking")),
        Facts(),
    )
    assert wishes.value == pytest.approx((1 + 0 + criteria.PREFER_UNKNOWN) / 3)
    assert wishes.unknown == ("parking unknown (preferred)",)
    rated = cafe(visits=(Visit(dt.date(2026, 1, 1), rating=5),))
    rating = mark(criteria.rating, rated, Meeting(), Facts())
    assert rating.value == pytest.approx((4 - 1) / 4)  # (5 + 3) / 2: shrunk towards 3
    assert rating.raised == ("rated 5/5 over 1 visit",)
    fast_wifi = mark(criteria.wifi_speed, cafe(wifi_mbps=100.0), Meeting(), Facts())
    assert fast_wifi.value > 0.95 and fast_wifi.raised == ("wifi measured at 100 Mbps",)
    no_wifi = mark(criteria.wifi_speed, cafe(amenities={"wifi": False}), Meeting(), Facts())
    assert no_wifi.value == 0.0


def test_a_criterion_weighed_zero_is_left_out() -> None:
    places = [cafe(id="a", name="A"), cafe(id="b", name="B", visits=(Visit(TUESDAY_10.date(), 5),))]
    no_rating = Weights(rating=0.0, freshness=0.0)  # a visit also checks the facts
    assert [r.id for r in rank(places, Meeting()).results] == ["b", "a"]
    ranking = rank(places, Meeting(), no_rating)
    assert [r.id for r in ranking.results] == ["a", "b"]  # a tie, by name


# --- properties ------------------------------------------------------------------------------


@fast
@given(catalogues(), meetings)
def test_scores_are_in_0_1_and_near_misses_are_not_results(
    places: list[Place], query: Meeting
) -> None:
    ranking = rank(places, query)
    assert all(0.0 <= result.score <= 1.0 for result in ranking.results)
    assert len(ranking.near_misses) <= 5
    result_ids = {result.id for result in ranking.results}
    excluded = {exclusion.place.id for exclusion in ranking.excluded}
    assert all(miss.place.id in excluded - result_ids for miss in ranking.near_misses)


@fast
@given(catalogues(), meetings, st.data())
def test_removing_a_place_keeps_the_others_order(
    places: list[Place], query: Meeting, data: st.DataObject
) -> None:
    if not places:
        return
    gone = data.draw(st.sampled_from([place.id for place in places]))
    before = [result.id for result in rank(places, query).results if result.id != gone]
    after = [result.id for result in rank([p for p in places if p.id != gone], query).results]
    assert [place_id for place_id in after if place_id in before] == [
        place_id for place_id in before if place_id in after
    ]


@fast
@given(catalogues(), meetings, st.sampled_from(["wifi", "power", "quiet"]))
def test_confirmed_never_ranks_below_unknown_all_else_equal(
    places: list[Place], query: Meeting, need: str
) -> None:
    query = dataclasses.replace(query, needs=(need,), strict=False)
    for place in places:
        if place.amenities.get(need) is not None:
            continue
        confirmed = dataclasses.replace(
            place, id="confirmed", amenities={**place.amenities, need: True}
        )
        unknown = dataclasses.replace(place, id="unknown")
        results = {r.id: r for r in rank([confirmed, unknown], query).results}
        if "unknown" in results:
            assert "confirmed" in results
            assert results["confirmed"].score >= results["unknown"].score
            assert results["confirmed"].rank < results["unknown"].rank


# --- the facts people ask about (status, time limit, sockets, freshness) --------------------


def test_closed_places_are_excluded_with_their_reason() -> None:
    from nomadspot.model import Status

    places = [
        cafe(id="open", name="Open"),
        cafe(id="gone", name="Gone", status=Status.CLOSED),
        cafe(id="works", name="Works", status=Status.TEMPORARILY_CLOSED),
    ]
    ranking = rank(places, Meeting())
    assert [r.id for r in ranking.results] == ["open"]
    assert {e.place.id: e.reason for e in ranking.excluded} == {
        "gone": "closed",
        "works": "temporarily closed",
    }
    assert ranking.near_misses == ()  # a closed place is no near miss


def test_a_time_limit_shorter_than_the_meeting_excludes() -> None:
    from nomadspot.model import NO_TIME_LIMIT

    meeting = Meeting(duration=dt.timedelta(hours=2))
    hour = cafe(time_limit=dt.timedelta(hours=1))
    failure, _ = run_filter(filters.long_enough, hour, meeting)
    assert failure is not None and failure.reason == "time limit shorter than the meeting"
    assert failure.miss == "laptops welcome 1h, the meeting lasts 2h"
    assert run_filter(filters.long_enough, cafe(time_limit=NO_TIME_LIMIT), meeting)[0] is None
    assert run_filter(filters.long_enough, cafe(), meeting)[0] is None
    two_hours = cafe(time_limit=dt.timedelta(hours=2))
    assert run_filter(filters.long_enough, two_hours, meeting)[0] is None
    ranking = rank([hour], meeting)
    assert [miss.reason for miss in ranking.near_misses] == [
        "laptops welcome 1h, the meeting lasts 2h"
    ]


def test_power_ranks_plenty_above_limited_above_ask() -> None:
    from nomadspot.model import Sockets

    common = {"amenities": {"power": True}}
    places = [
        cafe(id="ask", name="A", sockets=Sockets.ASK, **common),
        cafe(id="limited", name="B", sockets=Sockets.LIMITED, **common),
        cafe(id="plenty", name="C", sockets=Sockets.PLENTY, **common),
        cafe(id="none", name="D", sockets=Sockets.NONE),
    ]
    ranking = rank(places, Meeting(needs=("power",)))
    assert [r.id for r in ranking.results] == ["plenty", "limited", "ask"]
    assert {e.place.id: e.reason for e in ranking.excluded} == {"none": "no power"}
    assert "plenty of sockets" in ranking.results[0].reasons
    assert "sockets: ask the staff" in ranking.results[2].reasons
    # sockets alone say power: "limited" is power confirmed
    alone = rank([cafe(sockets=Sockets.LIMITED)], Meeting(needs=("power",)))
    assert alone.results[0].matched == ("power",)


def test_old_or_never_checked_facts_rank_a_little_lower() -> None:
    today = dt.date(2026, 11, 30)
    fresh = cafe(id="fresh", name="Z", checked=dt.date(2026, 1, 5))
    old = cafe(id="old", name="A", checked=dt.date(2023, 6, 1))
    visited = cafe(id="visited", name="B", checked=dt.date(2023, 6, 1), visits=(Visit(today),))
    never = cafe(id="never", name="C")
    ranking = rank([old, fresh, never, visited], Meeting(), today=today)
    order = [r.id for r in ranking.results]
    assert order[:2] == ["visited", "fresh"]  # a visit counts as a check (ties by name)
    assert set(order[2:]) == {"old", "never"}
    by_id = {r.id: r for r in ranking.results}
    assert "last checked 2023" in by_id["old"].reasons
    assert not any("checked" in reason for reason in by_id["never"].reasons)  # unsaid
    assert by_id["fresh"].score - by_id["old"].score < 0.05  # a little


def test_wifi_speed_is_the_median_of_recent_readings() -> None:
    slow_then_fast = cafe(
        visits=(
            Visit(dt.date(2026, 1, 1), wifi_mbps=2.0),
            Visit(dt.date(2026, 2, 1), wifi_mbps=80.0),
            Visit(dt.date(2026, 3, 1), wifi_mbps=90.0),
        )
    )
    result = mark(criteria.wifi_speed, slow_then_fast, Meeting(), Facts())
    assert result.raised == ("wifi measured at 80 Mbps",)
