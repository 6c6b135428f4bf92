"""The builder of the gazetteer's data file, on small synthetic data: communes derived
from arrondissements and neighbourhoods, look-ups in the file it writes, and a broken or
foreign file refused with a clear error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nomadspot import gazetteer
from nomadspot.errors import NomadspotError
from nomadspot.gazetteer import Town, country_timezone, nearest_commune, resolve_city
from nomadspot.gazetteer.build import RawTown, Sources, derive_communes, write_index


def commune(lat: float, lon: float) -> str | None:
    town = nearest_commune(lat, lon)
    return None if town is None else town.name


def raw(
    id: int,
    name: str,
    lat: float,
    lon: float,
    population: int,
    alternates: tuple[str, ...] | None = ("Another Name",),
    country: str = "FR",
) -> RawTown:
    """A synthetic town; ``alternates=None``: GeoNames lists no alternate name."""
    from nomadspot.text import fold

    names = alternates or ()
    return RawTown(
        id=id,
        name=name,
        country=country,
        admin1="00",
        lat=lat,
        lon=lon,
        population=population,
        timezone="Europe/Paris",
        alternates=frozenset(fold(a) for a in names) - {fold(name)},
        has_alternates=alternates is not None,
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
    """A data file written by the builder from SYNTHETIC, used instead of the real one."""
    path = tmp_path / "towns.sqlite"
    write_index(path, Sources(towns=list(SYNTHETIC), country_names={"fr": "FR"}))
    monkeypatch.setattr(gazetteer, "index_path", lambda: path)
    return path


def test_derived_communes() -> None:
    communes = derive_communes(list(SYNTHETIC))
    assert communes.commune == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 6, 7: 7, 8: 8}
    assert communes.neighbourhoods == {3, 4, 5}  # the arrondissement is a point of Bigcity


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


@pytest.mark.parametrize("content", [b"", b"this is not a database" * 100])
def test_a_broken_data_file_is_a_clear_error(
    content: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "towns.sqlite"
    broken.write_bytes(content)
    monkeypatch.setattr(gazetteer, "index_path", lambda: broken)
    with pytest.raises(NomadspotError, match="town data file") as caught:
        resolve_city("Lyon")
    assert "reinstall" in (caught.value.hint or "")


def test_a_data_file_built_with_another_fold_is_refused(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite3.connect(synthetic) as connection:
        connection.execute("UPDATE meta SET value = 'another fold' WHERE key = 'fold'")
    copy = synthetic.with_name("other.sqlite")
    copy.write_bytes(synthetic.read_bytes())
    monkeypatch.setattr(gazetteer, "index_path", lambda: copy)
    with pytest.raises(NomadspotError, match="built for another version"):
        resolve_city("Bigcity")


def test_town_label() -> None:
    town = Town("Vienne", "FR", "84", 45.5, 4.9, 29_000, "Europe/Paris")
    assert town.label == "Vienne, FR"
