"""Helpers shared by test_reliability and test_hostile_input: real nomadspot processes, a
large catalogue, reading a catalogue file the way a fresh process would (never through the
parsed-catalogue cache, which would hide a file that does not parse), and a model of what
each write command does."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nomadspot import editing, store
from nomadspot.model import Place, Price, Visit
from nomadspot.vocabulary import Kind

TODAY = dt.date(2026, 11, 23)  # conftest's NOMADSPOT_NOW
CITIES = ("Vienne", "Paris", "Alençon", "Neuilly-sur-Seine", "Bruxelles", "Bordeaux")


def nomadspot(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """nomadspot as a real process, with the test's environment (conftest's temp paths)."""
    return subprocess.run(
        [sys.executable, "-m", "nomadspot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


def read_places(path: Path) -> tuple[Place, ...]:
    """The places in the file, parsed from its bytes without the cache. Raises
    ``CatalogueError`` when the file does not parse or validate."""
    data = path.read_bytes()
    return store.parse(data.decode("utf-8"), path).places


def make_places(count: int, prefix: str = "p") -> list[Place]:
    """``count`` varied valid places: accents, visits, prices, unknown keys and amenities."""
    kinds = list(Kind)
    places = []
    for number in range(count):
        places.append(
            Place(
                id=f"{prefix}{number:05d}",
                name=f"Lieu n°{number} « {CITIES[number % len(CITIES)]} »",
                kind=kinds[number % len(kinds)],
                city=CITIES[number % len(CITIES)],
                country=("FR", "BE", None)[number % 3],
                address=f"{number} rue de l'Église" if number % 2 else None,
                lat=45.0 + number / 10_000 if number % 4 else None,
                lon=4.8 + number / 10_000 if number % 4 else None,
                opening_hours="Mo-Fr 08:30-18:00; PH off" if number % 3 == 0 else None,
                opening_hours_raw="8h-18h sauf lundi" if number % 11 == 0 else None,
                seats=number % 120 if number % 5 else None,
                meeting_room_seats=number % 12 if number % 7 == 0 else None,
                wifi_mbps=float(number % 300) if number % 6 == 0 else None,
                website=f"https://example.org/{number}" if number % 8 == 0 else None,
                tags=("events", f"t{number % 9}") if number % 2 else (),
                notes=("Ask for the upstairs room. " * (number % 4)).strip() or None,
                source=f"osm:node/{1_000_000 + number}" if number % 10 == 0 else None,
                amenities={
                    "wifi": bool(number % 2),
                    "power": True,
                    **({"teleporter": False} if number % 13 == 0 else {}),
                },
                price=Price(hour=3.5, day=15.0, room_hour=25.0) if number % 5 == 0 else None,
                visits=(
                    Visit(
                        date=dt.date(2026, 1, 1 + number % 28),
                        rating=1 + number % 5,
                        wifi_mbps=35.5,
                        note="Busy at lunch.",
                    ),
                )
                if number % 7 == 0
                else (),
                extra={"x_floor": number % 4} if number % 17 == 0 else {},
            )
        )
    return places


def write_catalogue(path: Path, places: list[Place]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    store.save(path, store.Catalogue(tuple(places), {"x_owner": "team", "x_meta": {"n": 1}}, path))


@dataclass(frozen=True)
class Op:
    """One write command: its arguments and what it does to the places."""

    args: tuple[str, ...]
    apply: Callable[[tuple[Place, ...]], tuple[Place, ...]]
    label: str


def _replace(
    places: tuple[Place, ...], place_id: str, change: Callable[[Place], Place]
) -> tuple[Place, ...]:
    assert any(p.id == place_id for p in places), place_id
    return tuple(change(p) if p.id == place_id else p for p in places)


def add_op(number: int, tag: str = "crash") -> Op:
    place_id = f"{tag}-{number}"
    changes = {"seats": number % 50, "notes": f"note {number}", "amenities": {"wifi": True}}
    place = editing.new_place(f"{tag.title()} {number} ✓", "cafe", "Vienne", changes, place_id)
    args = (
        "add",
        f"{tag.title()} {number} ✓",
        "--kind",
        "cafe",
        "--city",
        "Vienne",
        "--seats",
        str(number % 50),
        "--note",
        f"note {number}",
        "--wifi",
        "--id",
        place_id,
    )
    return Op(args, lambda places: (*places, place), f"add {place_id}")


def visit_op(place_id: str, number: int) -> Op:
    visit = Visit(date=TODAY, rating=1 + number % 5, note=f"visit {number}")
    args = ("visit", place_id, "--rating", str(1 + number % 5), "--note", f"visit {number}")
    return Op(
        args,
        lambda places: _replace(places, place_id, lambda p: p.with_visit(visit)),
        f"visit {place_id}",
    )


def edit_op(place_id: str, number: int) -> Op:
    changes = {"seats": number, "notes": f"edited {number}", "amenities": {"quiet": True}}
    args = ("edit", place_id, "--seats", str(number), "--note", f"edited {number}", "--quiet")
    return Op(
        args,
        lambda places: _replace(places, place_id, lambda p: editing.apply(p, changes)),
        f"edit {place_id}",
    )


def remove_op(place_id: str) -> Op:
    def apply(places: tuple[Place, ...]) -> tuple[Place, ...]:
        assert any(p.id == place_id for p in places), place_id
        return tuple(p for p in places if p.id != place_id)

    return Op(("remove", place_id, "--yes"), apply, f"remove {place_id}")


def leftovers(folder: Path, name: str = "catalogue.toml") -> list[str]:
    """Files in the catalogue's folder other than the catalogue, its .bak and its lock."""
    keep = {name, f"{name}.bak", f"{name}.lock"}
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)
