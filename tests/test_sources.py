"""Where records come from: the census's kinds and source ids, and export attribution."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nomadspot.interop import sources
from nomadspot.model import Place
from nomadspot.vocabulary import Kind

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("Tiers lieux à dominante coworking", Kind.COWORKING),
        ("TIERS LIEUX A DOMINANTE COWORKING", Kind.COWORKING),
        ("Tiers lieux à dominante fablab", Kind.TIERS_LIEU),
        ("Tiers lieux à dominante atelier partagé", Kind.TIERS_LIEU),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_typo_kinds(value: str | None, kind: Kind | None) -> None:
    assert sources.typo_kind(value) is kind


@pytest.mark.skipif(not (DATA / "tiers-lieux-2019.csv").exists(), reason="no shared data")
def test_every_real_typo_value_has_its_kind() -> None:
    with (DATA / "tiers-lieux-2019.csv").open(encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        assert sources.is_census(reader.fieldnames or [])
    kinds = {row["TYPO"]: sources.typo_kind(row["TYPO"]) for row in rows}
    assert kinds == {
        "Tiers lieux à dominante coworking": Kind.COWORKING,
        "Tiers lieux à dominante fablab": Kind.TIERS_LIEU,
        "": None,
    }


def test_census_recognition_and_source() -> None:
    assert sources.is_census(["ID", "NOM_TL", "ADRESSE", "NOMCOM", "INSEECOM", "TYPO", "LAT"])
    assert not sources.is_census(["ID", "name", "TYPO"])
    assert sources.census_source("37") == "census:tiers-lieux-2019/37"
    assert sources.census_source(37) == "census:tiers-lieux-2019/37"
    assert sources.census_source("") is None
    assert sources.census_source("37a") is None
    assert sources.census_source(True) is None


def place(source: str | None) -> Place:
    return Place(id="p", name="P", kind=Kind.CAFE, city="Paris", source=source)


def test_attribution_names_each_licence_once() -> None:
    osm_text = "© OpenStreetMap contributors, ODbL 1.0"
    census_text = "CGET / ANCT, Mission Coworking 2019, Licence Ouverte 2.0"
    assert sources.attribution([place("osm:node/1"), place("osm:way/2")]) == osm_text
    assert sources.attribution([place("census:tiers-lieux-2019/3"), place("osm:node/1")]) == (
        f"{osm_text}; {census_text}"
    )
    assert sources.attribution([place(None), place("my notebook")]) is None
    assert sources.attribution([]) is None
