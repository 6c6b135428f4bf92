"""``nomadspot.find``: the library, without the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import nomadspot
from nomadspot.config import Config, load_config
from nomadspot.errors import NoResultError, UsageError
from nomadspot.finding import find, nothing_fits
from nomadspot.model import Participant
from nomadspot.vocabulary import Kind

from .record_support import write_records


def place(place_id: str, **fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": place_id,
        "name": place_id.replace("-", " ").title(),
        "kind": "cafe",
        "city": "Vienne",
    }
    return {**record, **fields}


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    return write_records(
        tmp_path / "catalogue.toml",
        place("pepiniere", kind="pepiniere", opening_hours="Mo-Fr 08:30-18:00; PH off"),
        place("wifi-cafe", amenities={"wifi": True}, lat=45.5257, lon=4.8748),
        place("no-wifi", amenities={"wifi": False}),
        place("lyon-cafe", city="Lyon", lat=45.764, lon=4.8357),
    )


def test_the_package_finds_as_the_readme_says(catalogue: Path) -> None:
    ranking = nomadspot.find(city="Vienne", needs=["wifi"], catalogue=catalogue)
    assert [result.id for result in ranking.results] == ["wifi-cafe", "pepiniere"]
    best = ranking.results[0]
    assert 0 <= best.score <= 1 and "wifi confirmed" in best.reasons
    assert best.place.name == "Wifi Cafe"
    assert ranking.results[1].likely == ("wifi",)  # a pépinière: wifi likely
    assert {e.place.id: e.reason for e in ranking.excluded} == {"no-wifi": "no wifi"}


def test_a_limit_makes_the_first_results_and_counts_the_rest(catalogue: Path) -> None:
    ranking = nomadspot.find(city="Vienne", needs=["wifi"], limit=1, catalogue=catalogue)
    assert [result.id for result in ranking.results] == ["wifi-cafe"]
    assert ranking.cut == 1
    assert ranking == nomadspot.find(city="Vienne", needs=["wifi"], catalogue=catalogue).truncated(
        1
    )


def test_texts_as_typed_or_typed_values_give_the_same_meeting(catalogue: Path) -> None:
    typed = find(
        city="vienne",
        kinds=["pépinière"],
        at="2026-11-24 10:00",
        duration="1h30",
        catalogue=str(catalogue),
    )
    values = find(
        city="vienne",
        kinds=[Kind.PEPINIERE],
        at=dt.datetime(2026, 11, 24, 10, 0),
        duration=dt.timedelta(minutes=90),
        catalogue=catalogue,
    )
    assert typed.meeting == values.meeting
    assert [r.id for r in typed.results] == [r.id for r in values.results] == ["pepiniere"]
    assert typed.results[0].open is True


def test_participants_as_towns_points_or_participants(catalogue: Path) -> None:
    for near in (["45.764,4.8357"], [(45.764, 4.8357)], [Participant("Lyon", 45.764, 4.8357)]):
        ranking = find(near=near, catalogue=catalogue)
        assert ranking.results[0].id == "lyon-cafe", near
        assert ranking.results[0].distances_km == (0.0,)


def test_a_place_without_coordinates_stands_at_its_town_centre(catalogue: Path) -> None:
    ranking = find(near=["45.764,4.8357"], kinds=["pepiniere"], catalogue=catalogue)
    pepiniere = ranking.results[0]
    assert pepiniere.distance_approx
    assert pepiniere.distance_km == pytest.approx(26.6, abs=0.5)  # Lyon to Vienne's centre
    # It no longer escapes --radius.
    near = find(near=["45.764,4.8357"], radius_km=5, kinds=["pepiniere"], catalogue=catalogue)
    assert near.results == ()
    assert near.excluded_by_reason() == {"farther than 5 km": 1, "not a pepiniere": 3}


def test_the_config_gives_defaults_and_weights(catalogue: Path, tmp_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text('[defaults]\ncity = "Lyon"\n[weights]\nfit = 2\n', encoding="utf-8")
    ranking = find(catalogue=catalogue, config=load_config(config_file))
    assert [r.id for r in ranking.results] == ["lyon-cafe"]
    assert ranking.meeting.city == "Lyon"
    empty = find(catalogue=catalogue, config=Config(tmp_path / "none.toml"))
    assert len(empty.results) == 4


def test_bad_input_raises_usage_errors(catalogue: Path) -> None:
    with pytest.raises(UsageError, match="--objective 'fairest'"):
        find(objective="fairest", catalogue=catalogue)
    with pytest.raises(UsageError, match="unknown kind"):
        find(kinds=["spaceship"], catalogue=catalogue)
    with pytest.raises(UsageError, match="cannot read"):
        find(at="someday", catalogue=catalogue)


def test_nothing_fits_is_a_ranking_with_no_results_and_a_reason(catalogue: Path) -> None:
    ranking = find(city="Vienne", needs=["quiet"], strict=True, catalogue=catalogue)
    assert ranking.results == ()
    error = nothing_fits(ranking)
    assert isinstance(error, NoResultError) and error.exit_code == 1
    assert "excluded as 'quiet unknown (--strict)'" in error.message


def test_a_city_with_no_place_proposes_the_nearest_or_a_spelling(catalogue: Path) -> None:
    misspelt = nothing_fits(find(city="Vienen", catalogue=catalogue))
    assert misspelt.message == "no place in Vienen"
    assert misspelt.hint == "did you mean 'Vienne'?"
    nearby = nothing_fits(find(city="Givors", catalogue=catalogue))
    assert nearby.message == "no place in Givors"
    assert nearby.hint is not None and nearby.hint.startswith("the nearest places that fit: ")
    assert "Wifi Cafe (Vienne, 11 km)" in nearby.hint  # Givors is 11 km from Vienne
    far = nothing_fits(find(city="Grenoble", catalogue=catalogue))  # 80 km and more away
    assert far.message == "no place in Grenoble"
    assert far.hint == "no place that fits within 50 km of Grenoble either"


def test_a_city_with_places_but_none_of_the_kind_is_not_a_city_with_no_place(
    catalogue: Path,
) -> None:
    error = nothing_fits(find(city="Vienne", kinds=["coworking"], catalogue=catalogue))
    assert error.message == "no place in scope: of 4, 3 not a coworking, 1 not in Vienne"
    assert error.hint is not None and "nearest places that fit" not in error.hint


def test_notes_go_where_the_caller_says(catalogue: Path) -> None:
    notes: list[str] = []
    find(near=["Vienne"], catalogue=catalogue, note=notes.append)
    assert any("using Vienne, FR" in note for note in notes)
