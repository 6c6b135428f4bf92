"""Likely duplicate places: same kind, similar name, a short walk apart."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nomadspot.duplicates import (
    RADIUS_M,
    SAME_NAME_RADIUS_M,
    describe,
    distance_m,
    duplicate_problems,
    involving,
    likely_duplicates,
    name_tokens,
    similar_names,
)
from nomadspot.model import Place
from nomadspot.vocabulary import Kind

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
# About 1 m of latitude, in degrees.
METRE = 1 / 111_195


def place(
    name: str, lat: float | None, lon: float | None, kind: Kind = Kind.COWORKING, id: str = ""
) -> Place:
    return Place(
        id=id or name.lower().replace(" ", "-"), name=name, kind=kind, city="X", lat=lat, lon=lon
    )


def pairs(places: list[Place]) -> set[tuple[str, str]]:
    return {(pair.first.name, pair.second.name) for pair in likely_duplicates(places)}


def test_names_fold_case_accents_and_articles() -> None:
    assert name_tokens("Le Troquet Numérique") == ("troquet", "numerique")
    assert name_tokens("L'Atelier") == ("atelier",)
    assert name_tokens("THE coffee") == ("coffee",)
    assert name_tokens("Le") == ("le",)  # a name of articles only keeps them


@pytest.mark.parametrize(
    ("first", "second", "similar"),
    [
        ("Troquet Numérique", "Le Troquet Numérique", True),
        ("Atti", "Atti café", True),
        ("La Cordée", "La Cordée à Morez", True),
        ("Troquet Numerique", "Troquet Numerik", True),
        ("Café", "Café Beaubourg", False),  # only a generic word in common
        ("Café de Flore", "Café de la Gare", False),
        ("Coworking Lyon", "Coworking Paris", False),
    ],
)
def test_similar_names(first: str, second: str, similar: bool) -> None:
    assert similar_names(name_tokens(first), name_tokens(second)) is similar


def test_distance_is_the_great_circle_distance() -> None:
    # Paris Notre-Dame to Lyon Bellecour: about 392 km
    assert distance_m(48.853, 2.3499, 45.7578, 4.832) == pytest.approx(392_000, rel=0.01)
    assert distance_m(45.0, 5.0, 45.0, 5.0) == 0


def test_the_census_troquets_are_one_place() -> None:
    troquets = [
        place("Troquet Numérique", 45.58481, 5.278505),
        place("Le Troquet Numérique", 45.588778, 5.27731),
    ]
    [pair] = likely_duplicates(troquets)
    assert (pair.first.name, pair.second.name) == ("Troquet Numérique", "Le Troquet Numérique")
    assert pair.distance_m == pytest.approx(451, abs=2)


def test_similar_names_must_be_under_100_m() -> None:
    base = 48.85
    near = [place("Atti", base, 2.35), place("Atti café", base + 90 * METRE, 2.35)]
    far = [place("Atti", base, 2.35), place("Atti café", base + 110 * METRE, 2.35)]
    assert pairs(near) == {("Atti", "Atti café")}
    assert pairs(far) == set()


def test_the_same_name_reaches_500_m_unless_a_chain_bears_it() -> None:
    two = [place("Dojo", 45.0, 5.0, id="a"), place("Dojo", 45.0 + 300 * METRE, 5.0, id="b")]
    assert len(likely_duplicates(two)) == 1
    chain = [
        place("Starbucks", 48.85 + step * 300 * METRE, 2.35, Kind.CAFE, id=f"s{step}")
        for step in range(3)
    ]
    assert likely_duplicates(chain) == []
    close = [*chain, place("Starbucks", 48.85 + 50 * METRE, 2.35, Kind.CAFE, id="s9")]
    assert [(p.first.id, p.second.id) for p in likely_duplicates(close)] == [("s0", "s9")]
    beyond = [place("Dojo", 45.0, 5.0, id="a"), place("Dojo", 45.0 + 520 * METRE, 5.0, id="b")]
    assert likely_duplicates(beyond) == []


def test_other_kinds_and_places_without_coordinates_are_never_paired() -> None:
    places = [
        place("La Ruche", 48.85, 2.35, Kind.COWORKING),
        place("La Ruche", 48.85, 2.35, Kind.CAFE, id="cafe"),
        place("La Ruche", None, None, Kind.COWORKING, id="nowhere"),
    ]
    assert likely_duplicates(places) == []


def test_pairs_come_in_catalogue_order() -> None:
    places = [
        place("B Lab", 45.0, 5.0, id="z"),
        place("B Lab", 45.0, 5.0 + 10 * METRE, id="a"),
    ]
    [pair] = likely_duplicates(places)
    assert (pair.first.id, pair.second.id) == ("z", "a")


def test_across_the_antimeridian_and_at_the_pole() -> None:
    assert (
        len(
            likely_duplicates(
                [
                    place("Kiosk One", -17.0, 179.9997, id="w"),
                    place("Kiosk One", -17.0, -179.9997, id="e"),
                ]
            )
        )
        == 1
    )
    assert (
        len(
            likely_duplicates(
                [place("Pole Hut", 89.9999, 0.0, id="w"), place("Pole Hut", 89.9999, 180.0, id="e")]
            )
        )
        == 1
    )


def test_involving_keeps_the_pairs_of_the_given_places() -> None:
    places = [
        place("Atti", 48.85, 2.35, Kind.CAFE, id="old"),
        place("Atti café", 48.85, 2.35, Kind.CAFE, id="new"),
        place("Dojo", 45.0, 5.0, id="d1"),
        place("Dojo", 45.0, 5.0, id="d2"),
    ]
    found = likely_duplicates(places)
    assert len(found) == 2
    assert [(p.first.id, p.second.id) for p in involving(found, {"new"})] == [("old", "new")]


NAMES = ["Le Troquet", "Atti", "Atti Café", "La Ruche", "Ruche", "Dojo", "Capsule", "Café"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(NAMES),
            st.sampled_from([Kind.CAFE, Kind.COWORKING]),
            st.floats(0, 0.012),
            st.floats(0, 0.012),
        ),
        max_size=40,
    ),
    st.sampled_from([(48.85, 2.35), (-33.9, 151.2), (69.6, 18.9), (0.0, 179.995)]),
)
def test_the_grid_finds_exactly_what_comparing_every_pair_finds(
    specs: list[tuple[str, Kind, float, float]], origin: tuple[float, float]
) -> None:
    places = [
        place(name, origin[0] + dlat, (origin[1] + dlon + 180) % 360 - 180, kind, id=f"p{n}")
        for n, (name, kind, dlat, dlon) in enumerate(specs)
    ]
    tokens = [name_tokens(p.name) for p in places]
    bearers = Counter((p.kind, t) for p, t in zip(places, tokens, strict=True))
    expected = set()
    for i, j in itertools.combinations(range(len(places)), 2):
        one, two = places[i], places[j]
        assert one.lat is not None and one.lon is not None
        assert two.lat is not None and two.lon is not None
        if one.kind != two.kind or not similar_names(tokens[i], tokens[j]):
            continue
        wide = tokens[i] == tokens[j] and bearers[one.kind, tokens[i]] == 2
        if distance_m(one.lat, one.lon, two.lat, two.lon) < (
            SAME_NAME_RADIUS_M if wide else RADIUS_M
        ):
            expected.add((one.id, two.id))
    assert {(p.first.id, p.second.id) for p in likely_duplicates(places)} == expected


def spread(count: int) -> list[Place]:
    """``count`` places over France, names that repeat now and then."""
    return [
        place(
            f"Espace {n % 9_000} {'Numérique' if n % 3 else 'Atelier'}",
            43 + (n * 7919 % 100_000) / 100_000 * 6,
            -1 + (n * 104_729 % 100_000) / 100_000 * 8,
            id=f"p{n}",
        )
        for n in range(count)
    ]


def test_20000_places_take_a_second_not_minutes() -> None:
    """A grid, not every pair: comparing all 2·10⁸ pairs would take minutes."""
    places = spread(20_000)
    started = time.perf_counter()
    likely_duplicates(places)
    assert time.perf_counter() - started < 10


@pytest.mark.slow
def test_100000_places_take_seconds() -> None:
    places = spread(100_000)
    started = time.perf_counter()
    likely_duplicates(places)
    assert time.perf_counter() - started < 20


@pytest.mark.skipif(not (DATA / "tiers-lieux-2019.csv").exists(), reason="no shared data")
def test_the_real_census_has_its_troquets_paired() -> None:
    import csv

    with (DATA / "tiers-lieux-2019.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    places = [
        place(row["NOM_TL"], float(row["LAT"]), float(row["LONG"]), id=row["ID"])
        for row in rows
        if row["LAT"] and row["LONG"]
    ]
    names = pairs(places)
    assert ("Troquet Numérique", "Le Troquet Numérique") in names
    assert len(names) < 20  # warnings a person reads, not noise


def test_check_warns_on_the_second_place_of_each_pair() -> None:
    troquets = [
        place("Troquet Numérique", 45.58481, 5.278505, id="troquet-numerique-bourgoin"),
        place("Le Troquet Numérique", 45.588778, 5.27731, id="le-troquet-numerique-bourgoin"),
    ]
    [problem] = duplicate_problems(troquets)
    assert problem.place == "le-troquet-numerique-bourgoin"
    assert not problem.error
    assert "troquet-numerique-bourgoin ('Troquet Numérique'" in problem.message
    assert "451 m apart" in problem.message
    [pair] = likely_duplicates(troquets)
    assert describe(pair) == (
        "'Troquet Numérique' (troquet-numerique-bourgoin) and 'Le Troquet Numérique' "
        "(le-troquet-numerique-bourgoin), coworking, 451 m apart"
    )
