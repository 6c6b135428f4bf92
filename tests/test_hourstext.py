"""Hours as people write them: OpenStreetMap values as meant, and the French form."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nomadspot import hours
from nomadspot.errors import UsageError
from nomadspot.hourstext import as_meant, from_french

from .conftest import Cli

MONDAY_0440 = dt.datetime(2026, 11, 30, 4, 40)
HOUR = dt.timedelta(hours=1)
SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "opening-hours-sample.txt"

# --- as meant -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Mo, Th 11:30-22:00", "Mo,Th 11:30-22:00"),
        ("Sa-Su, PH 08:00-19:30", "Sa-Su,PH 08:00-19:30"),
        ("Mo, We, Fr 10:00-12:00", "Mo,We,Fr 10:00-12:00"),
        ("Mo-Fr 10:00-18:00, Sa, Su 10:00-13:00", "Mo-Fr 10:00-18:00, Sa,Su 10:00-13:00"),
        ("Mo-Sa 08:00-20:00; Su, PH off", "Mo-Sa 08:00-20:00; Su,PH off"),
        ("Mo-Fr 06:00-22:00; Sa, Su, Ph off", "Mo-Fr 06:00-22:00; Sa,Su,PH off"),
        ("Tu-Fr 07:30-23:00,Sa-Su 09:00-23:00", "Tu-Fr 07:30-23:00, Sa-Su 09:00-23:00"),
        ("Mo-Fr 08:00-18:00,Sa, Su 10:00-12:00", "Mo-Fr 08:00-18:00, Sa,Su 10:00-12:00"),
        (
            'Mo-Fr 09:00-12:00 "a, b"; Sa, Su 10:00-12:00',
            'Mo-Fr 09:00-12:00 "a, b"; Sa,Su 10:00-12:00',
        ),
    ],
)
def test_a_weekday_list_split_by_comma_space_is_one_list(written: str, meant: str) -> None:
    reading = as_meant(written)
    assert reading.expression == meant and reading.fixed
    assert hours.validate(meant) is None
    assert reading.warning == f"read as `{meant}`"


@pytest.mark.parametrize(
    "written",
    [
        "Mo-Fr 08:00-12:00, 14:00-18:00",  # a list of times: the grammar reads it right
        "Mo-Fr 08:00-12:00,14:00-18:00",
        'Mo-Fr 08:00-12:00 "10:00,Sa"',
        "Mo 10:00-12:00, Tu 14:00-18:00",  # two real rules
        "Mo, Tu",  # days alone either way: all day both readings
        "Mo-Fr 08:30-18:00; PH off",
        '"a, b"',
        "24/7",
    ],
)
def test_nothing_else_is_touched(written: str) -> None:
    assert as_meant(written).expression.replace('unknown "a, b"', '"a, b"') == written


def test_four_closed_cafes_are_no_longer_open_at_night() -> None:
    """The issue's example: at 04:40 on a Monday, ``Mo, Th 11:30-22:00`` is closed."""
    check = hours.check("Mo, Th 11:30-22:00", "FR", MONDAY_0440, MONDAY_0440 + HOUR)
    assert check.state == "closed"
    thursday = dt.datetime(2026, 12, 3, 12, 0)
    assert hours.check("Mo, Th 11:30-22:00", "FR", thursday, thursday + HOUR).state == "open"
    saturday = dt.datetime(2026, 12, 5, 7, 0)
    assert hours.check("Sa-Su, PH 08:00-19:30", "FR", saturday, saturday + HOUR).state == "closed"


@pytest.mark.parametrize(
    "expression", ['Mo-Fr "on appointment"', '"sur rendez-vous"', 'Mo-Fr 08:00-12:00; Sa "sur rdv"']
)
def test_a_comment_only_rule_is_by_appointment_never_open(expression: str) -> None:
    saturday = dt.datetime(2026, 12, 5, 10, 0)
    friday = dt.datetime(2026, 12, 4, 10, 0)
    start = saturday if "Sa" in expression else friday
    check = hours.check(expression, "FR", start, start + HOUR)
    assert check.state == "unknown" and check.by_appointment
    assert check.text.startswith("by appointment (")
    assert as_meant(expression).warning.endswith("(by appointment)")


def test_comment_only_rules_are_stored_as_written_and_read_again_by_appointment() -> None:
    """What import and ``--hours`` store keeps the mapper's comment-only rule, so it is
    by appointment when read again; a rule the mapper wrote ``unknown`` stays unknown."""
    reading = as_meant('Mo, Th 10:00-12:00; Fr "on appointment"')
    assert reading.tidied == 'Mo,Th 10:00-12:00; Fr "on appointment"'
    assert reading.expression == 'Mo,Th 10:00-12:00; Fr unknown "on appointment"'
    assert hours.from_user('Mo-Fr "on appointment"') == 'Mo-Fr "on appointment"'
    friday = dt.datetime(2026, 12, 4, 10, 0)
    assert hours.check(reading.tidied, "FR", friday, friday + HOUR).by_appointment
    written = hours.check('Fr unknown "call first"', "FR", friday, friday + HOUR)
    assert written.text == "hours unknown (call first)" and not written.by_appointment


def test_show_says_by_appointment_for_the_days_it_holds() -> None:
    monday = dt.date(2026, 11, 30)
    days = dict(hours.week('Mo-Fr "sur rendez-vous"; Sa 10:00-12:00', "FR", monday))
    assert days[monday] == "by appointment (sur rendez-vous)"
    assert days[dt.date(2026, 12, 5)] == "10:00–12:00"


def test_a_timed_rule_with_a_comment_stays_open() -> None:
    tuesday = dt.datetime(2026, 12, 1, 10, 0)
    check = hours.check('Mo-Fr 09:00-17:00 "sur rendez-vous"', "FR", tuesday, tuesday + HOUR)
    assert check.state == "open" and not check.by_appointment


@pytest.mark.skipif(not SAMPLE.exists(), reason="needs ../shared/data")
def test_values_that_parsed_keep_their_meaning_but_comment_only_rules() -> None:
    """On the 195 real values of the library's sample, the only values read differently
    are those with a comment-only rule (now by appointment)."""
    import opening_hours

    values = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line]
    start, end = dt.datetime(2026, 1, 1), dt.datetime(2026, 7, 1)
    for value in values:
        reading = as_meant(value)
        if not reading.fixed or hours.validate(value) is not None or reading.appointments:
            continue
        before = opening_hours.OpeningHours(value, auto_country=False, auto_timezone=False)
        after = opening_hours.OpeningHours(
            reading.expression, auto_country=False, auto_timezone=False
        )
        assert list(before.intervals(start, end)) == list(after.intervals(start, end)), value


@given(st.text(max_size=60))
def test_as_meant_never_raises_and_keeps_valid_values_valid(text: str) -> None:
    reading = as_meant(text)
    if hours.validate(text) is None:
        assert hours.validate(reading.expression) is None
    assert as_meant(reading.expression).expression == reading.expression  # idempotent


def test_check_warns_about_hours_read_with_a_fix_up(cli: Cli, catalogue_path: Path) -> None:
    catalogue_path.parent.mkdir(parents=True)
    catalogue_path.write_text(
        'version = 1\n[[place]]\nid = "p"\nname = "P"\nkind = "cafe"\ncity = "Paris"\n'
        'opening_hours = "Mo, Th 11:30-22:00"\n',
        encoding="utf-8",
    )
    result = cli("check")  # a warning alone: exit 0
    assert "field 'opening_hours': read as `Mo,Th 11:30-22:00`" in result.stdout
    assert "0 errors, 1 warning" in result.stderr


def test_add_stores_hours_as_meant(cli: Cli, catalogue_path: Path) -> None:
    cli("add", "P", "--kind", "cafe", "--city", "Paris", "--hours", "Sa-Su, PH 08:00-19:30")
    assert 'opening_hours = "Sa-Su,PH 08:00-19:30"' in catalogue_path.read_text(encoding="utf-8")


# --- French -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("french", "osm"),
    [
        ("lun-ven 8h-19h", "Mo-Fr 08:00-19:00"),
        ("mar-sam 9h-12h30 14h-19h", "Tu-Sa 09:00-12:30,14:00-19:00"),
        ("Mar-Sam 9h-12h 14h-19h", "Tu-Sa 09:00-12:00,14:00-19:00"),
        ("du lundi au vendredi de 8h à 19h", "Mo-Fr 08:00-19:00"),
        ("lundi au vendredi 8h30-18h", "Mo-Fr 08:30-18:00"),
        ("lun-sam 9h-19h, fermé le dimanche", "Mo-Sa 09:00-19:00; Su off"),
        (
            "lun-ven 8h-19h; sam 9h-12h; jours fériés fermé",
            "Mo-Fr 08:00-19:00; Sa 09:00-12:00; PH off",
        ),
        ("lundi et jeudi 10h-12h", "Mo,Th 10:00-12:00"),
        ("tous les jours 7h-22h", "Mo-Su 07:00-22:00"),
        ("24h/24 7j/7", "Mo-Su 00:00-24:00"),
        ("8h-19h", "08:00-19:00"),
        ("lun. - ven. 08:00 - 19:00", "Mo-Fr 08:00-19:00"),
    ],
)
def test_french_hours_become_osm(french: str, osm: str) -> None:
    assert from_french(french) == osm
    assert hours.from_user(french) == osm


@pytest.mark.parametrize(
    "text",
    ["8h-18h sauf lundi", "lun-ven", "lun-ven 8h", "mars 8h-19h", "lun-ven 25h-26h", "fermé", ""],
)
def test_french_that_is_not_plain_is_refused(text: str) -> None:
    with pytest.raises(UsageError) as raised:
        hours.from_user(text)
    assert raised.value.exit_code == 2
    assert "lun-ven 8h-19h" in (raised.value.hint or "")


def test_add_takes_french_hours(cli: Cli, catalogue_path: Path) -> None:
    cli("add", "P", "--kind", "cafe", "--city", "Lyon", "--hours", "mar-sam 9h-12h30 14h-19h")
    text = catalogue_path.read_text(encoding="utf-8")
    assert 'opening_hours = "Tu-Sa 09:00-12:30,14:00-19:00"' in text


_DAYS = ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"]
_OSM = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


@given(
    first=st.integers(0, 5),
    length=st.integers(1, 6),
    spans=st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 59), st.integers(12, 23)),
        min_size=1,
        max_size=3,
    ),
)
def test_french_round_trips(first: int, length: int, spans: list[tuple[int, int, int]]) -> None:
    """Whatever French this accepts comes back as the OSM it means, and parses."""
    last = min(first + length, 6)
    times = " ".join(f"{a}h{b:02d}-{c}h" for a, b, c in spans)
    osm_times = ",".join(f"{a:02d}:{b:02d}-{c:02d}:00" for a, b, c in spans)
    osm = from_french(f"{_DAYS[first]}-{_DAYS[last]} {times}")
    assert osm == f"{_OSM[first]}-{_OSM[last]} {osm_times}"
    assert hours.validate(osm) is None


@given(st.text(max_size=40))
def test_from_user_raises_only_usage_errors(text: str) -> None:
    try:
        stored = hours.from_user(text)
    except UsageError:
        return
    assert hours.validate(stored) is None
