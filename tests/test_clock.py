"""'now' is an instant (#13.6): NOMADSPOT_NOW with or without an offset, each place judged
at its own local time, whatever the machine's time zone."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nomadspot import clock, hours
from nomadspot.errors import UsageError
from nomadspot.model import Place
from nomadspot.vocabulary import Kind

CAFE = "Mo-Fr 07:00-19:00"
CATALOGUE = f"""version = 1
[[place]]
id = "cafe-paris"
name = "Café de Paris"
kind = "cafe"
city = "Paris"
country = "FR"
opening_hours = "{CAFE}"
"""


def test_an_offset_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOMADSPOT_NOW", "2026-11-24T04:47+09:00")
    now = clock.now()
    assert now.utcoffset() == dt.timedelta(hours=9)
    assert now.astimezone(dt.UTC) == dt.datetime(2026, 11, 23, 19, 47, tzinfo=dt.UTC)


def test_without_an_offset_it_is_the_machines_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOMADSPOT_NOW", "2026-11-24T09:00")
    now = clock.now()
    assert now.tzinfo is not None and now.replace(tzinfo=None) == dt.datetime(2026, 11, 24, 9)
    assert clock.today() == dt.date(2026, 11, 24)


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01T10:00", "24/11/2026"])
def test_a_bad_value_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("NOMADSPOT_NOW", value)
    with pytest.raises(UsageError, match="NOMADSPOT_NOW"):
        clock.now()


def test_an_instant_is_judged_at_the_places_own_time() -> None:
    """13:47 in Tokyo is 05:47 in Paris: the Paris café is closed then."""
    cafe = Place(id="c", name="C", kind=Kind.CAFE, city="Paris", country="FR", opening_hours=CAFE)
    tokyo = dt.timezone(dt.timedelta(hours=9))
    instant = dt.datetime(2026, 11, 24, 13, 47, tzinfo=tokyo)
    hour = dt.timedelta(hours=1)
    assert hours.check_window(cafe, instant, instant + hour).state == "closed"
    wall = instant.replace(tzinfo=None)  # 13:47 on the café's clock: open
    assert hours.check_window(cafe, wall, wall + hour).state == "open"
    assert hours.WindowJudge(instant, instant + hour)(cafe).state == "closed"


def _find(tz: str, now: str, *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    env = {**os.environ, "TZ": tz, "NOMADSPOT_NOW": now, "NOMADSPOT_CATALOGUE": str(catalogue)}
    return subprocess.run(
        [sys.executable, "-m", "nomadspot", "find", *args, "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_open_now_on_a_laptop_set_to_tokyo_asks_paris_at_paris_time(tmp_path: Path) -> None:
    """Tuesday 12:47 in Tokyo is Tuesday 04:47 in Paris: closed (it was "open", read as
    12:47 on the café's clock); Tuesday 01:30 in Tokyo is Monday 17:30 in Paris: open."""
    closed = _find("Asia/Tokyo", "2026-11-24T12:47", "--open-now", tmp_path=tmp_path)
    assert closed.returncode == 1, closed.stdout
    assert "closed during the meeting" in closed.stderr
    opened = _find("Asia/Tokyo", "2026-11-24T01:30", "--open-now", tmp_path=tmp_path)
    assert opened.returncode == 0, opened.stderr
    assert json.loads(opened.stdout)["results"][0]["open"] is True


def test_a_wall_clock_time_is_the_places_own_on_any_laptop(tmp_path: Path) -> None:
    for tz in ("Asia/Tokyo", "America/New_York", "UTC"):
        found = _find(tz, "2026-11-23T09:00", "--at", "mardi 10h", tmp_path=tmp_path)
        assert found.returncode == 0, found.stderr
        query = json.loads(found.stdout)["query"]
        assert query["start"] == "2026-11-24T10:00:00"


def test_end_of_time_is_exit_2_in_one_line(tmp_path: Path) -> None:
    """#13.11: NOMADSPOT_NOW=9999-12-31T23:59 with --at 'demain 10h' was exit 70."""
    found = _find("UTC", "9999-12-31T23:59", "--at", "demain 10h", tmp_path=tmp_path)
    assert found.returncode == 2
    lines = found.stderr.strip().splitlines()
    assert lines[0].startswith("Error: ") and "9999" in lines[0]
    assert "Traceback" not in found.stderr
    for tz in ("America/New_York", "Asia/Tokyo"):
        found = _find(tz, "9999-12-31T23:59", "--open-now", tmp_path=tmp_path)
        assert found.returncode == 2 and "Traceback" not in found.stderr, found.stderr


def test_a_window_already_over_is_warned_about(tmp_path: Path) -> None:
    found = _find("Europe/Paris", "2026-11-23T12:00", "--at", "10h", tmp_path=tmp_path)
    assert "already over" in found.stderr
    assert found.returncode == 0
