"""Opening hours: validation, a meeting window's verdict, a week for ``show``."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from nomadspot import hours
from nomadspot.model import Place
from nomadspot.vocabulary import Kind

OFFICE = "Mo-Fr 08:30-18:00; PH off"
TUESDAY = dt.datetime(2026, 11, 24, 10, 0)
HOUR = dt.timedelta(hours=1)


def window(
    expression: str | None, start: dt.datetime, duration: dt.timedelta = HOUR, country: str = "FR"
) -> hours.WindowCheck:
    return hours.check(expression, country, start, start + duration)


# --- validate ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "24/7",
        OFFICE,
        "Mo-Fr 08:00-12:00,14:00-18:00; Sa 10:00-13:00",
        'Mo-Fr 09:00-17:00 "sur rendez-vous"',
        "Mo-Fr 08:30-18:00 || unknown",
        "sunrise-sunset",
        "Tu-Sa 22:00-02:00",
    ],
)
def test_valid_expressions(expression: str) -> None:
    assert hours.validate(expression) is None


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("24/24", "at character 1"),
        ("Mo-Fr 8h-18h", "at character 7 ('8h-18h')"),
        ("Mo-Fr 08:30-18:00;", "end of text"),
        ("8h-18h sauf lundi", "at character 1"),
        ("Mo-Fx 10:00-12:00", "weekday"),
        ("", "empty"),
        ("   ", "empty"),
        ("Mo-Fr 08:30-18:00\nSa off", "one line"),
        ("Mo-Fr 08:30-18:00; " * 200, "longer than"),
    ],
)
def test_invalid_expressions_say_why_in_one_line(expression: str, fragment: str) -> None:
    reason = hours.validate(expression)
    assert reason is not None
    assert fragment in reason
    assert "\n" not in reason
    assert len(reason) < 200


def test_a_syntax_error_names_what_was_expected() -> None:
    reason = hours.validate("Mo-Fr 8h-18h")
    assert reason is not None
    assert "expected" in reason and "time span" in reason
    assert "EOI" not in reason and "_" not in reason


# --- a meeting window --------------------------------------------------------------------


def test_open_for_the_whole_window() -> None:
    check = window(OFFICE, TUESDAY)
    assert check.state == "open"
    assert check.text == "open 08:30–18:00"
    assert check.closes_at == dt.datetime(2026, 11, 24, 18, 0)
    assert check.minutes_to_close_after_end == 7 * 60


def test_a_window_that_runs_past_closing_is_closed() -> None:
    check = window(OFFICE, dt.datetime(2026, 11, 24, 17, 30))
    assert check.state == "closed"
    assert check.text == "closed at 18:00"
    assert check.closes_at == dt.datetime(2026, 11, 24, 18, 0)


def test_a_window_that_starts_before_opening_is_closed() -> None:
    check = window(OFFICE, dt.datetime(2026, 11, 24, 8, 0))
    assert check.state == "closed"
    assert check.text == "closed at 08:00"


def test_a_window_ending_exactly_at_closing_is_open() -> None:
    check = window(OFFICE, dt.datetime(2026, 11, 24, 17, 0))
    assert check.state == "open"
    assert check.minutes_to_close_after_end == 0


def test_public_holidays_of_the_country_count() -> None:
    assert window(OFFICE, dt.datetime(2026, 12, 25, 10, 0)).state == "closed"
    assert window(OFFICE, dt.datetime(2026, 12, 24, 10, 0)).state == "open"
    # 21 July is Belgium's national day, an ordinary Tuesday in France.
    national_day = dt.datetime(2026, 7, 21, 10, 0)
    assert window(OFFICE, national_day, country="BE").state == "closed"
    assert window(OFFICE, national_day, country="FR").state == "open"
    assert window(OFFICE, national_day, country="be").state == "closed"


def test_a_country_without_a_holiday_calendar_means_no_holidays() -> None:
    assert window(OFFICE, dt.datetime(2026, 12, 25, 10, 0), country="XX").state == "open"


def test_weekends() -> None:
    sunday = dt.datetime(2026, 11, 29, 10, 0)
    assert window(OFFICE, sunday).state == "closed"
    assert window("24/7", sunday).state == "open"
    assert window("24/7", sunday).text == "open 24 hours"
    assert window("24/7", sunday).closes_at is None


def test_unknown_hours() -> None:
    assert window(None, TUESDAY) == hours.WindowCheck("unknown", "hours unknown")
    assert window("not hours at all", TUESDAY).state == "unknown"
    saturday = dt.datetime(2026, 11, 28, 10, 0)
    check = window('Mo-Fr 08:30-18:00; Sa unknown "call first"', saturday)
    assert check.state == "unknown"
    assert check.text == "hours unknown (call first)"


def test_any_closed_moment_beats_unknown() -> None:
    # Unknown until 10:30, then closed: the window 10:00-11:00 is closed.
    expression = "Mo-Fr 08:00-10:30 unknown"
    assert window(expression, TUESDAY).state == "closed"
    assert window(expression, dt.datetime(2026, 11, 24, 9, 0)).state == "unknown"


def test_a_fallback_rule_is_evaluated_day_by_day() -> None:
    # opening-hours-py 2.1 gets intervals across midnight wrong with a fallback rule.
    expression = "Mo-Fr 08:30-18:00 || unknown"
    assert window(expression, TUESDAY).state == "open"
    assert window(expression, dt.datetime(2026, 11, 28, 10, 0)).state == "unknown"


def test_hours_past_midnight() -> None:
    check = window("Mo-Fr 22:00-02:00", dt.datetime(2026, 11, 24, 23, 0), 2 * HOUR)
    assert check.state == "open"
    assert check.text == "open 22:00–02:00"
    assert check.minutes_to_close_after_end == 60
    assert window("Mo-Fr 22:00-02:00", dt.datetime(2026, 11, 24, 23, 0), 4 * HOUR).state == "closed"


def test_the_opening_shown_is_the_one_that_holds_the_window() -> None:
    split = "Mo-Fr 08:00-12:00,14:00-18:00"
    assert window(split, TUESDAY).text == "open 08:00–12:00"
    assert window(split, dt.datetime(2026, 11, 24, 15, 0)).text == "open 14:00–18:00"
    assert window(split, dt.datetime(2026, 11, 24, 11, 30)).text == "closed at 12:00"
    assert window("Mo-Fr 08:00-24:00", TUESDAY).text == "open 08:00–24:00"
    assert window("Mo-Fr 00:00-24:00", TUESDAY).text == "open 24 hours"


def test_a_closed_window_reports_its_first_closed_moment() -> None:
    # Closed from the start: the moment is the start, not when the closure began.
    early = window(OFFICE, dt.datetime(2026, 11, 24, 7, 0), 2 * HOUR)
    assert early == hours.WindowCheck(
        "closed", "closed at 07:00", dt.datetime(2026, 11, 24, 7, 0), None
    )
    # Open at first, closed from 02:00 on the next day.
    late = window("Mo-Fr 22:00-02:00", dt.datetime(2026, 11, 24, 23, 0), 4 * HOUR)
    assert late == hours.WindowCheck(
        "closed", "closed at 02:00", dt.datetime(2026, 11, 25, 2, 0), None
    )


@pytest.mark.perf  # a count of the work done: the library is asked no more days than needed
def test_a_closed_window_is_decided_by_its_own_days(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[dt.datetime, dt.datetime]] = []
    intervals = hours._intervals

    def recording(parsed: object, start: dt.datetime, end: dt.datetime) -> object:
        asked.append((start, end))
        return intervals(parsed, start, end)  # type: ignore[arg-type]

    monkeypatch.setattr(hours, "_intervals", recording)
    evening = dt.datetime(2026, 11, 24, 19, 0)
    assert hours.check(OFFICE, "DE", evening, evening + HOUR).state == "closed"
    assert asked == [(dt.datetime(2026, 11, 24), dt.datetime(2026, 11, 25))]
    asked.clear()
    # Open inside the day: the opening's ends are in the day, nothing more is asked.
    assert hours.check(OFFICE, "DE", TUESDAY, TUESDAY + HOUR).text == "open 08:30–18:00"
    assert asked == [(dt.datetime(2026, 11, 24), dt.datetime(2026, 11, 25))]


def test_an_opening_that_runs_over_several_days() -> None:
    """Open from the day before to the day after: both neighbouring days are asked."""
    expression = "Tu 18:00-24:00; We 00:00-24:00; Th 00:00-06:00"
    wednesday = dt.datetime(2026, 11, 25, 10, 0)
    assert window(expression, wednesday) == hours.WindowCheck(
        "open", "open 24 hours", dt.datetime(2026, 11, 26, 6, 0), 19 * 60
    )
    after_midnight = window("Mo-Fr 22:00-02:00", dt.datetime(2026, 11, 25, 0, 30))
    assert after_midnight == hours.WindowCheck(
        "open", "open 22:00–02:00", dt.datetime(2026, 11, 25, 2, 0), 30
    )
    # Open beyond the day after the window: no closing time.
    always = window('24/7 "x"', dt.datetime(2026, 11, 24, 23, 30))
    assert always == hours.WindowCheck("open", "open 24 hours (x)", None, None)


def test_a_fallback_rule_across_midnight() -> None:
    expression = "Mo-Fr 08:30-18:00 || unknown"
    # Unknown all Sunday, closed from Monday 00:00 (Monday has hours).
    sunday_night = window(expression, dt.datetime(2026, 11, 29, 23, 30), 2 * HOUR)
    assert sunday_night == hours.WindowCheck(
        "closed", "closed at 00:00", dt.datetime(2026, 11, 30, 0, 0), None
    )
    assert window(expression, dt.datetime(2026, 11, 28, 23, 0), 2 * HOUR).state == "unknown"
    # Asked Friday 23:00 to Saturday 01:00 at once, the library says open all along.
    friday_night = window(
        "Mo-Fr 00:00-24:00 || unknown", dt.datetime(2026, 11, 27, 23, 0), 2 * HOUR
    )
    assert friday_night == hours.WindowCheck("unknown", "hours unknown")


def test_the_last_day_of_the_calendar_is_unknown() -> None:
    """There is no day after 9999-12-31 to look at; no error either."""
    late = dt.datetime(9999, 12, 30, 10, 0)
    assert window(OFFICE, late) == hours.UNKNOWN


def test_comments_are_shown() -> None:
    check = window('Mo-Fr 09:00-17:00 "sur rendez-vous"', TUESDAY)
    assert check.state == "open"
    assert check.text == "open 09:00–17:00 (sur rendez-vous)"


def test_a_zero_length_window_is_judged_at_its_start() -> None:
    assert window(OFFICE, TUESDAY, dt.timedelta(0)).state == "open"
    assert window(OFFICE, dt.datetime(2026, 11, 24, 19, 0), dt.timedelta(0)).state == "closed"


def test_aware_times_are_read_as_wall_clock_times() -> None:
    aware = TUESDAY.replace(tzinfo=dt.UTC)
    assert hours.check(OFFICE, "FR", aware, aware + HOUR) == window(OFFICE, TUESDAY)


def place(**fields: object) -> Place:
    values: dict[str, object] = {"id": "p", "name": "P", "kind": Kind.CAFE, "city": "Vienne"}
    values.update(fields)
    return Place(**values)  # type: ignore[arg-type]


def test_check_window_uses_the_place_hours_and_country() -> None:
    christmas = dt.datetime(2026, 12, 25, 10, 0)
    assert (
        hours.check_window(place(opening_hours=OFFICE), christmas, christmas + HOUR).state
        == "closed"
    )  # country absent: FR
    belgian = place(opening_hours=OFFICE, country="BE")
    national_day = dt.datetime(2026, 7, 21, 10, 0)
    assert hours.check_window(belgian, national_day, national_day + HOUR).state == "closed"
    raw_only = place(opening_hours_raw="8h-18h sauf lundi")
    assert hours.check_window(raw_only, TUESDAY, TUESDAY + HOUR).state == "unknown"


def test_sun_times_use_the_place_coordinates() -> None:
    vienne = place(opening_hours="sunrise-sunset", lat=45.5257, lon=4.8748)
    early = dt.datetime(2026, 11, 24, 7, 0)
    assert hours.check_window(vienne, early, early + HOUR).state == "closed"  # sunrise ~07:50
    check = hours.check_window(vienne, TUESDAY, TUESDAY + HOUR)
    assert check.state == "open"
    assert check.closes_at is not None
    assert dt.time(16, 45) < check.closes_at.time() < dt.time(17, 15)
    assert check.closes_at.tzinfo is None


@pytest.mark.parametrize("source", ["zone.tab", "gazetteer", "library"])
def test_sun_times_with_the_zone_from_any_source(
    source: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The zone comes from the tz database's zone.tab when the country has one zone, else
    from the gazetteer's index when it is built, else from the library's own look-up:
    the same sun times whichever answers."""
    from nomadspot import gazetteer, zones

    if source != "zone.tab":
        monkeypatch.setattr(zones, "country_zones", dict)
    if source == "gazetteer":
        gazetteer.ensure_index()
    else:
        monkeypatch.setattr(gazetteer, "index_path", lambda: tmp_path / "not-built.sqlite")
    # An expression of its own (its comment), so that no earlier parse answers for it.
    paris = place(opening_hours=f'sunrise-sunset "{source}"', lat=48.8566, lon=2.3522)
    early = dt.datetime(2026, 11, 24, 7, 50)  # after the default 07:00 "sunrise"
    assert hours.check_window(paris, early, early + HOUR).state == "closed"  # sunrise ~08:12
    check = hours.check_window(paris, TUESDAY, TUESDAY + HOUR)
    assert check.state == "open" and check.closes_at is not None
    assert dt.time(16, 50) < check.closes_at.time() < dt.time(17, 10)  # sunset ~17:01


@pytest.mark.perf  # a count of the work done: one parse for the places of a town
def test_nearby_places_share_one_parse_of_sun_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """Coordinates for sun times are rounded to 0.1 degree: places a few hundred metres
    apart share one parse (one time zone look-up), and the verdict is still right."""
    hours._parsed.clear()
    hours._check_cached.cache_clear()
    built: list[tuple[str, str | None, hours.Coords | None]] = []
    build = hours._build

    def counting_build(expression: str, country: str | None, coords: hours.Coords | None) -> object:
        built.append((expression, country, coords))
        return build(expression, country, coords)

    monkeypatch.setattr(hours, "_build", counting_build)
    expression = "Mo-Su sunrise-sunset"
    here = place(opening_hours=expression, lat=48.8566, lon=2.3300)
    there = place(opening_hours=expression, lat=48.8590, lon=2.3360)  # 500 m away
    noon = dt.datetime(2026, 11, 24, 12, 0)
    night = dt.datetime(2026, 11, 24, 23, 0)
    for spot in (here, there):
        assert hours.check_window(spot, noon, noon + HOUR).state == "open"
        assert hours.check_window(spot, night, night + HOUR).state == "closed"
    # Any caller's coordinates are rounded the same way, not only a place's.
    assert hours.check(expression, "FR", noon, noon + HOUR, (48.8611, 2.3412)).state == "open"
    hours.week(expression, "FR", noon.date(), (48.8520, 2.3290))
    assert [call for call in built if call[0] == expression] == [(expression, "FR", (48.9, 2.3))]
    assert [key for key in hours._parsed if key[0] == expression] == [
        (expression, "FR", (48.9, 2.3))
    ]


# --- a week --------------------------------------------------------------------------------


def test_week_with_a_public_holiday() -> None:
    days = hours.week(OFFICE, "FR", dt.date(2026, 12, 21))
    assert [day for day, _ in days] == [dt.date(2026, 12, 21) + dt.timedelta(d) for d in range(7)]
    assert [text for _, text in days] == [
        "08:30–18:00",
        "08:30–18:00",
        "08:30–18:00",
        "08:30–18:00",
        "closed (public holiday)",
        "closed",
        "closed",
    ]


def test_week_shapes() -> None:
    monday = dt.date(2026, 11, 23)
    split = hours.week("Mo-Fr 08:00-12:00,14:00-18:00; Sa 10:00-13:00", "FR", monday)
    assert split[0] == (monday, "08:00–12:00, 14:00–18:00")
    assert split[5][1] == "10:00–13:00"
    assert split[6][1] == "closed"
    assert {text for _, text in hours.week("24/7", "FR", monday)} == {"open 24 hours"}
    night = hours.week("Mo-Fr 22:00-02:00", "FR", monday)
    assert night[0][1] == "22:00–24:00"
    assert night[1][1] == "00:00–02:00, 22:00–24:00"
    unknown = hours.week('Mo-Fr 08:30-18:00; Sa unknown "call"', "FR", monday)
    assert unknown[5][1] == "unknown (call)"
    assert {text for _, text in hours.week("nonsense", "FR", monday)} == {
        "hours unknown (does not parse)"
    }


@pytest.mark.perf  # a count of the work done: one parse per expression and country
def test_parsed_expressions_are_shared() -> None:
    first = hours._parse(OFFICE, "FR", None)
    assert first is not None
    assert hours._parse(OFFICE, "fr", None) is first
    assert hours._parse(OFFICE, "FR", (45.5, 4.8)) is first  # no sun times: coords unused


def test_parses() -> None:
    assert hours.parses(OFFICE)
    assert hours.parses("sunrise-sunset")
    assert not hours.parses("nonsense")
    assert not hours.parses("Mo-Fr 8h-18h")  # the French form is for add and edit


def test_a_country_the_library_does_not_know_falls_back_to_no_holidays() -> None:
    import opening_hours

    with pytest.raises(BaseException, match="XX"):  # the library refuses the country...
        opening_hours.OpeningHours(OFFICE, country="XX", auto_country=False, auto_timezone=False)
    christmas = dt.datetime(2026, 12, 25, 10, 0)  # ...so its hours hold without holidays
    assert hours.check(OFFICE, "XX", christmas, christmas + HOUR).state == "open"
    assert hours.check(OFFICE, "xx", christmas, christmas + HOUR).state == "open"
    assert hours.check(OFFICE, "FR", christmas, christmas + HOUR).state == "closed"
    assert hours.check("Mo-Fr 8h-18h", "XX", TUESDAY, TUESDAY + HOUR) == hours.UNKNOWN


@pytest.mark.parametrize(
    "expression", ["Mo-Su 10:00-sunset", "Mo-Su 10:00-SunSet", "Mo-Su 10:00-SUNSET", "dawn-DUSK"]
)
def test_sun_times_in_any_case_follow_each_place(expression: str) -> None:
    """Places that share an expression share its verdict, unless it has sun times: the sun
    sets about 50 minutes later in Brest than in Strasbourg, whatever the case of the word."""
    judge = hours.WindowJudge(TUESDAY, TUESDAY + HOUR)
    west = judge(place(opening_hours=expression, lat=48.39, lon=-4.49))
    east = judge(place(opening_hours=expression, lat=48.57, lon=7.75))
    assert west.state == east.state == "open"
    assert west.closes_at is not None and east.closes_at is not None
    assert west.closes_at - east.closes_at > dt.timedelta(minutes=40)


def test_places_without_sun_times_share_a_verdict_wherever_they_are() -> None:
    judge = hours.WindowJudge(TUESDAY, TUESDAY + HOUR)
    expression = 'Mo-Fr 08:00-18:00 "sur réservation"'
    west = judge(place(opening_hours=expression, lat=48.39, lon=-4.49))
    east = judge(place(opening_hours=expression, lat=48.57, lon=7.75))
    assert west == east == hours.WindowCheck(
        "open", "open 08:00–18:00 (sur réservation)", dt.datetime(2026, 11, 24, 18, 0), 420
    )


def test_importing_the_module_does_not_load_the_library() -> None:
    code = "import sys, nomadspot.hours, nomadspot.ranking; print('opening_hours' in sys.modules)"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "False"


def test_a_window_judge_answers_as_check_window_for_every_place() -> None:
    start, end = dt.datetime(2026, 11, 24, 17, 30), dt.datetime(2026, 11, 24, 18, 30)
    judge = hours.WindowJudge(start, end)
    places = [
        Place(
            id=f"p{n}",
            name="P",
            kind=Kind.CAFE,
            city="Lyon",
            opening_hours=oh,
            country=cc,
            lat=lat,
            lon=4.8,
        )
        for n, (oh, cc, lat) in enumerate(
            [
                ("Mo-Fr 08:00-18:00", "FR", 45.7),
                ("Mo-Fr 08:00-18:00", "FR", 47.0),  # shares the first one's answer
                ("Mo-Fr 08:00-18:00", None, 45.7),
                ("Mo-Fr 08:00-19:00", "FR", 45.7),
                ("Mo-Fr sunrise-sunset", "FR", 45.7),  # sun times: each place's own
                ("Mo-Fr sunrise-sunset", "FR", 65.0),
                (None, "FR", 45.7),
                ("not hours", "FR", 45.7),
            ]
        )
    ]
    for place in places:
        assert judge(place) == hours.check_window(place, start, end)
    assert judge(places[0]) is judge(places[1])
    assert judge(places[0]).state == "closed" and judge(places[3]).state == "open"
