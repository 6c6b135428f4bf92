"""``nomadspot find`` through the command line: every rule of the spec's find section.

Each test writes a small catalogue of its own (TOML, or ``nomadspot add``). 'Now' is
fixed by conftest at Monday 2026-11-23 09:00."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import Cli
from .record_support import write_records
from .test_subprocess import run, run_shell

CAFE_HOURS = "Mo-Su 08:00-18:00; PH off"
QUERY_KEYS = {
    "objective",
    "city",
    "kinds",
    "needs",
    "prefer",
    "people",
    "start",
    "end",
    "budget",
    "near",
    "strict",
}
RESULT_KEYS = {
    "distances_km",
    "distance_approx",
    "likely",
    "rank",
    "id",
    "name",
    "kind",
    "city",
    "country",
    "address",
    "lat",
    "lon",
    "score",
    "distance_km",
    "open",
    "opening_hours",
    "cost",
    "matched",
    "unknown",
    "reasons",
}
RESULT_COLUMNS = [
    "rank",
    "id",
    "name",
    "kind",
    "city",
    "country",
    "score",
    "distance_km",
    "open",
    "window",
    "cost",
    "matched",
    "unknown",
]


# --- helpers -------------------------------------------------------------------------------


def spot(place_id: str, name: str | None = None, **fields: Any) -> dict[str, Any]:
    """A catalogue record: a café in Vienne unless told otherwise."""
    record: dict[str, Any] = {
        "id": place_id,
        "name": name or place_id.replace("-", " ").title(),
        "kind": "cafe",
        "city": "Vienne",
    }
    record.update(fields)
    return record


NO_TOWN = "Nulle-Part-sur-Rien"  # a town the gazetteer does not know: no distance at all


def counts(data: dict[str, Any]) -> dict[str, Any]:
    """The excluded counts of find's JSON, without the near misses."""
    return {key: data["excluded"][key] for key in ("count", "by_reason")}


def write_config(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def config_path() -> Path:
    return Path(os.environ["NOMADSPOT_CONFIG"])


def find_json(cli: Cli, *args: str, code: int = 0) -> dict[str, Any]:
    result = cli("find", *args, "--format", "json", code=code)
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def found_ids(cli: Cli, *args: str) -> list[str]:
    text: str = cli("find", *args, "--format", "ids").stdout
    return text.splitlines()


def results_by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {result["id"]: result for result in data["results"]}


def one_error_line(stderr: str) -> str:
    """The ``Error: ...`` line; at most a ``hint:`` line follows it (notes may come first,
    such as the one said while the town index is built)."""
    lines = [line for line in stderr.splitlines() if not line.startswith("note: ")]
    assert lines and lines[0].startswith("Error: "), stderr
    assert all(line.startswith("hint: ") for line in lines[1:]), stderr
    return lines[0]


def test_help_names_every_flag_of_the_spec(cli: Cli) -> None:
    text = " ".join(cli("find", "--help").stdout.split())
    for flag in (
        "--city",
        "--country",
        "--near",
        "--radius",
        "--kind",
        "--wifi",
        "--power",
        "--meeting-room",
        "--quiet",
        "--need",
        "--prefer",
        "--people",
        "--at",
        "--for",
        "--open-now",
        "--budget",
        "--strict",
        "--limit",
        "--explain",
        "--format",
    ):
        assert flag in text, flag
    assert "Examples: nomadspot find" in text


# --- the JSON output -----------------------------------------------------------------------


def test_json_shape_without_window_or_participants(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot(
            "priced",
            "Priced",
            address="1 rue Victor Hugo",
            lat=45.5255,
            lon=4.8744,
            opening_hours=CAFE_HOURS,
            seats=20,
            price={"hour": 3.5},
        ),
        spot("bare", "Bare"),
    )
    data = find_json(cli)
    assert set(data) == {"query", "results", "excluded"}
    assert data["query"] == {
        "city": None,
        "kinds": [],
        "needs": [],
        "prefer": [],
        "people": 2,
        "start": None,
        "end": None,
        "budget": None,
        "near": [],
        "objective": "fair",
        "strict": False,
    }
    assert counts(data) == {"count": 0, "by_reason": {}}
    for result in data["results"]:
        assert set(result) == RESULT_KEYS
        assert result["distance_km"] is None  # no --near
        assert result["open"] is None  # no window
    priced, bare = results_by_id(data)["priced"], results_by_id(data)["bare"]
    assert priced["cost"] == 7.0  # 3.5 an hour, one hour, two people
    assert bare["cost"] is None  # unknown price
    assert (priced["address"], priced["lat"], priced["lon"]) == (
        "1 rue Victor Hugo",
        45.5255,
        4.8744,
    )
    assert (bare["address"], bare["lat"], bare["lon"], bare["opening_hours"]) == (
        None,
        None,
        None,
        None,
    )
    assert priced["opening_hours"] == CAFE_HOURS
    assert (priced["kind"], priced["city"], priced["country"]) == ("cafe", "Vienne", "FR")
    assert priced["unknown"] == [] and bare["unknown"] == ["seats"]
    assert "20 seats" in priced["reasons"] and "seats unknown" in bare["reasons"]


def test_json_query_echoes_the_meeting(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, spot("cafe", "Café", lat=45.5255, lon=4.8744))
    data = find_json(
        cli,
        "--city",
        "vienne",
        "--kind",
        "café",
        "--kind",
        "coworking",
        "--power",
        "--wifi",
        "--need",
        "wi-fi",
        "--prefer",
        "calme",
        "--people",
        "3",
        "--at",
        "mardi 10h",
        "--for",
        "2h",
        "--budget",
        "50",
        "--near",
        "45.75,4.85",
    )
    assert set(data["query"]) == QUERY_KEYS
    assert data["query"] == {
        "city": "vienne",
        "kinds": ["cafe", "coworking"],
        "needs": ["wifi", "power"],  # flags in a fixed order, aliases folded, no duplicate
        "prefer": ["quiet"],
        "people": 3,
        "start": "2026-11-24T10:00:00",
        "end": "2026-11-24T12:00:00",
        "budget": 50.0,
        "near": [{"label": "45.75,4.85", "lat": 45.75, "lon": 4.85}],
        "objective": "fair",
        "strict": False,
    }


def test_json_with_a_window_and_a_participant(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("open", "Open", lat=45.5255, lon=4.8744, opening_hours=CAFE_HOURS),
        spot("no-hours", "No Hours", lat=45.5255, lon=4.8744),
        spot("no-coords", "No Coords", opening_hours=CAFE_HOURS, city=NO_TOWN),
    )
    data = find_json(cli, "--at", "2026-11-25 10:00", "--near", "45.5255,4.8744")
    by_id = results_by_id(data)
    assert by_id["open"]["open"] is True
    assert by_id["no-hours"]["open"] is None  # unknown hours: null, never false
    assert "hours" in by_id["no-hours"]["unknown"]
    assert by_id["open"]["distance_km"] == 0.0
    assert by_id["no-coords"]["distance_km"] is None
    assert "distance" in by_id["no-coords"]["unknown"]
    assert all(result["open"] is not False for result in data["results"])


def test_ranks_scores_and_ties_by_name(cli: Cli, catalogue_path: Path) -> None:
    # Three places alike in all but their names: equal scores, ordered by name ignoring
    # case and accents; then better and worse ones around them.
    alike = {"opening_hours": CAFE_HOURS, "seats": 10, "amenities": {"wifi": True}}
    write_records(
        catalogue_path,
        spot("eclair", "Éclair", **alike),
        spot("bistro", "bistro", **alike),
        spot("azur", "Azur", **alike),
        spot("unknown-wifi", "Aaa", opening_hours=CAFE_HOURS, seats=10),
        spot(
            "rated",
            "Zed",
            **alike,
            visits=[{"date": dt.date(2026, 11, 1), "rating": 5}],
        ),
    )
    data = find_json(cli, "--wifi", "--at", "tue 10:00")
    order = [result["id"] for result in data["results"]]
    assert order == ["rated", "azur", "bistro", "eclair", "unknown-wifi"]
    assert [result["rank"] for result in data["results"]] == [1, 2, 3, 4, 5]
    scores = [result["score"] for result in data["results"]]
    assert all(0 <= score <= 1 for score in scores)
    assert scores == sorted(scores, reverse=True)
    assert scores[1] == scores[2] == scores[3]
    assert scores[0] > scores[1] > scores[4]


# --- where ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("vienne", "vienne"),
        ("VIENNE", "vienne"),
        ("alencon", "alencon"),
        ("Alençon", "alencon"),
        ("neuilly sur seine", "neuilly"),
        ("Neuilly Sur-Seine", "neuilly"),
        ("l isle d abeau", "isle"),
    ],
)
def test_city_ignores_case_accents_and_separators(
    cli: Cli, catalogue_path: Path, typed: str, expected: str
) -> None:
    write_records(
        catalogue_path,
        spot("vienne", city="Vienne"),
        spot("alencon", city="Alençon"),
        spot("neuilly", city="Neuilly-sur-Seine"),
        spot("isle", city="L'Isle-d'Abeau"),
        spot("vienna", city="Vienna", country="AT"),
    )
    data = find_json(cli, "--city", typed)
    assert [result["id"] for result in data["results"]] == [expected]
    assert counts(data) == {"count": 4, "by_reason": {f"not in {typed}": 4}}


def test_country_filters_places(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, spot("vienne"), spot("wien", city="Wien", country="AT"))
    assert found_ids(cli, "--country", "at") == ["wien"]
    assert found_ids(cli, "--country", "FR") == ["vienne"]  # no country: FR
    assert found_ids(cli, "--country", "France") == ["vienne"]  # a name, as people type it
    assert found_ids(cli, "--country", "Autriche") == ["wien"]
    error = cli("find", "--country", "Atlantis", code=2)
    assert "unknown country" in one_error_line(error.stderr) and "'Atlantis'" in error.stderr


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("café", "cafe"),
        ("pépinière", "pepiniere"),
        ("espace de coworking", "coworking"),
        ("hall d'hôtel", "hotel-lobby"),
        ("bibliothèque", "library"),
        ("CENTRE D'AFFAIRES", "business-centre"),
    ],
)
def test_kind_takes_keys_and_french_aliases(
    cli: Cli, catalogue_path: Path, typed: str, expected: str
) -> None:
    write_records(
        catalogue_path,
        spot("cafe", kind="cafe"),
        spot("pepiniere", kind="pepiniere"),
        spot("coworking", kind="coworking"),
        spot("hotel-lobby", kind="hotel_lobby"),
        spot("library", kind="library"),
        spot("business-centre", kind="business_centre"),
    )
    assert found_ids(cli, "--kind", typed) == [expected]


def test_kind_is_repeatable_and_checked(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("cafe"),
        spot("library", kind="library"),
        spot("cowork", kind="coworking"),
    )
    assert sorted(found_ids(cli, "--kind", "cafe", "--kind", "médiathèque")) == ["cafe", "library"]
    data = find_json(cli, "--kind", "cafe")
    assert data["excluded"]["by_reason"] == {"not a cafe": 2}
    error = cli("find", "--kind", "spaceship", code=2)
    assert "unknown kind 'spaceship'" in one_error_line(error.stderr)
    assert error.stdout == ""


# --- required amenities, wishes, strictness ------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "key"),
    [
        (["--wifi"], "wifi"),
        (["--power"], "power"),
        (["--meeting-room"], "meeting_room"),
        (["--quiet"], "quiet"),
        (["--need", "projector"], "projector"),
        (["--need", "prises"], "power"),
        (["--need", "salle de réunion"], "meeting_room"),
    ],
)
def test_required_amenity_known_missing_is_excluded_unknown_ranks_below(
    cli: Cli, catalogue_path: Path, flags: list[str], key: str
) -> None:
    # Named so that a tie by name would put the unknown one first.
    write_records(
        catalogue_path,
        spot("a-unknown", "A unknown"),
        spot("b-lacks", "B lacks", amenities={key: False}),
        spot("z-has", "Z has", amenities={key: True}),
    )
    data = find_json(cli, *flags, "--people", "1")
    assert data["query"]["needs"] == [key]
    assert [result["id"] for result in data["results"]] == ["z-has", "a-unknown"]
    has, unknown = data["results"]
    assert has["matched"] == [key] and has["unknown"] == []
    assert unknown["matched"] == [] and unknown["unknown"] == [key]
    assert f"{key.replace('_', ' ')} unknown" in unknown["reasons"]
    assert has["score"] > unknown["score"]
    assert counts(data) == {"count": 1, "by_reason": {f"no {key.replace('_', ' ')}": 1}}
    # --strict: the unknown goes too.
    strict = find_json(cli, *flags, "--people", "1", "--strict")
    assert [result["id"] for result in strict["results"]] == ["z-has"]
    assert strict["query"]["strict"] is True
    assert strict["excluded"]["by_reason"] == {
        f"no {key.replace('_', ' ')}": 1,
        f"{key.replace('_', ' ')} unknown (--strict)": 1,
    }


def test_fewer_unknown_requirements_rank_higher_whatever_else(
    cli: Cli, catalogue_path: Path
) -> None:
    # One unknown need ranks below none, even with a 5-star rating and fast wifi.
    write_records(
        catalogue_path,
        spot(
            "loved",
            "Loved",
            amenities={"wifi": True},
            wifi_mbps=200.0,
            seats=4,
        ),
        spot("plain", "Plain", amenities={"wifi": True, "power": True}, seats=4),
        spot("neither", "Neither", seats=4),
    )
    assert found_ids(cli, "--wifi", "--power") == ["plain", "loved", "neither"]


def test_prefer_raises_but_never_excludes(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("a-lacks", "A lacks", amenities={"outdoor": False}),
        spot("b-unknown", "B unknown"),
        spot("c-has", "C has", amenities={"outdoor": True}),
    )
    # Without the wish: a tie, by name.
    assert found_ids(cli) == ["a-lacks", "b-unknown", "c-has"]
    data = find_json(cli, "--prefer", "terrasse")
    assert data["query"]["prefer"] == ["outdoor"] and data["query"]["needs"] == []
    assert [result["id"] for result in data["results"]] == ["c-has", "b-unknown", "a-lacks"]
    assert data["excluded"]["count"] == 0
    by_id = results_by_id(data)
    assert "has outdoor (preferred)" in by_id["c-has"]["reasons"]
    assert "no outdoor (preferred)" in by_id["a-lacks"]["reasons"]
    assert "outdoor unknown (preferred)" in by_id["b-unknown"]["reasons"]


@pytest.mark.parametrize(
    ("args", "unknown", "reason"),
    [
        (["--at", "tue 10:00", "--people", "1"], "hours", "hours unknown (--strict)"),
        (["--people", "3"], "seats", "seats unknown (--strict)"),
        (["--budget", "100", "--people", "1"], "price", "price unknown (--strict)"),
        (["--near", "45.52,4.87", "--people", "1"], "distance", "distance unknown (--strict)"),
        (
            ["--meeting-room", "--people", "3"],
            "meeting_room_seats",
            "meeting room seats unknown (--strict)",
        ),
    ],
)
def test_strict_excludes_every_kind_of_unknown(
    cli: Cli, catalogue_path: Path, args: list[str], unknown: str, reason: str
) -> None:
    known = spot(
        "known",
        "Known",
        lat=45.52,
        lon=4.87,
        opening_hours=CAFE_HOURS,
        seats=10,
        meeting_room_seats=10,
        amenities={"meeting_room": True},
        price={"hour": 2, "room_hour": 10},
    )
    vague = {key: value for key, value in known.items() if key not in _FIELDS_OF[unknown]}
    vague.update(id="vague", name="Vague", city=NO_TOWN)
    write_records(catalogue_path, known, vague)
    loose = find_json(cli, *args)
    assert [result["id"] for result in loose["results"]] == ["known", "vague"]
    assert unknown in results_by_id(loose)["vague"]["unknown"]
    assert results_by_id(loose)["known"]["unknown"] == []
    strict = find_json(cli, *args, "--strict")
    assert [result["id"] for result in strict["results"]] == ["known"]
    assert strict["excluded"]["by_reason"] == {reason: 1}


_FIELDS_OF = {
    "hours": ("opening_hours",),
    "seats": ("seats",),
    "price": ("price",),
    "distance": ("lat", "lon"),
    "meeting_room_seats": ("meeting_room_seats",),
}


# --- when ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "start"),
    [
        ("2026-11-25 10:00", "2026-11-25T10:00:00"),
        ("2026-11-25T10:00", "2026-11-25T10:00:00"),
        ("2026-11-25T10:00:00", "2026-11-25T10:00:00"),
        ("2026-11-25T10:00:00+01:00", "2026-11-25T10:00:00+01:00"),  # an instant
        ("10:00", "2026-11-23T10:00:00"),
        ("10h", "2026-11-23T10:00:00"),
        ("10h30", "2026-11-23T10:30:00"),
        ("now", "2026-11-23T09:00:00"),
        ("today 14:00", "2026-11-23T14:00:00"),
        ("tomorrow 9h", "2026-11-24T09:00:00"),
        ("tue 14:00", "2026-11-24T14:00:00"),
        ("Tuesday 14:00", "2026-11-24T14:00:00"),
        ("mardi 14h", "2026-11-24T14:00:00"),
        ("demain 9h", "2026-11-24T09:00:00"),
        ("dimanche 10h", "2026-11-29T10:00:00"),
        ("lundi 8h", "2026-11-30T08:00:00"),  # this Monday 08:00 has passed: next week's
        ("lundi 10h", "2026-11-23T10:00:00"),
    ],
)
def test_at_takes_every_documented_form(
    cli: Cli, catalogue_path: Path, when: str, start: str
) -> None:
    write_records(catalogue_path, spot("anywhere"))  # unknown hours: kept at any time
    query = find_json(cli, "--at", when)["query"]
    end = f"{start[:11]}{int(start[11:13]) + 1:02d}{start[13:]}"
    if when == "now":  # an instant: NOMADSPOT_NOW's offset
        start, end = f"{start}+01:00", f"{end}+01:00"
    assert (query["start"], query["end"]) == (start, end)


@pytest.mark.parametrize(
    ("duration", "minutes"), [("90m", 90), ("1h30", 90), ("2h", 120), ("1:30", 90)]
)
def test_for_takes_every_documented_form(
    cli: Cli, catalogue_path: Path, duration: str, minutes: int
) -> None:
    write_records(catalogue_path, spot("anywhere"))
    query = find_json(cli, "--at", "2026-11-25 10:00", "--for", duration)["query"]
    end = f"2026-11-25T{10 + minutes // 60:02d}:{minutes % 60:02d}:00"
    assert (query["start"], query["end"]) == ("2026-11-25T10:00:00", end)


def test_duration_alone_sets_no_window_but_counts_for_the_cost(
    cli: Cli, catalogue_path: Path
) -> None:
    write_records(catalogue_path, spot("cafe", price={"hour": 3}))
    data = find_json(cli, "--for", "2h")
    assert (data["query"]["start"], data["query"]["end"]) == (None, None)
    assert data["results"][0]["cost"] == 12.0  # 3 x 2 h x 2 people
    assert data["results"][0]["open"] is None


def test_open_now_is_at_now(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("early", "Early", opening_hours="Mo-Fr 08:00-18:00"),
        spot("late", "Late", opening_hours="Mo-Fr 11:00-18:00"),
    )
    now = find_json(cli, "--open-now")
    assert now["query"]["start"] == "2026-11-23T09:00:00+01:00"  # an instant
    assert now["query"]["end"] == "2026-11-23T10:00:00+01:00"
    assert [result["id"] for result in now["results"]] == ["early"]
    assert now == find_json(cli, "--at", "now")
    error = cli("find", "--open-now", "--at", "10h", code=2)
    assert "--open-now and --at" in one_error_line(error.stderr)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--at", "nope"], "cannot read 'nope' as a meeting time"),
        (["--at", "2026-13-45 10:00"], "cannot read '2026-13-45 10:00' as a meeting time"),
        (["--at", "25:00"], "cannot read '25:00' as a meeting time"),
        (["--at", "tomorrow"], "it needs a time of day too"),
        (["--at", "mardi"], "it needs a time of day too"),
        (["--at", "2026-11-25"], "it needs a time of day too"),
        (["--for", "45"], "minutes or hours?"),
        (["--for", "0m"], "more than zero"),
        (["--for", "8d"], "more than 7 days"),
        (["--for", "soon"], "cannot read 'soon' as a duration"),
    ],
)
def test_bad_when_or_duration_is_exit_2_with_the_accepted_forms(
    cli: Cli, catalogue_path: Path, args: list[str], expected: str
) -> None:
    write_records(catalogue_path, spot("anywhere"))
    result = cli("find", *args, code=2)
    assert result.stdout == ""
    line = one_error_line(result.stderr)
    assert expected in line
    if args[0] == "--at":
        for form in ("'2026-11-25 10:00'", "'10h30'", "'tue 14:00'", "'mardi 14h'", "'now'"):
            assert form in line
    else:
        for form in ("'90m'", "'1h30'", "'2h'", "'1:30'"):
            assert form in line


def test_a_window_at_the_end_of_time(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, spot("anywhere"))
    query = find_json(cli, "--at", "9999-12-31 22:00")["query"]
    assert query["end"] == "9999-12-31T23:00:00"
    result = cli("find", "--at", "9999-12-31 23:30", "--format", "json", code=2)
    assert "after the year 9999" in one_error_line(result.stderr)
    assert result.stdout == ""


def test_public_holidays_of_the_places_country_close_it(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("cafe-fr", "Café", opening_hours=CAFE_HOURS),
        spot("kaffee-at", "Kaffee", city="Wien", country="AT", opening_hours=CAFE_HOURS),
    )
    result = cli("find", "--at", "2026-12-25 10:00", "--format", "json", code=1)
    assert json.loads(result.stdout)["results"] == []  # the exclusions are still printed
    assert "2 of 2 excluded as 'closed during the meeting'" in result.stderr
    # 26 December: a working Saturday in France, Stefanitag in Austria.
    boxing_day = find_json(cli, "--at", "2026-12-26 10:00")
    assert [result["id"] for result in boxing_day["results"]] == ["cafe-fr"]
    assert boxing_day["results"][0]["open"] is True
    assert boxing_day["excluded"]["by_reason"] == {"closed during the meeting": 1}
    # 8 May: Victoire 1945 in France only.
    assert found_ids(cli, "--at", "2026-05-08 10:00") == ["kaffee-at"]


@pytest.mark.parametrize(
    ("when", "duration", "kept"),
    [
        ("17:00", "1h", True),  # ends as it closes
        ("17:30", "1h", False),  # runs past closing
        ("17:00", "2h", False),
        ("07:30", "1h", False),  # starts before opening
        ("08:00", "10h", True),
        ("dimanche 12h", "1h", True),
    ],
)
def test_the_whole_window_must_be_open(
    cli: Cli, catalogue_path: Path, when: str, duration: str, kept: bool
) -> None:
    write_records(catalogue_path, spot("cafe", opening_hours=CAFE_HOURS), spot("unknown"))
    data = find_json(cli, "--at", when, "--for", duration)
    by_id = results_by_id(data)
    assert ("cafe" in by_id) is kept
    assert by_id["unknown"]["open"] is None and "hours" in by_id["unknown"]["unknown"]
    if kept:
        assert by_id["cafe"]["open"] is True
        assert data["results"][0]["id"] == "cafe"  # open ranks above unknown hours
    else:
        assert data["excluded"]["by_reason"] == {"closed during the meeting": 1}


def test_closing_margin_is_explained(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, spot("cafe", opening_hours=CAFE_HOURS))
    reasons = find_json(cli, "--at", "17:00")["results"][0]["reasons"]
    assert "closes at 18:00, as the meeting ends" in reasons
    reasons = find_json(cli, "--at", "10:00")["results"][0]["reasons"]
    assert "open until 18:00 (7 h after the meeting)" in reasons


def test_unknown_or_unreadable_hours_stay_marked(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("raw", "Raw", opening_hours_raw="8h-18h sauf lundi"),
        spot("none", "None"),
        spot("open", "Open", opening_hours=CAFE_HOURS),
    )
    data = find_json(cli, "--at", "tue 10:00", "--people", "1")
    assert [result["id"] for result in data["results"]] == ["open", "none", "raw"]
    by_id = results_by_id(data)
    for key in ("raw", "none"):
        assert by_id[key]["open"] is None and by_id[key]["unknown"] == ["hours"]
    assert any("8h-18h sauf lundi" in reason for reason in by_id["raw"]["reasons"])
    table = cli("find", "--at", "tue 10:00", "--people", "1", "--format", "table").stdout
    assert "08:00–18:00" in table
    none_row = next(line for line in table.splitlines() if " None " in line)
    assert " ? " in none_row  # the open column: unknown


# --- people, budget, distance --------------------------------------------------------------


def test_people_against_seats(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("a-unknown", "A unknown"),
        spot("small", "Small", seats=3),
        spot("exact", "Exact", seats=4),
    )
    data = find_json(cli, "--people", "4")
    by_id = results_by_id(data)
    assert set(by_id) == {"exact", "a-unknown"}
    # Unknown seats stay, listed; they are not a requirement band (see the README).
    assert by_id["a-unknown"]["unknown"] == ["seats"] and by_id["exact"]["unknown"] == []
    assert "4 seats" in by_id["exact"]["reasons"]
    assert "seats unknown" in by_id["a-unknown"]["reasons"]
    assert data["excluded"]["by_reason"] == {"too small for 4": 1}
    # A party of one never asks about seats.
    one = find_json(cli, "--people", "1")
    assert len(one["results"]) == 3 and all(r["unknown"] == [] for r in one["results"])
    assert cli("find", "--people", "0", code=2).stdout == ""


def test_people_against_meeting_room_seats_with_meeting_room(
    cli: Cli, catalogue_path: Path
) -> None:
    room = {"amenities": {"meeting_room": True}, "seats": 30, "kind": "coworking"}
    write_records(
        catalogue_path,
        spot("a-unknown-size", "A unknown size", **room),
        spot("small-room", "Small room", meeting_room_seats=3, **room),
        spot("room", "Room", meeting_room_seats=6, **room),
    )
    data = find_json(cli, "--meeting-room", "--people", "4")
    by_id = results_by_id(data)
    assert set(by_id) == {"room", "a-unknown-size"}
    assert by_id["a-unknown-size"]["unknown"] == ["meeting_room_seats"]
    assert by_id["room"]["unknown"] == []
    assert "meeting room for 6" in by_id["room"]["reasons"]
    assert data["excluded"]["by_reason"] == {"meeting room too small for 4": 1}
    # Without --meeting-room, the room's size does not matter.
    assert len(find_json(cli, "--people", "4")["results"]) == 3


def test_cost_rule(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("hourly", price={"hour": 3}),
        spot("capped", price={"hour": 10, "day": 25}),
        spot("daily", price={"day": 12}),
        spot("room", price={"hour": 1, "room_hour": 20}, amenities={"meeting_room": True}),
        spot("free", price={"hour": 0}),
        spot("unpriced"),
    )
    costs = {r["id"]: r["cost"] for r in find_json(cli, "--people", "3", "--for", "2h")["results"]}
    # Per person min(hour x hours, day) x people.
    assert costs == {
        "hourly": 18.0,
        "capped": 60.0,
        "daily": 36.0,
        "room": 6.0,
        "free": 0.0,
        "unpriced": None,
    }
    costs = {r["id"]: r["cost"] for r in find_json(cli, "--people", "3", "--for", "3h")["results"]}
    assert costs["capped"] == 75.0  # min(30, 25) x 3
    assert costs["hourly"] == 27.0
    # With a meeting room required: room_hour x hours, whatever the party.
    data = find_json(cli, "--people", "3", "--for", "1h30", "--meeting-room")
    costs = {r["id"]: r["cost"] for r in data["results"]}
    assert costs["room"] == 30.0
    assert costs["hourly"] is None  # no room price: unknown


def test_budget_excludes_only_known_costs_above_it(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("cheap", "Cheap", price={"hour": 3}),
        spot("exact", "Exact", price={"hour": 10, "day": 30}),
        spot("dear", "Dear", price={"hour": 15, "day": 25}),
        spot("a-unpriced", "A unpriced"),
    )
    data = find_json(cli, "--budget", "20", "--for", "2h", "--people", "1")
    assert data["query"]["budget"] == 20.0
    by_id = results_by_id(data)
    assert set(by_id) == {"cheap", "exact", "a-unpriced"}
    assert (by_id["cheap"]["cost"], by_id["exact"]["cost"]) == (6.0, 20.0)  # at the budget
    assert by_id["a-unpriced"]["unknown"] == ["price"]
    assert "price unknown" in by_id["a-unpriced"]["reasons"]
    assert data["excluded"]["by_reason"] == {"over budget": 1}
    assert "exact" not in found_ids(cli, "--budget", "19.99", "--for", "2h", "--people", "1")
    # "dear": min(15 x 2, 25) = 25.
    assert "dear" in found_ids(cli, "--budget", "25", "--for", "2h", "--people", "1")
    assert cli("find", "--budget", "-1", code=2).stdout == ""


def test_radius_drops_places_too_far_from_any_participant(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("near", "Near", lat=45.0, lon=5.0),
        spot("mid", "Mid", lat=45.1, lon=5.0),
        spot("far", "Far", lat=45.5, lon=5.0),
        spot("nowhere", "Nowhere", city=NO_TOWN),
    )
    data = find_json(cli, "--near", "45.0,5.0", "--radius", "15")
    assert [result["id"] for result in data["results"]] == ["near", "mid", "nowhere"]
    assert results_by_id(data)["nowhere"]["unknown"] == ["seats", "distance"]
    assert data["excluded"]["by_reason"] == {"farther than 15 km": 1}
    # Two participants: the farther one counts.
    both = find_json(cli, "--near", "45.0,5.0", "--near", "45.2,5.0", "--radius", "15")
    assert [result["id"] for result in both["results"]] == ["mid", "nowhere"]
    error = cli("find", "--radius", "15", code=2)
    assert "--radius needs at least one --near" in one_error_line(error.stderr)
    for bad in ("0", "-3", "nan"):
        error = cli("find", "--near", "45,5", "--radius", bad, code=2)
        assert "--radius must be a positive number" in one_error_line(error.stderr)


# --- participants --------------------------------------------------------------------------


def test_near_coordinates_give_distances(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, spot("here", lat=45.0, lon=5.0), spot("there", lat=45.1, lon=5.0))
    data = find_json(cli, "--near", "45.0, 5.0")
    assert data["query"]["near"] == [{"label": "45.0, 5.0", "lat": 45.0, "lon": 5.0}]
    distances = {r["id"]: r["distance_km"] for r in data["results"]}
    assert distances == {"here": 0.0, "there": 11.1}
    assert [result["id"] for result in data["results"]] == ["here", "there"]
    assert "11.1 km away" in results_by_id(data)["there"]["reasons"]
    error = cli("find", "--near", "95,3", code=2)
    assert "latitude must be within" in one_error_line(error.stderr)


def test_several_participants_the_fairest_place_wins(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("alpha", "Alpha", lat=45.01, lon=5.0),  # next door to A, 15.6 km from B
        spot("zenith", "Zénith", lat=45.1, lon=5.0),  # 11 km from each
    )
    alone = find_json(cli, "--near", "45.0,5.0")
    assert [result["id"] for result in alone["results"]] == ["alpha", "zenith"]
    both = find_json(cli, "--near", "45.0,5.0", "--near", "45.15,5.0")
    assert [result["id"] for result in both["results"]] == ["zenith", "alpha"]
    by_id = results_by_id(both)
    assert by_id["zenith"]["distance_km"] == 11.1  # the farthest participant's distance
    assert by_id["alpha"]["distance_km"] == 15.6
    assert by_id["alpha"]["distances_km"] == [1.1, 15.6]
    # B farther away: Alpha, 21.1 km for B against 11.1 for Zénith, is out of the way.
    farther = find_json(cli, "--near", "45.0,5.0", "--near", "45.2,5.0")
    assert [result["id"] for result in farther["results"]] == ["zenith"]
    assert farther["excluded"]["by_reason"] == {"out of the way": 1}
    # --objective total: everyone's distance added up (Alpha 1.1 + 15.6, Zénith 11.1 + 5.6).
    total = find_json(cli, "--near", "45.0,5.0", "--near", "45.15,5.0", "--objective", "total")
    assert results_by_id(total)["alpha"]["distance_km"] == 16.7
    assert total["query"]["objective"] == "total"
    assert "11.1 km for the farthest participant" in by_id["zenith"]["reasons"]
    assert len(both["query"]["near"]) == 2


def test_near_a_place_of_the_catalogue(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("pepiniere-vienne", "La Pépinière", lat=45.0, lon=5.0, kind="pepiniere"),
        spot("other", "Other", lat=45.1, lon=5.0),
        spot("cafe-lyon", "Le Comptoir", city="Lyon", lat=45.2, lon=5.0),
        spot("cafe-vienne", "Le Comptoir", lat=45.3, lon=5.0),
        spot("vague", "Vague"),
    )
    for ref in ("pepiniere-vienne", "la pepiniere", "LA PÉPINIÈRE", "pepiniere-v"):
        data = find_json(cli, "--near", ref)
        assert data["query"]["near"] == [{"label": "La Pépinière", "lat": 45.0, "lon": 5.0}], ref
        assert results_by_id(data)["other"]["distance_km"] == 11.1
    ambiguous = cli("find", "--near", "le comptoir", code=2)
    line = one_error_line(ambiguous.stderr)
    assert "matches 2 places" in line and "cafe-lyon" in line and "cafe-vienne" in line
    assert ambiguous.stdout == ""
    assert results_by_id(find_json(cli, "--near", "cafe-lyon"))["other"]["distance_km"] == 11.1
    no_coords = cli("find", "--near", "vague", code=2)
    assert "Vague has no coordinates" in one_error_line(no_coords.stderr)


def test_near_a_town_of_the_gazetteer(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, spot("vienne", "Café", lat=45.5257, lon=4.8748), spot("nowhere"))
    bare = cli("find", "--near", "Vienne", "--format", "json")
    near = json.loads(bare.stdout)["query"]["near"]
    assert near[0]["label"] == "Vienne, FR"
    assert math.isclose(near[0]["lat"], 45.5257, abs_tol=0.01)
    assert math.isclose(near[0]["lon"], 4.8748, abs_tol=0.01)
    # Ambiguous: the default country's town, said on stderr with the others.
    assert "note: --near 'Vienne': using Vienne, FR" in bare.stderr
    assert "Vienna, AT" in bare.stderr
    assert "Error" not in bare.stderr
    assert json.loads(bare.stdout)["results"][0]["distance_km"] == 0.0
    # ", CC" chooses, and says nothing.
    austria = cli("find", "--near", "Vienne, AT", "--format", "json")
    vienna = json.loads(austria.stdout)["query"]["near"][0]
    assert vienna["label"].endswith(", AT") and math.isclose(vienna["lat"], 48.2, abs_tol=0.1)
    assert austria.stderr == ""
    chosen = cli("find", "--near", "vienne, fr", "--format", "json")
    assert json.loads(chosen.stdout)["query"]["near"][0]["label"] == "Vienne, FR"
    assert chosen.stderr == ""
    # --country is the default country for bare names.
    write_records(
        catalogue_path, spot("wien", "Kaffee", city="Wien", country="AT", lat=48.21, lon=16.37)
    )
    data = find_json(cli, "--near", "Vienne", "--country", "AT")
    assert data["query"]["near"][0]["label"] == vienna["label"]
    assert data["results"][0]["distance_km"] < 1


def test_an_unknown_town_is_exit_2(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, spot("vienne"))
    result = cli("find", "--near", "Zzyzxqville", code=2)
    assert result.stdout == ""
    assert "unknown place or city: 'Zzyzxqville'" in one_error_line(result.stderr)
    assert "LAT,LON" in result.stderr  # the hint says what else works
    result = cli("find", "--near", "Vienne, ZZ", code=2)
    assert "'ZZ' is not a country code" in one_error_line(result.stderr)


# --- output --------------------------------------------------------------------------------


def three_places(path: Path) -> None:
    write_records(
        path,
        spot("b-open", "B open", opening_hours=CAFE_HOURS, seats=5, amenities={"wifi": True}),
        spot("a-unknown", "A unknown", seats=5),
        spot("c-closed", "C closed", opening_hours="Mo-Fr 12:00-14:00", amenities={"wifi": True}),
        spot("d-nowifi", "D no wifi", amenities={"wifi": False}),
    )


def test_limit_keeps_the_best_and_the_exclusions(cli: Cli, catalogue_path: Path) -> None:
    three_places(catalogue_path)
    full = find_json(cli, "--wifi", "--at", "tue 10:00")
    limited = find_json(cli, "--wifi", "--at", "tue 10:00", "--limit", "1")
    assert limited["results"] == full["results"][:1]
    assert limited["results"][0]["rank"] == 1
    assert (
        counts(limited)
        == counts(full)
        == {
            "count": 2,
            "by_reason": {"closed during the meeting": 1, "no wifi": 1},
        }
    )
    assert found_ids(cli, "--wifi", "--limit", "5") == ["b-open", "c-closed", "a-unknown"]
    assert cli("find", "--limit", "0", code=2).stdout == ""


def test_explain_shows_reasons_and_exclusions(cli: Cli, catalogue_path: Path) -> None:
    three_places(catalogue_path)
    plain = cli("find", "--wifi", "--at", "tue 10:00", "--format", "table").stdout
    assert "wifi confirmed" not in plain and "excluded" not in plain
    table = cli("find", "--wifi", "--at", "tue 10:00", "--explain", "--format", "table").stdout
    assert "1. B open" in table and "2. A unknown" in table
    assert "· wifi confirmed" in table
    assert "· open until 18:00 (7 h after the meeting)" in table
    assert "· wifi unknown" in table and "· hours unknown" in table
    assert "excluded: 2" in table
    lines = [" ".join(line.split()) for line in table.splitlines()]
    assert "1 closed during the meeting" in lines and "1 no wifi" in lines


def test_every_format(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot(
            "cafe",
            'Café, "Le"',
            city=NO_TOWN,
            opening_hours=CAFE_HOURS,
            seats=4,
            price={"hour": 2},
        ),
        spot("tab", "Tab\there", amenities={"wifi": True}, lat=45.1, lon=5.0),
    )
    args = ("--at", "tue 10:00", "--near", "45.0,5.0")
    ids = cli("find", *args, "--format", "ids").stdout
    assert ids == "tab\ncafe\n"  # near means near: the café with no known place comes last
    tsv = cli("find", *args, "--format", "tsv").stdout.splitlines()
    assert tsv[0].split("\t") == RESULT_COLUMNS
    second = dict(zip(RESULT_COLUMNS, tsv[2].split("\t"), strict=True))
    assert second == {
        "rank": "2",
        "id": "cafe",
        "name": 'Café, "Le"',
        "kind": "cafe",
        "city": NO_TOWN,
        "country": "FR",
        "score": second["score"],
        "distance_km": "",
        "open": "true",
        "window": "open 08:00–18:00",
        "cost": "4.0",
        "matched": "",
        "unknown": "distance",
    }
    assert 0 < float(second["score"]) <= 1
    first = dict(zip(RESULT_COLUMNS, tsv[1].split("\t"), strict=True))
    assert first["name"] == "Tab\\there"
    assert first["distance_km"] == "11.1" and first["unknown"] == "hours;seats"
    csv_lines = cli("find", *args, "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == ",".join(RESULT_COLUMNS)
    assert csv_lines[2].startswith(f'2,cafe,"Café, ""Le""",cafe,{NO_TOWN},FR,')
    table = cli("find", *args, "--format", "table").stdout
    assert 'Café, "Le"' in table and "11.1 km" in table and "\x1b" not in table
    error = cli("find", "--format", "yaml", code=2)
    assert "unknown format 'yaml'" in one_error_line(error.stderr)


def test_names_are_text_not_markup_in_the_table(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, spot("markup", "[bold]Loud[/bold]"))
    table = cli("find", "--format", "table", "--explain").stdout
    assert "[bold]Loud[/bold]" in table


# --- no result -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["ids", "tsv", "csv", "json", "table"])
def test_no_result_is_exit_1_naming_the_main_obstacle(
    cli: Cli, catalogue_path: Path, fmt: str
) -> None:
    write_records(
        catalogue_path,
        spot("closed-1", opening_hours="Mo-Fr 12:00-14:00"),
        spot("closed-2", opening_hours="Sa 10:00-12:00"),
        spot("no-wifi", opening_hours=CAFE_HOURS, amenities={"wifi": False}),
    )
    result = cli("find", "--wifi", "--at", "tue 10:00", "--format", fmt, code=1)
    if fmt == "json":  # JSON still says what was excluded, and the near misses
        data = json.loads(result.stdout)
        assert data["results"] == [] and data["excluded"]["count"] == 3
        assert data["excluded"]["near_misses"][0] == {
            "id": "no-wifi",
            "name": "No Wifi",
            "reason": "no wifi",
        }
    else:
        assert result.stdout == ""  # as 'list': no header
    line = one_error_line(result.stderr)
    assert "2 of 3 excluded as 'closed during the meeting'" in line
    assert "hint: " in result.stderr


def test_no_result_in_an_empty_catalogue(cli: Cli, catalogue_path: Path) -> None:
    cli("init")
    result = cli("find", code=1)
    assert "the catalogue has no places yet" in one_error_line(result.stderr)
    assert result.stdout == ""


def test_no_result_counts_the_first_reason_of_each_place(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("lyon-1", city="Lyon"),
        spot("lyon-2", city="Lyon", kind="library"),
        spot("small", seats=1),
    )
    result = cli("find", "--city", "Vienne", "--people", "3", code=1)
    # The city is scope, not the obstacle: among the places in Vienne, the seats.
    assert "1 of 1 excluded as 'too small for 3'" in result.stderr
    elsewhere = cli("find", "--city", "Lyon", "--kind", "coworking", code=1)
    assert "no place in scope: of 3, 2 not a coworking, 1 not in Lyon" in elsewhere.stderr


# --- config, visits --------------------------------------------------------------------------


def test_config_defaults_apply_and_flags_override(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("vienne", seats=6, amenities={"wifi": True, "power": True}, price={"hour": 2}),
        spot("vienne-small", seats=3, amenities={"wifi": True}),
        spot("vienne-nowifi", seats=10, amenities={"wifi": False}),
        spot("lyon", city="Lyon", seats=10, amenities={"wifi": True}),
    )
    write_config(
        config_path(),
        '[defaults]\ncity = "Vienne"\npeople = 5\nduration = "1h30"\nneeds = ["wi-fi"]\n',
    )
    data = find_json(cli, "--at", "tue 10:00")
    query = data["query"]
    assert (query["city"], query["people"], query["needs"]) == ("Vienne", 5, ["wifi"])
    assert (query["start"], query["end"]) == ("2026-11-24T10:00:00", "2026-11-24T11:30:00")
    assert [result["id"] for result in data["results"]] == ["vienne"]
    assert data["results"][0]["cost"] == 15.0  # 2 x 1.5 h x 5 people
    assert data["excluded"]["by_reason"] == {
        "no wifi": 1,
        "not in Vienne": 1,
        "too small for 5": 1,
    }
    # Flags win; required amenities add to the config's.
    data = find_json(
        cli, "--city", "Lyon", "--people", "2", "--for", "2h", "--at", "tue 10:00", "--power"
    )
    query = data["query"]
    assert (query["city"], query["people"], query["needs"]) == ("Lyon", 2, ["wifi", "power"])
    assert query["end"] == "2026-11-24T12:00:00"
    assert [result["id"] for result in data["results"]] == ["lyon"]
    assert data["results"][0]["unknown"] == ["power", "hours"]


def test_config_country_and_format(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, spot("vienne"), spot("wien", city="Wien", country="AT"))
    write_config(config_path(), '[defaults]\ncountry = "at"\nformat = "ids"\n')
    assert cli("find").stdout == "wien\n"
    assert cli("find", "--country", "FR").stdout == "vienne\n"
    assert cli("find", "--format", "tsv").stdout.startswith("rank\tid\t")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('[defaults]\nduration = "45"\n', "[defaults] duration"),
        ('[defaults]\nneeds = ["teleporter"]\n', "[defaults] needs"),
        ('[defaults]\ncountry = "Atlantis"\n', "[defaults] country"),
        ("[weights]\nbogus = 1\n", "'bogus' is not a weight"),
        ("[weights]\nrating = -1\n", "[weights] rating must be a number from 0 to 1000"),
        ("[defaults]\npeople = 0\n", "people must be a whole number"),
    ],
)
def test_a_bad_config_is_exit_2_and_says_so(
    cli: Cli, catalogue_path: Path, config: str, expected: str
) -> None:
    write_records(catalogue_path, spot("vienne"))
    write_config(config_path(), config)
    result = cli("find", code=2)
    assert expected in one_error_line(result.stderr)
    assert result.stdout == ""


def test_config_weights_change_the_order(cli: Cli, catalogue_path: Path) -> None:
    write_records(
        catalogue_path,
        spot("a-close-plain", "A close plain", lat=45.0, lon=5.0),
        spot("b-far-terrace", "B far terrace", lat=45.1, lon=5.0, amenities={"outdoor": True}),
    )
    args = ("--near", "45.0,5.0", "--prefer", "outdoor")
    assert found_ids(cli, *args) == ["a-close-plain", "b-far-terrace"]
    write_config(config_path(), "[weights]\ndistance = 0\n")
    assert found_ids(cli, *args) == ["b-far-terrace", "a-close-plain"]
    write_config(config_path(), "[weights]\ndistance = 0\nprefer = 0\n")
    data = find_json(cli, *args)
    assert [result["id"] for result in data["results"]] == ["a-close-plain", "b-far-terrace"]
    assert data["results"][0]["score"] == data["results"][1]["score"]  # a tie, by name


def test_visits_raise_a_place(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, spot("a-plain", "A plain"), spot("z-loved", "Z loved"))
    assert found_ids(cli) == ["a-plain", "z-loved"]
    cli("visit", "z-loved", "--rating", "5", "--date", "2026-11-20")
    data = find_json(cli)
    assert [result["id"] for result in data["results"]] == ["z-loved", "a-plain"]
    assert "rated 5/5 over 1 visit" in data["results"][0]["reasons"]
    cli("visit", "z-loved", "--rating", "1", "--date", "2026-11-21")
    cli("visit", "z-loved", "--rating", "1", "--date", "2026-11-22")
    assert found_ids(cli) == ["a-plain", "z-loved"]  # now rated badly
    cli("visit", "a-plain", "--wifi-mbps", "80", "--date", "2026-11-22")
    data = find_json(cli)
    assert "wifi measured at 80 Mbps" in data["results"][0]["reasons"]


def test_places_added_with_the_cli_are_found(cli: Cli, catalogue_path: Path) -> None:
    new_id = cli(
        "add",
        "La Pépinière",
        "--kind",
        "pépinière",
        "--city",
        "Vienne",
        "--hours",
        "Mo-Fr 08:30-18:00; PH off",
        "--wifi",
        "--meeting-room",
        "--meeting-room-seats",
        "8",
        "--seats",
        "40",
        "--price-room-hour",
        "20",
    ).stdout.strip()
    cli("add", "Le Café", "--kind", "cafe", "--city", "Vienne", "--no-wifi")
    data = find_json(
        cli,
        "--city",
        "vienne",
        "--wifi",
        "--meeting-room",
        "--people",
        "4",
        "--at",
        "mardi 10h",
        "--for",
        "2h",
        "--budget",
        "40",
    )
    assert [result["id"] for result in data["results"]] == [new_id]
    result = data["results"][0]
    assert (result["open"], result["cost"], result["matched"]) == (
        True,
        40.0,
        ["wifi", "meeting_room"],
    )
    assert counts(data) == {"count": 1, "by_reason": {"no wifi": 1}}


# --- a real process ------------------------------------------------------------------------


def test_exit_codes_through_a_real_process(catalogue_path: Path) -> None:
    write_records(catalogue_path, spot("cafe", "Café", opening_hours=CAFE_HOURS))
    ok = run("find", "--format", "ids")
    assert (ok.returncode, ok.stdout) == (0, "cafe\n")
    none = run("find", "--at", "2026-12-25 10:00")
    assert (none.returncode, none.stdout) == (1, "")
    assert none.stderr.startswith("Error: no place fits")
    bad = run("find", "--at", "someday")
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr.startswith("Error: cannot read 'someday'")
    catalogue_path.write_text("version = 1\n[[place]]\nid = 3\n")
    broken = run("find")
    assert (broken.returncode, broken.stdout) == (3, "")
    for result in (ok, none, bad, broken):
        assert "Traceback" not in result.stderr


def test_piped_find_defaults_to_tsv_and_feeds_head(catalogue_path: Path) -> None:
    write_records(catalogue_path, *(spot(f"cafe-{n:02d}", f"Café {n:02d}") for n in range(40)))
    piped = run("find", "--city", "Vienne")
    lines = piped.stdout.splitlines()
    assert lines[0].split("\t") == RESULT_COLUMNS
    assert len(lines) == 41 and lines[1].split("\t")[:2] == ["1", "cafe-00"]
    assert "\x1b" not in piped.stdout
    script = (
        f"'{sys.executable}' -m nomadspot find --format ids | head -1; "
        'echo "status ${PIPESTATUS[0]}"'
    )
    result = run_shell(script)
    assert result.stdout.splitlines()[0] == "cafe-00"
    assert result.stdout.splitlines()[-1] in {"status 0", "status 141"}
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_the_new_facts_in_explain(cli: Cli, catalogue_path: Path) -> None:
    """Sockets order --power, old facts say when they were checked, closed places and
    time limits exclude with their reason (a time limit makes a near miss)."""
    cli("add", "Old Café", "--kind", "cafe", "--city", "Vienne", "--checked", "2023-05-02",
        "--sockets", "plenty")  # fmt: skip
    cli("add", "Fresh Café", "--kind", "cafe", "--city", "Vienne", "--checked", "2026-10-01",
        "--sockets", "limited")  # fmt: skip
    cli("add", "Quick Café", "--kind", "cafe", "--city", "Vienne", "--time-limit", "1h")
    cli("add", "Shut", "--kind", "cafe", "--city", "Vienne", "--status", "temporarily_closed")
    table = cli("find", "--power", "--for", "2h", "--explain", "--format", "table").stdout
    assert table.index("1. Old Café") < table.index("2. Fresh Café")
    assert "· plenty of sockets" in table and "· few sockets" in table
    assert "· last checked 2023" in table
    lines = [" ".join(line.split()) for line in table.splitlines()]
    assert "1 temporarily closed" in lines
    assert "Quick Café (Vienne): laptops welcome 1h, the meeting lasts 2h" in lines
    data = find_json(cli, "--power", "--for", "2h")
    assert data["excluded"]["near_misses"] == [
        {
            "id": "quick-cafe-vienne",
            "name": "Quick Café",
            "reason": "laptops welcome 1h, the meeting lasts 2h",
        }
    ]


def test_a_table_fits_80_columns_with_its_score(
    cli: Cli, catalogue_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_city = "Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson"
    write_records(
        catalogue_path,
        *(
            spot(
                f"place-{number:02d}",
                f"A rather long name for a coworking space, number {number}",
                kind="business_centre",
                city=long_city,
                lat=45.0 + number / 1000,
                lon=5.0,
                price={"hour": 3},
                amenities={"wifi": True},
            )
            for number in range(14)
        ),
    )
    monkeypatch.setenv("COLUMNS", "80")
    args = ("--near", "45.0,5.0", "--at", "tue 10:00", "--wifi", "--power", "--budget", "50")
    lines = cli("find", *args, "--format", "table").stdout.splitlines()
    header = lines[0].split()
    assert header[-1] == "score" and "cost" in header and "distance" in header
    assert all(len(line) <= 80 for line in lines)
    rows = lines[1:-1]
    assert len(rows) == 10  # a table shows 10 by default
    assert lines[-1] == "… 4 more (--limit)"
    assert all("…" in row and row.rstrip()[-4:].replace(".", "").isdigit() for row in rows)
    assert "6 EUR" in rows[0]  # the cost column: 3 EUR an hour for 2 people
    # The config's limit, and --limit, change how many; other formats print all.
    write_config(config_path(), "[defaults]\nlimit = 3\n")
    lines = cli("find", *args, "--format", "table").stdout.splitlines()
    assert len(lines) == 5 and lines[-1] == "… 11 more (--limit)"
    assert len(cli("find", *args, "--format", "ids").stdout.splitlines()) == 14
    write_config(config_path(), "[defaults]\nlimit = 0\n")
    bad = cli("find", code=2)
    assert "limit must be a whole number of at least 1" in one_error_line(bad.stderr)
