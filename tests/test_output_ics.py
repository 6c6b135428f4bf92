"""``find --format ics`` and ``--pick``: an RFC 5545 invite that calendar apps import as is.

Every event is read back twice: with icalendar (which wrote it) and with ical, an
independent implementation, so a quirk of one library cannot pass for the standard.
'Now' is Monday 2026-11-23 09:00 (conftest)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

from .conftest import Cli
from .record_support import paris_cafe, write_records

UTC = dt.UTC
LOUVRE = (48.8606, 2.3376)  # participants, as LAT,LON
BASTILLE = (48.8532, 2.3691)


PLACES = [
    paris_cafe(
        "le-depart",
        "Le Départ",
        kind="coworking",
        address="1 place Saint-Michel",
        lat=48.8535,
        lon=2.3440,
        opening_hours="Mo-Su 00:00-24:00",
        meeting_room_seats=8,
        amenities={"wifi": True, "power": False, "meeting_room": True},
        price={"room_hour": 20.0},
    ),
    paris_cafe("cafe-loin", "Café Loin", lat=48.8800, lon=2.2900, amenities={"wifi": True}),
    paris_cafe("sans-coordonnees", "Sans Coordonnées", amenities={"wifi": True}),
]


def near_args() -> list[str]:
    return ["--near", "{},{}".format(*LOUVRE), "--near", "{},{}".format(*BASTILLE)]


def invite(cli: Cli, *args: str) -> str:
    text: str = cli("find", "--city", "Paris", *args, "--format", "ics").stdout
    return text


def event_of(text: str) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(text)
    events = calendar.events
    assert len(events) == 1
    return events[0]


def second_reader(text: str) -> Any:
    calendar = IcsCalendarStream.calendar_from_ics(text)
    assert len(calendar.events) == 1
    return calendar.events[0]


def utc_window(event: Any) -> tuple[dt.datetime, dt.datetime]:
    return (event.dtstart.astimezone(UTC), event.dtend.astimezone(UTC))


def test_the_invite_carries_the_meeting_and_the_place(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, *PLACES)
    text = invite(cli, *near_args(), "--meeting-room", "--at", "2026-12-01 10:00", "--for", "2h")
    assert text.startswith("BEGIN:VCALENDAR\n")  # CliRunner shows CRLF as \n (see below)
    event = event_of(text)
    assert event["SUMMARY"] == "Meeting at Le Départ"
    assert event.start == dt.datetime(2026, 12, 1, 10, tzinfo=event.start.tzinfo)
    assert event.end == dt.datetime(2026, 12, 1, 12, tzinfo=event.start.tzinfo)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event["DTEND"].params["TZID"] == "Europe/Paris"
    zones = icalendar.Calendar.from_ical(text).timezones
    assert [zone.tz_name for zone in zones] == ["Europe/Paris"]
    location = "Le Départ, 1 place Saint-Michel, Paris"
    assert event["LOCATION"] == location
    assert (event["GEO"].latitude, event["GEO"].longitude) == (48.8535, 2.3440)
    apple = event["X-APPLE-STRUCTURED-LOCATION"]
    assert apple.params["X-TITLE"] == location  # Apple Calendar shows no map otherwise
    assert apple.params["VALUE"] == "URI"
    assert str(apple) == "geo:48.8535,2.344"
    assert event["URL"].startswith("https://www.openstreetmap.org/?mlat=48.853500&mlon=2.344000")
    description = str(event["DESCRIPTION"]).splitlines()
    assert "Wifi: yes" in description
    assert "Power: no" in description
    assert "Meeting room: yes, 8 seats" in description
    assert "Cost for the meeting: 40.00 EUR" in description  # 2 h of a 20 EUR room
    distances = [line for line in description if line.startswith("From ")]
    assert len(distances) == 2
    assert all(line.endswith(" km") for line in distances)
    assert event["UID"].endswith("@nomadspot")


def test_a_second_reader_agrees(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, *PLACES)
    text = invite(cli, *near_args(), "--at", "2026-12-01 10:00", "--for", "90m")
    first, second = event_of(text), second_reader(text)
    assert utc_window(second) == (
        dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        dt.datetime(2026, 12, 1, 10, 30, tzinfo=UTC),
    )
    assert second.summary == str(first["SUMMARY"])
    assert second.location == str(first["LOCATION"])
    assert (second.geo.lat, second.geo.lng) == (48.8535, 2.3440)
    assert second.uid == str(first["UID"])
    assert second.url == str(first["URL"])
    assert second.description == str(first["DESCRIPTION"])


@pytest.mark.parametrize(
    ("at", "duration", "utc_start", "utc_end"),
    [
        # Saturday: summer time still (UTC+2).
        ("2026-10-24 10:00", "2h", dt.datetime(2026, 10, 24, 8), dt.datetime(2026, 10, 24, 10)),
        # Sunday 25 October: the clocks went back at 03:00 (UTC+1).
        ("2026-10-25 10:00", "2h", dt.datetime(2026, 10, 25, 9), dt.datetime(2026, 10, 25, 11)),
        # Across the change itself: 01:30 summer time, then two hours pass.
        (
            "2026-10-25 01:30",
            "2h",
            dt.datetime(2026, 10, 24, 23, 30),
            dt.datetime(2026, 10, 25, 1, 30),
        ),
        # The spring change: 29 March 2026, 10:00 is summer time (UTC+2).
        ("2026-03-29 10:00", "1h", dt.datetime(2026, 3, 29, 8), dt.datetime(2026, 3, 29, 9)),
    ],
)
def test_times_are_right_across_a_daylight_saving_change(
    cli: Cli,
    catalogue_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    at: str,
    duration: str,
    utc_start: dt.datetime,
    utc_end: dt.datetime,
) -> None:
    monkeypatch.setenv("NOMADSPOT_NOW", "2026-01-05T09:00")
    write_records(catalogue_path, *PLACES)
    text = invite(cli, "--wifi", "--at", at, "--for", duration)
    expected = (utc_start.replace(tzinfo=UTC), utc_end.replace(tzinfo=UTC))
    first = event_of(text)
    assert (first.start.astimezone(UTC), first.end.astimezone(UTC)) == expected
    assert utc_window(second_reader(text)) == expected
    assert first["DTSTART"].params["TZID"] == "Europe/Paris"


def test_the_same_meeting_at_the_same_place_keeps_its_uid(
    cli: Cli, catalogue_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_records(catalogue_path, *PLACES)
    window = ("--at", "2026-12-01 10:00", "--for", "2h")
    first = event_of(invite(cli, "--wifi", *window))
    monkeypatch.setenv("NOMADSPOT_NOW", "2026-11-24T18:30")  # a day later, another stamp
    again = event_of(invite(cli, "--wifi", *near_args(), *window))
    assert again["DTSTAMP"].dt != first["DTSTAMP"].dt
    assert again["UID"] == first["UID"]
    other_place = event_of(invite(cli, "--wifi", *window, "--pick", "2"))
    other_time = event_of(invite(cli, "--wifi", "--at", "2026-12-01 10:00", "--for", "1h"))
    assert len({str(e["UID"]) for e in (first, other_place, other_time)}) == 3


def ranked(cli: Cli, *args: str) -> list[dict[str, Any]]:
    text = cli("find", "--city", "Paris", *args, "--format", "json").stdout
    results: list[dict[str, Any]] = json.loads(text)["results"]
    return results


def rank_of(cli: Cli, place_id: str, *args: str) -> str:
    return next(str(r["rank"]) for r in ranked(cli, *args) if r["id"] == place_id)


def test_pick_chooses_another_result(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, *PLACES)
    args = ("--wifi", "--at", "2026-12-01 10:00")
    second = ranked(cli, *args)[1]
    event = event_of(invite(cli, *args, "--pick", "2"))
    assert event["SUMMARY"] == f"Meeting at {second['name']}"
    assert [r["id"] for r in ranked(cli, *args, "--pick", "2")] == [second["id"]]


def test_pick_beyond_the_results_is_nothing_matched(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, *PLACES)
    result = cli("find", "--city", "Paris", "--pick", "4", "--format", "ics", "--at", "10h", code=1)
    assert result.stdout == ""
    assert "Error: --pick 4: only 3 places fit this meeting" in result.stderr
    assert "hint: pick 1 to 3" in result.stderr
    assert cli("find", "--pick", "0", code=2).stdout == ""


def test_a_place_without_coordinates_has_no_map(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, *PLACES)
    args = ("--wifi", "--at", "2026-12-01 10:00")
    text = invite(cli, *args, "--pick", rank_of(cli, "sans-coordonnees", *args))
    event = event_of(text)
    assert event["LOCATION"] == "Sans Coordonnées, Paris"
    for key in ("GEO", "URL", "X-APPLE-STRUCTURED-LOCATION"):
        assert key not in event
    assert second_reader(text).location == "Sans Coordonnées, Paris"


def test_a_place_whose_zone_is_unknown_gets_floating_times(cli: Cli, catalogue_path: Path) -> None:
    # The United States have many zones; without coordinates nomadspot cannot tell which.
    write_records(catalogue_path, paris_cafe("diner", "Diner", city="Springfield", country="US"))
    text = cli(
        "find", "--city", "Springfield", "--at", "2026-12-01 10:00", "--format", "ics"
    ).stdout
    event = event_of(text)
    assert event.start == dt.datetime(2026, 12, 1, 10)  # the wall clock, wherever one is
    assert "VTIMEZONE" not in text
    assert second_reader(text).dtstart == dt.datetime(2026, 12, 1, 10)


def test_hostile_text_stays_one_value(cli: Cli, catalogue_path: Path) -> None:
    name = 'Le "Bar"; <script>alert(1)</script>, \\ ici'
    write_records(
        catalogue_path, paris_cafe("bar", name, address="2, rue: des;Lombards", lat=48.86, lon=2.35)
    )
    text = invite(cli, "--at", "2026-12-01 10:00")
    event = event_of(text)
    location = f"{name}, 2, rue: des;Lombards, Paris"
    assert event["LOCATION"] == location
    assert event["X-APPLE-STRUCTURED-LOCATION"].params["X-TITLE"] == location
    assert event["SUMMARY"] == f"Meeting at {name}"
    assert second_reader(text).location == location


def test_ics_needs_a_time(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, *PLACES)
    result = cli("find", "--city", "Paris", "--format", "ics", code=2)
    assert result.stdout == ""
    assert "Error: --format ics needs --at" in result.stderr
    now = invite(cli, "--open-now")  # now is a time too
    assert event_of(now).start.replace(tzinfo=None) == dt.datetime(2026, 11, 23, 9, 0)


@pytest.mark.parametrize("command", [["list"], ["show", "le-depart"]])
def test_ics_is_for_find_only(cli: Cli, catalogue_path: Path, command: list[str]) -> None:
    write_records(catalogue_path, *PLACES)
    result = cli(*command, "--format", "ics", code=2)
    assert result.stdout == ""
    assert "Error: the ics format writes a meeting's event: use it with find" in result.stderr


def test_through_a_real_process(catalogue_path: Path) -> None:
    write_records(catalogue_path, *PLACES)

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "nomadspot", "find", "--city", "Paris", *args],
            capture_output=True,
            timeout=60,
            check=False,
        )

    good = run("--at", "mardi 10h", "--format", "ics")
    assert good.returncode == 0
    assert good.stdout.count(b"\r\n") == good.stdout.count(b"\n")  # CRLF, as RFC 5545 says
    assert event_of(good.stdout.decode("utf-8"))["SUMMARY"] == "Meeting at Le Départ"
    no_time = run("--format", "ics")
    assert (no_time.returncode, no_time.stdout) == (2, b"")
    assert no_time.stderr.decode().startswith("Error: --format ics needs --at")
    too_far = run("--format", "ics", "--at", "10h", "--pick", "9")
    assert (too_far.returncode, too_far.stdout) == (1, b"")
    assert b"Traceback" not in no_time.stderr + too_far.stderr
