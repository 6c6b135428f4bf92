"""The library API for places, used as a Python program would: no command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import nomadspot
from nomadspot.errors import CatalogueError, NotFoundError, UsageError
from nomadspot.model import NO_TIME_LIMIT, Sockets, Status


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "mine.toml"


def add_two(path: Path) -> None:
    nomadspot.add_place(
        "La Pépinière",
        kind="pépinière",
        city="vienne",
        catalogue=path,
        seats="40",
        amenities={"wi-fi": True},
        sockets="plenty",
        private={"wifi_password": "s3cret"},
    )
    nomadspot.add_place("Le Troquet", kind="cafe", city="Lyon", catalogue=str(path), tags=["a;b"])


def test_add_list_and_get(path: Path) -> None:
    add_two(path)
    places = nomadspot.list_places(catalogue=path)
    assert [place.id for place in places] == ["le-troquet-lyon", "la-pepiniere-vienne"]
    assert all(place.private == {} for place in places)
    pepiniere = nomadspot.get_place("la pepiniere", catalogue=path)
    assert pepiniere.city == "Vienne"  # stored as the town is spelt
    assert pepiniere.seats == 40 and pepiniere.has("wifi") and pepiniere.has("power")
    assert pepiniere.private == {"wifi_password": "s3cret"}
    assert nomadspot.list_places(city="VIENNE", catalogue=path, include_private=True)[
        0
    ].private == {"wifi_password": "s3cret"}
    assert nomadspot.list_places(kinds=["café"], tags=["a;b"], catalogue=path)[0].name == (
        "Le Troquet"
    )


def test_edit_remove_and_visit(path: Path) -> None:
    add_two(path)
    edited = nomadspot.edit_place(
        "le-troquet", catalogue=path, status="closed", time_limit="none", checked="hier"
    )
    assert edited.status is Status.CLOSED and edited.time_limit == NO_TIME_LIMIT
    assert edited.checked == dt.date(2026, 11, 22)  # NOMADSPOT_NOW is 2026-11-23
    visited = nomadspot.log_visit("le-troquet-lyon", rating=4, wifi_mbps="35,5", catalogue=path)
    assert visited.visits[-1].wifi_mbps == 35.5 and visited.checked == dt.date(2026, 11, 23)
    removed = nomadspot.remove_place("Le Troquet", catalogue=path, exact=True)
    assert removed.id == "le-troquet-lyon"
    assert [place.id for place in nomadspot.list_places(catalogue=path)] == [
        "la-pepiniere-vienne"
    ]


def test_errors_are_nomadspot_errors_with_exit_codes(path: Path) -> None:
    add_two(path)
    with pytest.raises(UsageError, match="already exists"):
        nomadspot.add_place("Le Troquet", kind="cafe", city="Lyon", catalogue=path)
    with pytest.raises(UsageError, match="unknown sockets value"):
        nomadspot.edit_place("le-troquet", catalogue=path, sockets="lots")
    with pytest.raises(UsageError, match="nothing to change"):
        nomadspot.edit_place("le-troquet", catalogue=path)
    with pytest.raises(NotFoundError) as missing:
        nomadspot.remove_place("le-tro", catalogue=path, exact=True)  # a prefix is not exact
    assert missing.value.exit_code == 1
    with pytest.raises(UsageError, match="in the future"):
        nomadspot.log_visit("le-troquet", date=dt.date(2027, 1, 1), catalogue=path)
    with pytest.raises(UsageError, match="--rating must be between 1 and 5"):
        nomadspot.log_visit("le-troquet", rating=9, catalogue=path)
    path.write_text("version = 1\n[[place]]\nid = 3\n")
    with pytest.raises(CatalogueError):
        nomadspot.list_places(catalogue=path)


def test_stale_places(path: Path) -> None:
    add_two(path)
    nomadspot.edit_place("le-troquet", catalogue=path, checked="2024-01-15")
    entries = nomadspot.stale_places(catalogue=path)
    assert [(e.place.id, e.last_checked) for e in entries] == [
        ("la-pepiniere-vienne", None),
        ("le-troquet-lyon", dt.date(2024, 1, 15)),
    ]
    assert "hours" in entries[0].unknown and "sockets" not in entries[0].unknown
    assert nomadspot.stale_places(older_than="3y", catalogue=path)[0].last_checked is None
    assert nomadspot.stale_places(city="Lyon", catalogue=path)[0].place.city == "Lyon"
    nomadspot.log_visit("la-pepiniere-vienne", catalogue=path)
    assert [e.place.id for e in nomadspot.stale_places(older_than="6mo", catalogue=path)] == [
        "le-troquet-lyon"
    ]
    with pytest.raises(UsageError, match="not an age"):
        nomadspot.stale_places(older_than="ages", catalogue=path)


def test_the_usual_catalogue_and_its_note(catalogue_path: Path) -> None:
    notes: list[str] = []
    places = nomadspot.list_places(note=notes.append)  # none yet: the example catalogue
    assert places and "example catalogue" in notes[0]
    nomadspot.add_place("X", kind="cafe", city="Lyon")
    assert catalogue_path.exists()
    assert [place.id for place in nomadspot.list_places()] == ["x-lyon"]


def test_power_follows_sockets_through_the_api(path: Path) -> None:
    add_two(path)
    place = nomadspot.edit_place("la-pepiniere", catalogue=path, amenities={"power": False})
    assert place.sockets is Sockets.NONE
