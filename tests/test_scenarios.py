"""Meetings a person would ask for, on the real data of ``../shared/data``, and the top
answers a person would accept.

The French tiers-lieux census (``--map kind=TYPO``) and the Paris cafés from OpenStreetMap
are imported once for the module into a temp catalogue; each row asks ``nomadspot.find``
(the library, as the CLI does) and checks the answers. Skipped where the data folder is
absent; in CI it is present.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nomadspot.cli import app
from nomadspot.config import Config
from nomadspot.finding import find, nothing_fits
from nomadspot.ranking import Ranking, Result

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
CENSUS = DATA / "tiers-lieux-2019.csv"
PARIS_CAFES = DATA / "paris-cafes-osm.geojson"

pytestmark = pytest.mark.skipif(
    not (CENSUS.exists() and PARIS_CAFES.exists()), reason="no ../shared/data here"
)

TUESDAY_10 = "2026-12-01 10:00"  # a Tuesday
SUNDAY_9 = "2026-12-06 09:00"
CHRISTMAS_10 = "2026-12-25 10:00"
CENSUS_MAP = (
    *("--map", "name=NOM_TL", "--map", "city=NOMCOM", "--map", "address=ADRESSE"),
    *("--map", "lat=LAT", "--map", "lon=LONG", "--map", "website=WEB", "--map", "kind=TYPO"),
    *("--kind", "tiers_lieu"),  # the 49 records without a TYPO
)
# The farthest participant's distance from the best place that fits, for a meeting of
# people from these towns (the towns' centres; great-circle km).
PARIS_CENTRE = "48.8566,2.3522"


@pytest.fixture(scope="module")
def real_catalogue(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Iterator[Path]:
    """The census and the Paris cafés, imported once for the module, plus one place
    without coordinates."""
    path = tmp_path_factory.mktemp("real") / "catalogue.toml"
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NOMADSPOT_CACHE_DIR", str(shared_cache))
        patch.setenv("NOMADSPOT_CONFIG", str(path.parent / "no-config.toml"))
        for args in (
            ["import", str(CENSUS), *CENSUS_MAP],
            ["import", str(PARIS_CAFES)],
            ["add", "Café sans GPS", "--kind", "cafe", "--city", "Vienne", "--wifi"],
        ):
            result = runner.invoke(app, ["--catalogue", str(path), *args])
            assert result.exit_code == 0, result.stderr
    yield path


@dataclass(frozen=True)
class Scenario:
    """A meeting as a person asks it (``find``'s options) and what they would accept."""

    name: str
    ask: dict[str, Any]
    accept: Callable[[Ranking], None]
    marks: tuple[Any, ...] = field(default=())


def top(ranking: Ranking, count: int = 3) -> tuple[Result, ...]:
    assert len(ranking.results) >= count, f"only {len(ranking.results)} results"
    return ranking.results[:count]


def all_in(cities: set[str], kinds: set[str] | None = None) -> Callable[[Ranking], None]:
    def accept(ranking: Ranking) -> None:
        for result in top(ranking):
            assert result.place.city in cities, result.place.city
            if kinds is not None:
                assert result.place.kind.value in kinds, result.place.kind.value

    return accept


def within_km(limit: float, *, cities_not: set[str] = frozenset()) -> Callable[[Ranking], None]:  # type: ignore[assignment]
    def accept(ranking: Ranking) -> None:
        for result in top(ranking):
            assert result.distance_km is not None and result.distance_km <= limit, result
            assert result.place.city not in cities_not, result.place.city

    return accept


def lyon_vienne_grenoble(ranking: Ranking) -> None:
    best = top(ranking)
    # Coworking spaces around Bourgoin-Jallieu, about 57 km for the farthest, win.
    assert best[0].place.city == "Bourgoin-Jallieu"
    for result in best:
        assert result.place.kind.value == "coworking"
        assert result.distance_km is not None and result.distance_km < 60
        assert result.likely == ("wifi",)
        assert "wifi likely (coworking)" in result.reasons
        assert result.distances_km is not None and len(result.distances_km) == 3
    # A Paris café 480 km away never shows.
    assert all(result.place.city != "Paris" for result in ranking.results)
    assert ranking.excluded_by_reason()["out of the way"] > 2000


def total_objective(ranking: Ranking) -> None:
    for result in top(ranking):
        assert result.distances_km is not None and result.distance_km is not None
        assert result.distance_km == pytest.approx(sum(result.distances_km), abs=0.2)
        assert result.distance_km < 150  # Lyon-Vienne-Grenoble: about 130 km in all at best
    assert all(result.place.city != "Paris" for result in ranking.results)


def open_paris_cafes(ranking: Ranking) -> None:
    for result in top(ranking):
        assert result.place.city == "Paris" and result.place.kind.value == "cafe"
        assert result.open is True, result.window  # hours known to be open beat unknown
        assert "wifi unknown" in result.reasons  # OSM says nothing of their wifi


def nothing_but(obstacle: str) -> Callable[[Ranking], None]:
    def accept(ranking: Ranking) -> None:
        assert ranking.results == ()
        assert ranking.main_obstacle() == obstacle
        assert obstacle in nothing_fits(ranking).message

    return accept


def suggests(text: str) -> Callable[[Ranking], None]:
    def accept(ranking: Ranking) -> None:
        assert ranking.results == ()
        error = nothing_fits(ranking)
        assert error.hint is not None and text in error.hint, error.hint

    return accept


def nearest_to_vienne(ranking: Ranking) -> None:
    assert ranking.results == ()
    error = nothing_fits(ranking)
    assert error.message == "no place in Vienne (38)" or "no place in" in error.message
    assert error.hint is not None and error.hint.startswith("the nearest places that fit: ")


def approximate_place_shows(ranking: Ranking) -> None:
    found = {result.place.name: result for result in ranking.results}
    sans_gps = found["Café sans GPS"]
    assert sans_gps.distance_approx and sans_gps.distance_km is not None
    assert sans_gps.distance_km < 2  # the town's centre stands in for it
    assert any("from the town centre" in reason for reason in sans_gps.reasons)


def big_group(ranking: Ranking) -> None:
    for result in top(ranking):
        assert result.place.kind.value not in {"cafe", "fast_food"}
        assert result.place.city == "Lyon"


def near_misses_say_by_how_much(ranking: Ranking) -> None:
    assert 1 <= len(ranking.near_misses) <= 5
    for miss in ranking.near_misses:
        assert "the meeting" in miss.reason, miss.reason


def strict_paris_cafes(ranking: Ranking) -> None:
    assert ranking.results == ()
    assert ranking.main_obstacle() == "wifi unknown (--strict)"


def coworking_likely_wifi(ranking: Ranking) -> None:
    for result in top(ranking):
        assert result.place.city == "Paris" and result.place.kind.value == "coworking"
        assert result.likely == ("wifi", "power")


def between_bordeaux_and_toulouse(ranking: Ranking) -> None:
    for result in top(ranking):
        assert result.distance_km is not None and result.distance_km < 130
        assert result.place.city not in {"Paris", "Lyon"}


SCENARIOS = [
    Scenario(
        "Lyon, Vienne and Grenoble, Tuesday 10:00, 2 h, 3 people, wifi",
        {
            "near": ["Lyon", "Vienne", "Grenoble"],
            "at": TUESDAY_10,
            "duration": "2h",
            "people": 3,
            "needs": ["wifi"],
        },
        lyon_vienne_grenoble,
    ),
    Scenario(
        "the same, everyone's distance added up",
        {
            "near": ["Lyon", "Vienne", "Grenoble"],
            "at": TUESDAY_10,
            "duration": "2h",
            "people": 3,
            "needs": ["wifi"],
            "objective": "total",
        },
        total_objective,
    ),
    Scenario(
        "a café open on Sunday at 9 in Paris with wifi for two",
        {"city": "Paris", "kinds": ["café"], "at": SUNDAY_9, "people": 2, "needs": ["wifi"]},
        open_paris_cafes,
    ),
    Scenario(
        "a café in Paris on a Saturday at 7:30",
        {"city": "Paris", "kinds": ["cafe"], "at": "2026-12-05 07:30", "people": 1},
        all_in({"Paris"}, {"cafe"}),
    ),
    Scenario(
        "a café in Paris on Sunday at 7:00: the near misses open too late",
        {"city": "Paris", "kinds": ["cafe"], "at": "2026-12-06 07:00", "duration": "2h"},
        near_misses_say_by_how_much,
    ),
    Scenario(
        "a coworking space in Lyon on Christmas day",
        {"city": "Lyon", "kinds": ["coworking"], "at": CHRISTMAS_10, "needs": ["wifi"]},
        all_in({"Lyon"}, {"coworking"}),
    ),
    Scenario(
        "a café in Paris on Christmas morning",
        {"city": "Paris", "kinds": ["cafe"], "at": CHRISTMAS_10},
        all_in({"Paris"}, {"cafe"}),
    ),
    Scenario(
        "coworking in Grenoble for five, wifi and power",
        {"city": "grenoble", "kinds": ["coworking"], "people": 5, "needs": ["wifi", "power"]},
        all_in({"Grenoble"}, {"coworking"}),
    ),
    Scenario(
        "a misspelt town: Grenobel",
        {"city": "Grenobel", "needs": ["wifi"]},
        suggests("did you mean 'Grenoble'?"),
    ),
    Scenario(
        "a misspelt town the gazetteer does not know: Marseile",
        {"city": "Marseile"},
        suggests("Marseille"),
    ),
    Scenario(
        "a town with no place: Vienne, so the nearest that fit",
        {"city": "Vienne", "kinds": ["coworking"], "needs": ["wifi"]},
        nearest_to_vienne,
    ),
    Scenario(
        "near Vienne with wifi: nothing 50 km away",
        {"near": ["Vienne"], "needs": ["wifi"]},
        within_km(20),
    ),
    Scenario(
        "a place without coordinates stands at its town's centre",
        {"near": ["Vienne"], "kinds": ["cafe"], "needs": ["wifi"]},
        approximate_place_shows,
    ),
    Scenario(
        "a café within 1 km of Notre-Dame",
        {"near": [PARIS_CENTRE], "radius_km": 1.0, "kinds": ["cafe"]},
        within_km(1.0),
    ),
    Scenario(
        "a budget for a Paris café, prices unknown, --strict",
        {"city": "Paris", "kinds": ["cafe"], "budget": 20.0, "strict": True, "people": 1},
        nothing_but("price unknown (--strict)"),
    ),
    Scenario(
        "a budget for a Paris café: unknown prices stay",
        {"city": "Paris", "kinds": ["cafe"], "budget": 20.0},
        all_in({"Paris"}, {"cafe"}),
    ),
    Scenario(
        "a group of 12 with a meeting room in Lyon",
        {"city": "Lyon", "people": 12, "needs": ["meeting_room"]},
        big_group,
    ),
    Scenario(
        "a meeting room for 6 in Nantes",
        {"city": "Nantes", "people": 6, "needs": ["salle de réunion"]},
        all_in({"Nantes"}),
    ),
    Scenario(
        "coworking near Marseille with wifi",
        {"near": ["Marseille"], "kinds": ["coworking"], "needs": ["wifi"]},
        within_km(20),
    ),
    Scenario(
        "Bordeaux and Toulouse meet halfway",
        {"near": ["Bordeaux", "Toulouse"], "needs": ["wifi"], "kinds": ["coworking"]},
        between_bordeaux_and_toulouse,
    ),
    Scenario(
        "a fablab-style tiers-lieu in Lille",
        {"city": "Lille", "kinds": ["tiers_lieu"]},
        all_in({"Lille"}, {"tiers_lieu"}),
    ),
    Scenario(
        "wifi for sure in a Paris café (--strict): OSM never says",
        {"city": "Paris", "kinds": ["cafe"], "needs": ["wifi"], "strict": True},
        strict_paris_cafes,
    ),
    Scenario(
        "a quiet place in Lyon",
        {"city": "Lyon", "needs": ["quiet"], "people": 1},
        all_in({"Lyon"}),
    ),
    Scenario(
        "coworking in Paris with wifi and power: likely",
        {"city": "Paris", "kinds": ["coworking"], "needs": ["wifi", "power"], "people": 2},
        coworking_likely_wifi,
    ),
    Scenario(
        "Rennes and Nantes meet in between",
        {"near": ["Rennes", "Nantes"], "kinds": ["coworking"]},
        within_km(110),
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_a_person_would_accept_the_answers(
    scenario: Scenario, real_catalogue: Path, tmp_path: Path
) -> None:
    ranking = find(
        **scenario.ask, catalogue=real_catalogue, config=Config(tmp_path / "no-config.toml")
    )
    scenario.accept(ranking)


def test_the_order_does_not_depend_on_the_day_it_is_asked(
    real_catalogue: Path, tmp_path: Path
) -> None:
    ask = dict(SCENARIOS[0].ask)
    first = find(**ask, catalogue=real_catalogue, config=Config(tmp_path / "c.toml"))
    again = find(**ask, catalogue=real_catalogue, config=Config(tmp_path / "c.toml"))
    assert [r.id for r in first.results] == [r.id for r in again.results]
    assert dt.date(2026, 12, 1).weekday() == 1  # the scenarios' Tuesday is a Tuesday
