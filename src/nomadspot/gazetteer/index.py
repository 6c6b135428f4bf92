"""Reads the gazetteer's data file (``towns.sqlite``, shipped in the package, written by
``nomadspot.gazetteer.build``). One read-only connection per process, opened on first use;
the file is never written, so it is opened as immutable (no locks, no journal)."""

from __future__ import annotations

import bisect
import functools
import hashlib
import lzma
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nomadspot.errors import NomadspotError
from nomadspot.gazetteer.geometry import bounding_box, cell_ranges, distance_km
from nomadspot.text import fold

SCHEMA_VERSION = 2
DATA_FILE = Path(__file__).with_name("towns.sqlite")
COORDINATE_SCALE = 100_000  # GeoNames gives five decimals: stored as exact integers
TOWNS_PER_BLOCK = 256
NAMES_PER_BLOCK = 1024
POINT = 1  # a town's flag: a point that nearest_commune weighs (not a neighbourhood)
CAPITAL = 2  # a town's flag: its country's capital
_TIMEZONE_SCAN_KM = (10.0, 50.0, 300.0)
_CACHED_BLOCKS = 512

# The file stores folded names: if ``fold`` changes, the file must be built again. These
# probes cover what fold normalises (case, accents, ligatures, separators).
_FOLD_PROBES = (
    "Neuilly-sur-Seine",
    "L’Haÿ-les-Roses",
    "Œuvre Æ",
    "Straße",
    "İstanbul",
    "Saint-Étienne",
    "d'Ascq",
    "Ville_de. Paris/x",
    "𝗔",
    "Ⅻ",
    "ﬁ",
    "Ｆｕｌｌ",
)


@functools.cache
def fold_signature() -> str:
    """A digest of what ``fold`` makes of the probes, stored in the file when it is built."""
    probes = "\x00".join(fold(probe) for probe in _FOLD_PROBES)
    return hashlib.sha256(probes.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Town:
    """A town of the gazetteer. ``population`` is GeoNames' (0 when unknown); ``admin2``
    is the French département ("38", "2A") of a town in France, else ""."""

    name: str
    country: str
    admin1: str
    lat: float
    lon: float
    population: int
    timezone: str
    admin2: str = ""

    @property
    def label(self) -> str:
        """``"Vienne, FR"``."""
        return f"{self.name}, {self.country}"


@dataclass(frozen=True, slots=True)
class NameRow:
    """A town that a folded name matched; ``alternate``: on one of its alternate names;
    ``rank``: its place among the towns of that name in GeoNames' order (a tie-break)."""

    id: int
    name: str
    commune: int
    country: str
    admin2: str
    population: int
    capital: bool
    alternate: bool
    rank: int = 0


@dataclass(frozen=True, slots=True)
class Point:
    """A town as a point that ``nearest_commune`` weighs (neighbourhoods are none)."""

    lat: float
    lon: float
    population: int
    commune: int
    country: str


def pack(lines: list[str]) -> bytes:
    """Lines of text as one compressed block of the file."""
    return lzma.compress("\n".join(lines).encode("utf-8"), preset=6)


def unpack(block: bytes) -> list[str]:
    """The lines of a block written by ``pack``."""
    return lzma.decompress(block).decode("utf-8").split("\n")


@dataclass(frozen=True, slots=True)
class _Block:
    """A block of towns: each line split into its fields (name, country, admin1, admin2,
    lat, lon, population, zone, commune, flags), and the coordinates parsed for
    ``points_near``; a ``Town`` is made only for the towns asked for."""

    start: int
    rows: list[list[str]]
    lats: list[float]
    lons: list[float]


class Index:
    """The open data file. Why blocks: as LZMA-compressed blocks of lines (towns in grid
    order, names in key order) the towns and their names take a third of the room they
    take as SQLite rows, which keeps the install light (see the benchmark's
    --install-weight), and a look-up only unpacks the one or few blocks it needs (the last
    few hundred stay unpacked)."""

    _lock = threading.RLock()
    _current: Index | None = None

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.pid = os.getpid()
        self._db = connection
        directory = self._query("SELECT start, cell FROM town_blocks ORDER BY start")
        self._starts = [int(start) for start, _ in directory]
        self._cells = [int(cell) for _, cell in directory]
        self._zone_names = dict(self._query("SELECT id, name FROM timezones"))
        self._town_blocks: dict[int, _Block] = {}
        self._towns: dict[int, Town] = {}
        self._name_blocks: dict[str, tuple[list[str], list[str]]] = {}
        self._countries: dict[str, str] | None = None
        self._zones: dict[tuple[str, tuple[float, float] | None], str | None] = {}

    @classmethod
    def get(cls, path: Path) -> Index:
        """The index of ``path``, opened once per process."""
        with cls._lock:
            current = cls._current
            if current is not None and current.path == path and current.pid == os.getpid():
                return current
            # Another path (tests point the gazetteer at small fixtures): the previous
            # index is left to whoever still holds it, and closes when it is dropped.
            cls._current = Index(path, _connect(path))
            return cls._current

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # ------------------------------------------------------------------ blocks

    def _block_of_towns(self, index: int) -> _Block:
        start = self._starts[index]
        cached = self._town_blocks.get(start)
        if cached is None:
            data = self._query("SELECT data FROM town_blocks WHERE start = ?", (start,))
            rows = [line.split("\t") for line in unpack(data[0][0])]
            lats = [int(row[4]) / COORDINATE_SCALE for row in rows]
            lons = [int(row[5]) / COORDINATE_SCALE for row in rows]
            cached = _Block(start, rows, lats, lons)
            if len(self._town_blocks) >= _CACHED_BLOCKS:
                self._town_blocks.clear()
            self._town_blocks[start] = cached
        return cached

    def _fields(self, number: int) -> list[str]:
        """The fields of the town of that number."""
        index = bisect.bisect_right(self._starts, number) - 1
        block = self._block_of_towns(index) if index >= 0 else None
        offset = number - block.start if block is not None else -1
        if block is None or not 0 <= offset < len(block.rows):
            raise NomadspotError(
                f"the town data file {self.path} is inconsistent", hint="reinstall nomadspot"
            )
        return block.rows[offset]

    def _names_block(self, key: str) -> tuple[list[str], list[str]]:
        rows = self._query(
            "SELECT first_key, data FROM name_blocks WHERE first_key <= ? "
            "ORDER BY first_key DESC LIMIT 1",
            (key,),
        )
        if not rows:
            return [], []
        first_key = str(rows[0][0])
        cached = self._name_blocks.get(first_key)
        if cached is None:
            keys, refs = [], []
            for line in unpack(rows[0][1]):
                name_key, _, ref = line.partition("\t")
                keys.append(name_key)
                refs.append(ref)
            cached = (keys, refs)
            if len(self._name_blocks) >= _CACHED_BLOCKS:
                self._name_blocks.clear()
            self._name_blocks[first_key] = cached
        return cached

    # ------------------------------------------------------------------ look-ups

    def by_name(self, key: str) -> list[NameRow]:
        """The towns named ``key`` (folded) or having it as an alternate name."""
        keys, refs = self._names_block(key)
        out: list[NameRow] = []
        first = at = bisect.bisect_left(keys, key)
        while at < len(keys) and keys[at] == key:
            ref = refs[at]
            number = int(ref.rstrip("*"))
            name, country, _, admin2, _, _, population, _, commune, flags = self._fields(number)
            out.append(
                NameRow(
                    number,
                    name,
                    int(commune) if commune else number,
                    country,
                    admin2,
                    int(population),
                    bool(int(flags) & CAPITAL),
                    ref.endswith("*"),
                    at - first,
                )
            )
            at += 1
        return out

    def points_near(self, lat: float, lon: float, radius_km: float) -> list[Point]:
        """The points within the bounding box of ``radius_km`` around (lat, lon)."""
        south, north, lon_ranges = bounding_box(lat, lon, radius_km)
        out: list[Point] = []
        for west, east in lon_ranges:
            for first, last in cell_ranges(south, north, [(west, east)]):
                # The last block starting before the first cell may end with some of it.
                begin = max(bisect.bisect_left(self._cells, first) - 1, 0)
                end = bisect.bisect_right(self._cells, last)
                for index in range(begin, end):
                    out.extend(
                        self._points_in(self._block_of_towns(index), south, north, west, east)
                    )
        return out

    @staticmethod
    def _points_in(
        block: _Block, south: float, north: float, west: float, east: float
    ) -> Iterator[Point]:
        for offset, (lat, lon) in enumerate(zip(block.lats, block.lons, strict=True)):
            if south <= lat <= north and west <= lon <= east:
                _, country, _, _, _, _, population, _, commune, flags = block.rows[offset]
                if int(flags) & POINT:
                    number = int(commune) if commune else block.start + offset
                    yield Point(lat, lon, int(population), number, country)

    def town(self, number: int) -> Town:
        """The town of that number (as ``by_name`` and ``points_near`` give them)."""
        cached = self._towns.get(number)
        if cached is None:
            name, country, admin1, admin2, lat, lon, population, zone, _, _ = self._fields(number)
            cached = Town(
                name,
                country,
                admin1,
                int(lat) / COORDINATE_SCALE,
                int(lon) / COORDINATE_SCALE,
                int(population),
                self._zone_names.get(int(zone), ""),
                admin2,
            )
            if len(self._towns) >= 20_000:
                self._towns.clear()
            self._towns[number] = cached
        return cached

    def _country_table(self) -> dict[str, str]:
        if self._countries is None:
            self._countries = {
                str(code): str(tz)
                for code, tz in self._query("SELECT code, timezone FROM countries")
            }
        return self._countries

    def country_named(self, key: str) -> str | None:
        """The ISO code of the country whose folded name (English or French) or code is
        ``key``."""
        rows = self._query("SELECT code FROM country_names WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def timezone_of(self, code: str, point: tuple[float, float] | None) -> str | None:
        """The zone of the nearest town of the country (then of any country) within
        300 km of ``point``, else the country's most populous town's."""
        key = (code, point)
        if key in self._zones:
            return self._zones[key]
        found: str | None = None
        if point is not None:
            found = self._zone_near(code, *point)
        if found is None and code:
            found = self._country_table().get(code) or None
        if len(self._zones) < 100_000:
            self._zones[key] = found
        return found

    def _zone_near(self, code: str, lat: float, lon: float) -> str | None:
        for wanted in ((code,) if code else ()) + (None,):
            for radius in _TIMEZONE_SCAN_KM:
                town_id = self._nearest_point(lat, lon, radius, wanted)
                if town_id is not None:
                    return self.town(town_id).timezone or None
        return None

    def _nearest_point(
        self, lat: float, lon: float, radius_km: float, country: str | None
    ) -> int | None:
        best: tuple[float, int] | None = None
        for point in self.points_near(lat, lon, radius_km):
            if country is not None and point.country != country:
                continue
            dist = distance_km(lat, lon, point.lat, point.lon)
            if dist <= radius_km and (best is None or dist < best[0]):
                best = (dist, point.commune)
        return None if best is None else best[1]


def _connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to a complete data file built with today's ``fold``."""
    problem = "is missing or unreadable"
    try:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    except (sqlite3.Error, OSError, ValueError):
        pass
    else:
        if meta.get("schema") == str(SCHEMA_VERSION) and meta.get("fold") == fold_signature():
            return connection
        connection.close()
        problem = "was built for another version of nomadspot"
    raise NomadspotError(
        f"the town data file {path} {problem}",
        hint="reinstall nomadspot (developers: python tools/build_gazetteer.py)",
    )
