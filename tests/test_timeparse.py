"""Meeting times and durations as people type them (``find --at``, ``--for``)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from nomadspot.errors import UsageError
from nomadspot.timeparse import DURATION_FORMS, WHEN_FORMS, parse_duration, parse_when

TUESDAY = dt.datetime(2026, 11, 24, 9, 0)  # Tuesday 24 November 2026, 09:00


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute)


# --------------------------------------------------------------------------- WHEN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25 10:00", at(25, 10)),
        ("2026-11-25T10:00", at(25, 10)),
        ("2026-11-25T10:00:00", at(25, 10)),
        ("2026-11-25t10:00", at(25, 10)),
        ("2026-11-25 10h30", at(25, 10, 30)),
        ("2026-11-25 2pm", at(25, 14)),
        ("2026-12-01 09:05", at(1, 9, 5, month=12)),
        ("2025-01-01 10:00", dt.datetime(2025, 1, 1, 10, 0)),  # the past is allowed
    ],
)
def test_date_and_time(text: str, expected: dt.datetime) -> None:
    assert parse_when(text, TUESDAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-25T10:00:00Z",
        "2026-11-25T10:00:00+01:00",
        "2026-11-25T10:00-05:00",
        "2026-11-25 10:00 +0100",
        "2026-11-25T10:00:00.250+02:00",
    ],
)
def test_an_offset_makes_an_instant(text: str) -> None:
    """A date-time with an offset is an instant (#13.6): the same wall time, aware."""
    result = parse_when(text, TUESDAY)
    assert result.tzinfo is not None
    assert result.replace(tzinfo=None, microsecond=0) == at(25, 10)


def test_a_date_time_without_offset_is_wall_clock() -> None:
    assert parse_when("2026-11-25 10:00", TUESDAY.astimezone(dt.UTC)).tzinfo is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:00", at(24, 10)),
        ("10h", at(24, 10)),
        ("10h30", at(24, 10, 30)),
        ("9h", at(24, 9)),
        ("14H15", at(24, 14, 15)),
        ("9:05", at(24, 9, 5)),
        ("2pm", at(24, 14)),
        ("2 PM", at(24, 14)),
        ("2:30pm", at(24, 14, 30)),
        ("12am", at(24, 0)),
        ("12pm", at(24, 12)),
        ("11 a.m.", at(24, 11)),
        ("noon", at(24, 12)),
        ("midi", at(24, 12)),
        ("minuit", at(24, 0)),
        ("0h30", at(24, 0, 30)),
        ("23:59", at(24, 23, 59)),
    ],
)
def test_a_time_alone_is_today(text: str, expected: dt.datetime) -> None:
    assert parse_when(text, TUESDAY) == expected


def test_a_time_alone_is_today_even_when_it_has_passed() -> None:
    assert parse_when("8h", TUESDAY) == at(24, 8)


@pytest.mark.parametrize("text", ["now", "NOW", "maintenant", "Maintenant", " now "])
def test_now(text: str) -> None:
    moment = dt.datetime(2026, 11, 24, 9, 17, 42)
    assert parse_when(text, moment) == moment


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today 14:00", at(24, 14)),
        ("aujourd'hui 14h", at(24, 14)),
        ("Aujourd’hui 14h", at(24, 14)),
        ("today 8:00", at(24, 8)),
        ("tomorrow 14:00", at(25, 14)),
        ("demain 9h", at(25, 9)),
        ("Demain 9H", at(25, 9)),
        ("demain à 9h", at(25, 9)),
        ("demain a 9h", at(25, 9)),
        ("tomorrow at 2pm", at(25, 14)),
        ("14h demain", at(25, 14)),
        ("2 pm tomorrow", at(25, 14)),
        ("après-demain 10h", at(26, 10)),
        ("apres demain 10h", at(26, 10)),
        ("day after tomorrow 10:00", at(26, 10)),
    ],
)
def test_today_and_tomorrow(text: str, expected: dt.datetime) -> None:
    assert parse_when(text, TUESDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tue 14:00", at(24, 14)),
        ("tuesday 2pm", at(24, 14)),
        ("mardi 14h", at(24, 14)),
        ("mar 14h", at(24, 14)),
        ("Mar. 14h", at(24, 14)),
        ("MARDI 14H", at(24, 14)),
        ("mardi 9h", at(24, 9)),  # this very minute is still today
        ("mardi 8h", at(1, 8, month=12)),  # passed: next week
        ("wed 9:00", at(25, 9)),
        ("mercredi 9h", at(25, 9)),
        ("jeudi 10h", at(26, 10)),
        ("thu 10:00", at(26, 10)),
        ("vendredi à 18h", at(27, 18)),
        ("friday at noon", at(27, 12)),
        ("sam 10h", at(28, 10)),
        ("dimanche 10h", at(29, 10)),
        ("sunday 10am", at(29, 10)),
        ("lundi 9h", at(30, 9)),
        ("mon 09:00", at(30, 9)),
        ("Lun 9h", at(30, 9)),
        ("14h mardi", at(24, 14)),
    ],
)
def test_weekdays_mean_the_next_such_moment(text: str, expected: dt.datetime) -> None:
    assert parse_when(text, TUESDAY) == expected


def test_a_weekday_later_in_the_same_minute_is_still_today() -> None:
    assert parse_when("mardi 9h", TUESDAY.replace(second=40)) == at(24, 9)
    assert parse_when("mardi 9h", TUESDAY.replace(minute=1)) == at(1, 9, month=12)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "garbage",
        "10",
        "1000",
        "25:00",
        "10h60",
        "13pm",
        "0am",
        "mardi 25h",
        "tue 14:00:99",
        "2026-11-25 25:00",
        "2026-02-30 10:00",
        "2026-13-01 10:00",
        "yesterday 10:00",
        "mardi prochain",
        "10:00 10:00",
        "\x1b[31m10:00",
        "10:00\nrm -rf /",
        "apres\ndemain",
        "2026-11-25\n",
    ],
)
def test_bad_times_are_usage_errors_quoting_the_input(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_when(text, TUESDAY)
    message = caught.value.message
    assert caught.value.exit_code == 2
    assert repr(text) in message
    assert WHEN_FORMS in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "text", ["2026-11-25", "today", "demain", "mardi", "Tuesday", "dimanche", "mar."]
)
def test_a_day_without_a_time_asks_for_a_time(text: str) -> None:
    with pytest.raises(UsageError, match="needs a time of day"):
        parse_when(text, TUESDAY)


WEEKDAY_WORDS = {
    0: ["monday", "mon", "lundi", "lun"],
    1: ["tuesday", "tue", "mardi", "mar"],
    2: ["wednesday", "wed", "mercredi", "mer"],
    3: ["thursday", "thu", "jeudi", "jeu"],
    4: ["friday", "fri", "vendredi", "ven"],
    5: ["saturday", "sat", "samedi", "sam"],
    6: ["sunday", "sun", "dimanche", "dim"],
}
moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31))


@given(
    moments,
    st.integers(0, 6),
    st.integers(0, 3),
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from(["{h}:{m:02d}", "{h}h{m:02d}", "{h:02d}:{m:02d}"]),
)
def test_weekday_and_time_is_within_the_coming_week(
    now: dt.datetime, weekday: int, spelling: int, hour: int, minute: int, form: str
) -> None:
    text = f"{WEEKDAY_WORDS[weekday][spelling]} {form.format(h=hour, m=minute)}"
    result = parse_when(text, now)
    floor = now.replace(second=0, microsecond=0)
    assert floor <= result < floor + dt.timedelta(days=7)
    assert result.weekday() == weekday
    assert (result.hour, result.minute, result.second) == (hour, minute, 0)


@given(moments, st.integers(0, 23), st.integers(0, 59))
def test_a_time_alone_is_always_today(now: dt.datetime, hour: int, minute: int) -> None:
    for text in (f"{hour}:{minute:02d}", f"{hour}h{minute:02d}"):
        assert parse_when(text, now) == dt.datetime.combine(now.date(), dt.time(hour, minute))


@given(moments, moments.map(lambda moment: moment.replace(second=0, microsecond=0)))
def test_iso_date_times_round_trip(now: dt.datetime, moment: dt.datetime) -> None:
    assert parse_when(moment.isoformat(timespec="minutes"), now) == moment
    assert parse_when(moment.isoformat(sep=" ", timespec="seconds"), now) == moment
    assert parse_when(moment.strftime("%Y-%m-%d %H:%M"), now) == moment


@given(st.text(max_size=40))
def test_any_text_is_a_time_or_a_usage_error(text: str) -> None:
    try:
        result = parse_when(text, TUESDAY)
    except UsageError as error:
        assert "\n" not in error.message
    else:
        assert isinstance(result, dt.datetime)
        assert result.tzinfo is None


# --------------------------------------------------------------------------- DURATION


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90m", 90),
        ("90min", 90),
        ("90 min", 90),
        ("90mn", 90),
        ("90 minutes", 90),
        ("1h30", 90),
        ("1h30m", 90),
        ("1h30min", 90),
        ("1 h 30", 90),
        ("1H30", 90),
        ("2h", 120),
        ("2 h", 120),
        ("2 hours", 120),
        ("2 heures", 120),
        ("1hr", 60),
        ("1:30", 90),
        ("0:45", 45),
        ("1:30:00", 90),
        ("10:00", 600),
        ("1.5h", 90),
        ("1,5h", 90),
        ("0.5h", 30),
        ("PT1H30M", 90),
        ("pt45m", 45),
        ("0h05", 5),
        ("1h5", 65),
        ("1d", 1440),
        ("1 jour", 1440),
        ("7d", 7 * 1440),
        ("10080m", 7 * 1440),
        ("168:00", 7 * 1440),
    ],
)
def test_durations(text: str, minutes: int) -> None:
    assert parse_duration(text) == dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "h",
        "m",
        "abc",
        "1h60",
        "1:60",
        "1:5",
        "-1h",
        "0m",
        "0h",
        "0:00",
        "PT0S",
        "8d",
        "10081m",
        "169:00",
        "99999999999999999999d",
        "1h 30x",
        "one hour",
        "P",
        "PT",
        "1h30m15",
        "2d30",
    ],
)
def test_bad_durations_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_duration(text)
    assert caught.value.exit_code == 2
    assert repr(text) in caught.value.message
    assert DURATION_FORMS in caught.value.message


@pytest.mark.parametrize("text", ["45", "90", "2", "120"])
def test_a_bare_number_is_ambiguous(text: str) -> None:
    with pytest.raises(UsageError, match=f"minutes or hours\\? write '{text}m' or '{text}h'"):
        parse_duration(text)


@given(st.integers(min_value=1, max_value=7 * 24 * 60))
def test_durations_round_trip_as_hours_and_minutes(minutes: int) -> None:
    hours, rest = divmod(minutes, 60)
    expected = dt.timedelta(minutes=minutes)
    assert parse_duration(f"{hours}h{rest:02d}") == expected
    assert parse_duration(f"{hours}:{rest:02d}") == expected
    assert parse_duration(f"{minutes}m") == expected
    assert parse_duration(f"{minutes}min") == expected
    if rest:
        assert parse_duration(f"{hours}h{rest}m") == expected


@given(st.integers(min_value=7 * 24 * 60 + 1, max_value=10**9))
def test_durations_beyond_seven_days_are_refused(minutes: int) -> None:
    with pytest.raises(UsageError, match="more than 7 days"):
        parse_duration(f"{minutes}m")


@given(st.text(max_size=30))
def test_any_text_is_a_duration_or_a_usage_error(text: str) -> None:
    try:
        result = parse_duration(text)
    except UsageError as error:
        assert "\n" not in error.message
    else:
        assert dt.timedelta(0) < result <= dt.timedelta(days=7)


@given(st.floats(min_value=0.02, max_value=168, allow_nan=False))
def test_decimal_hours(hours: float) -> None:
    text = f"{hours:.2f}h"
    assume(float(text[:-1]) > 0)
    assert parse_duration(text) == dt.timedelta(hours=float(text[:-1]))


# --- French dates, next week, visit days, windows over (#15.8, #13.6, #13.11) ---------------

from nomadspot.timeparse import parse_day, window_warning  # noqa: E402

MONDAY = dt.datetime(2026, 11, 23, 9, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1/12 10h", dt.datetime(2026, 12, 1, 10)),
        ("01/12/2026 10:00", dt.datetime(2026, 12, 1, 10)),
        ("1er décembre 10h", dt.datetime(2026, 12, 1, 10)),
        ("1er Décembre à 10h30", dt.datetime(2026, 12, 1, 10, 30)),
        ("1 déc 10h", dt.datetime(2026, 12, 1, 10)),
        ("1 déc. 10h", dt.datetime(2026, 12, 1, 10)),
        ("1 dec 2027 9h", dt.datetime(2027, 12, 1, 9)),
        ("le 2 janvier 14h", dt.datetime(2027, 1, 2, 14)),  # passed this year: next year's
        ("23/11 8h", dt.datetime(2027, 11, 23, 8)),  # this morning at 8 has passed
        ("23/11 9h", dt.datetime(2026, 11, 23, 9)),  # this very minute
        ("1st december 10am", dt.datetime(2026, 12, 1, 10)),
    ],
)
def test_french_dates(text: str, expected: dt.datetime) -> None:
    assert parse_when(text, MONDAY) == expected


@pytest.mark.parametrize(
    ("now", "expected_day"),
    [
        (MONDAY, 1),  # Monday 23: not tomorrow, the Tuesday of next week, 1 December
        (dt.datetime(2026, 11, 24, 9), 1),  # Tuesday 24: the next week's, 1 December
        (dt.datetime(2026, 11, 29, 9), 1),  # Sunday 29: the Tuesday after, 1 December
        (dt.datetime(2026, 11, 30, 9), 8),  # Monday 30: the next week's, 8 December
    ],
)
def test_mardi_prochain_is_the_tuesday_of_next_week(now: dt.datetime, expected_day: int) -> None:
    expected = dt.datetime(2026, 12, expected_day, 10)
    assert parse_when("mardi prochain 10h", now) == expected
    assert parse_when("next tuesday 10:00", now) == expected


@pytest.mark.parametrize("text", ["32/12 10h", "31/02 10h", "1er truc 10h", "1/12", "1/12 25h"])
def test_bad_french_dates_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        parse_when(text, MONDAY)


@pytest.mark.parametrize("text", ["demain 10h", "tomorrow 9h", "mardi 10h", "mardi prochain 10h"])
def test_dates_beyond_year_9999_are_usage_errors(text: str) -> None:
    """#13.11: NOMADSPOT_NOW=9999-12-31T23:59 and 'demain 10h' was an internal error."""
    end_of_time = dt.datetime(9999, 12, 31, 23, 59)
    with pytest.raises(UsageError, match="beyond the year 9999"):
        parse_when(text, end_of_time)


def test_now_keeps_its_instant_and_the_rest_is_the_users_wall_clock() -> None:
    tokyo = dt.timezone(dt.timedelta(hours=9))
    now = dt.datetime(2026, 11, 24, 13, 47, tzinfo=tokyo)
    assert parse_when("now", now) == now
    assert parse_when("demain 10h", now) == dt.datetime(2026, 11, 25, 10)  # wall clock
    assert parse_when("10:00", now).tzinfo is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20", dt.date(2026, 11, 20)),
        ("20/11/2026", dt.date(2026, 11, 20)),
        ("20/11", dt.date(2026, 11, 20)),
        ("24/12", dt.date(2025, 12, 24)),  # the latest 24 December: last year's
        ("today", dt.date(2026, 11, 23)),
        ("aujourd'hui", dt.date(2026, 11, 23)),
        ("Aujourd’hui", dt.date(2026, 11, 23)),
        ("yesterday", dt.date(2026, 11, 22)),
        ("hier", dt.date(2026, 11, 22)),
        ("avant-hier", dt.date(2026, 11, 21)),
        ("1er novembre 2026", dt.date(2026, 11, 1)),
    ],
)
def test_visit_days(text: str, expected: dt.date) -> None:
    assert parse_day(text, MONDAY.date()) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("demain", "2026-11-24 is in the future"),
        ("après-demain", "2026-11-25 is in the future"),
        ("lundi", "cannot read"),
        ("2026-11-24", "in the future"),
        ("24/11/2026", "in the future"),
        ("31/02/2026", "day is out of range"),
        ("2026-13-01", "cannot read"),
        ("20/11 10h", "cannot read"),
        ("", "cannot read"),
    ],
)
def test_bad_or_future_visit_days_are_usage_errors(text: str, why: str) -> None:
    with pytest.raises(UsageError, match=why) as caught:
        parse_day(text, MONDAY.date())
    assert caught.value.exit_code == 2 and "20/11/2026" in caught.value.message


@given(st.dates(max_value=dt.date(2026, 11, 23)))
def test_visit_days_round_trip(day: dt.date) -> None:
    today = dt.date(2026, 11, 23)
    assert parse_day(day.isoformat(), today) == day
    assert parse_day(f"{day.day}/{day.month}/{day.year:04d}", today) == day


@given(st.text(max_size=30))
def test_any_text_is_a_day_or_a_usage_error(text: str) -> None:
    try:
        day = parse_day(text, dt.date(2026, 11, 23))
    except UsageError:
        return
    assert day <= dt.date(2026, 11, 23)


def test_a_window_already_over_gets_a_warning() -> None:
    hour = dt.timedelta(hours=1)
    earlier = dt.datetime(2026, 11, 23, 7, 0)
    assert "already over" in (window_warning(earlier, earlier + hour, MONDAY) or "")
    assert window_warning(MONDAY, MONDAY + hour, MONDAY) is None  # now: under way
    paris = dt.timezone(dt.timedelta(hours=1))
    now = MONDAY.replace(tzinfo=paris)
    assert window_warning(earlier, earlier + hour, now) is not None  # the user's wall clock
    assert window_warning(now, now + hour, now) is None
    assert window_warning(now - 2 * hour, now - hour, now) is not None
