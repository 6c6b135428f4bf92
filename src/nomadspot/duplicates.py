"""Likely duplicate places: the same kind, a similar name, a short walk apart.

Two records of one real place are common after imports: the census lists "Troquet
Numérique" and "Le Troquet Numérique" in Bourgoin-Jallieu, and an OpenStreetMap import
may bring back a café the user had added by hand under a slightly different name. Neither
``import`` nor ``check`` merges them (only a person can tell two Starbucks apart); they
warn, with the distance.

The rule, one function each:

- ``name_tokens``: the name folded (case, accents, separators), without articles
  (le, la, les, l', the...);
- ``similar_names``: the same tokens; or one name's tokens all in the other's (``Atti``,
  ``Atti café``); or almost the same text (a typo, ``Numerique``/``Numérik``); and in
  each case at least one shared word that is not a generic one (``café``, ``coworking``:
  "Café" and "Café Beaubourg" are not one place);
- within ``RADIUS_M`` (100 m, the contract's rule); or within ``SAME_NAME_RADIUS_M``
  (500 m) when the two places have the same tokens and no other place of their kind
  bears that name: one place geocoded at two addresses (the census's two Troquets are
  451 m apart), while a chain's branches (24 Starbucks in central Paris, some 116 m
  apart) are never paired for their name alone.

Places are put in a grid of cells about ``radius`` wide, per kind, and each is compared
with the places of its own and neighbouring cells only: linear in the number of places
for any real catalogue (see ``tests/test_duplicates.py`` for 100,000 places).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from nomadspot.codec import Problem
from nomadspot.geo import EARTH_RADIUS_KM, haversine_km
from nomadspot.model import Place
from nomadspot.text import fold
from nomadspot.vocabulary import KIND_ALIASES, Kind

RADIUS_M = 100.0
SAME_NAME_RADIUS_M = 500.0
# How alike two names must read (difflib's ratio, 0..1) when their words differ: 0.85
# takes "troquet numerique" / "troquet numerik" and leaves "cafe de flore" / "cafe de
# la gare" apart.
SIMILAR_TEXT = 0.85

# Articles and the like that two spellings of one name drop or add at will.
ARTICLES = frozenset({"le", "la", "les", "l", "the", "un", "une", "a", "an", "el", "il"})
# Words that say what a place is, not which one: sharing only these proves nothing.
GENERIC_WORDS = frozenset(
    {
        *(fold(word) for kind in Kind for word in (kind.value, *KIND_ALIASES.get(kind, ()))),
        *("cafe", "coffee", "bar", "bistro", "bistrot", "brasserie", "restaurant", "tea"),
        *("coworking", "espace", "tiers", "lieu", "lieux", "hotel", "lab", "fablab"),
        *("de", "du", "des", "d", "et", "and", "of", "chez", "by", "au", "aux", "&"),
    }
)

EARTH_RADIUS_M = 1000 * EARTH_RADIUS_KM
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180


@dataclass(frozen=True, slots=True)
class LikelyDuplicate:
    """Two places that are probably one, ``distance_m`` apart (``first`` comes before
    ``second`` in the catalogue)."""

    first: Place
    second: Place
    distance_m: float


def name_tokens(name: str) -> tuple[str, ...]:
    """The words of a name that tell it apart: folded, articles dropped, in order.
    A name made only of articles keeps them ("Le", "The")."""
    words = fold(name).split()
    kept = tuple(word for word in words if word not in ARTICLES)
    return kept or tuple(words)


def similar_names(first: Sequence[str], second: Sequence[str]) -> bool:
    """Whether two names (as ``name_tokens``) are likely the same name."""
    one, other = set(first), set(second)
    if {word for word in one if word.isdigit()} != {word for word in other if word.isdigit()}:
        return False  # "Espace 1" and "Espace 2", "Lieu 12" and "Lieu 13" are two places
    if not (one & other) - GENERIC_WORDS and not _near_text(first, second):
        return False
    if one <= other or other <= one:
        return True
    return _near_text(first, second)


def _near_text(first: Sequence[str], second: Sequence[str]) -> bool:
    """Almost the same words, letter for letter, and not only generic ones."""
    if not set(first) - GENERIC_WORDS or not set(second) - GENERIC_WORDS:
        return False
    matcher = SequenceMatcher(None, " ".join(first), " ".join(second))
    # The two quick ratios are upper bounds of ratio(): most pairs stop there.
    return (
        matcher.real_quick_ratio() >= SIMILAR_TEXT
        and matcher.quick_ratio() >= SIMILAR_TEXT
        and matcher.ratio() >= SIMILAR_TEXT
    )


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    return 1000 * haversine_km(lat1, lon1, lat2, lon2)


@dataclass(frozen=True, slots=True)
class _Entry:
    position: int
    place: Place
    lat: float
    lon: float
    tokens: tuple[str, ...]


class _Grid:
    """Cells ``size`` metres high (bands of latitude) and at least ``size`` wide, in
    buckets (one, or one per name): each band has its own width in degrees of
    longitude, so cells stay about square from the equator to the poles, and columns
    wrap around the antimeridian."""

    def __init__(self, size: float) -> None:
        self.size = size
        self.band = size / METRES_PER_DEGREE  # degrees of latitude
        self.cells: dict[tuple[object, int, int], list[_Entry]] = {}
        self.widths: dict[int, int] = {}

    def row(self, lat: float) -> int:
        return math.floor((lat + 90) / self.band)

    def columns(self, row: int) -> int:
        """How many columns band ``row`` has: cells as wide as ``size`` at the latitude
        one band beyond its poleward edge, so a neighbour within ``size`` is never two
        columns away."""
        count = self.widths.get(row)
        if count is None:
            south = row * self.band - 90
            poleward = max(abs(south), abs(south + self.band)) + self.band
            width = 360 * METRES_PER_DEGREE * math.cos(math.radians(min(90.0, poleward)))
            count = self.widths[row] = max(1, math.floor(width / self.size))
        return count

    def column(self, lon: float, row: int) -> int:
        count = self.columns(row)
        return math.floor((lon + 180) / 360 * count) % count

    def add(self, bucket: object, entry: _Entry) -> None:
        row = self.row(entry.lat)
        self.cells.setdefault((bucket, row, self.column(entry.lon, row)), []).append(entry)

    def neighbours(self) -> Iterator[tuple[list[_Entry], list[_Entry]]]:
        """Each cell's entries with those of a cell ahead: itself, the next cell east and
        the cells north of it that a point of it may be within ``size`` metres of. Every
        pair within ``size`` metres is in one of these (a pair of one cell: twice)."""
        for (bucket, row, column), entries in self.cells.items():
            count = self.columns(row)
            yield entries, entries
            if count > 1:
                yield entries, self.cells.get((bucket, row, (column + 1) % count), [])
            north = self.columns(row + 1)
            # the north band's columns over this cell's longitudes, one more each side
            first = math.floor(column / count * north) - 1
            last = math.floor((column + 1) / count * north) + 1
            for step in {step % north for step in range(first, last + 1)}:
                yield entries, self.cells.get((bucket, row + 1, step), [])


def likely_duplicates(
    places: Iterable[Place],
    radius_m: float = RADIUS_M,
    same_name_radius_m: float = SAME_NAME_RADIUS_M,
) -> list[LikelyDuplicate]:
    """Every pair of likely duplicates among ``places`` (places without coordinates are
    never paired), ordered by the catalogue position of their first place, then their
    second. Per kind, two grids: one of ``radius_m`` cells for similar names, one of
    ``same_name_radius_m`` cells per name for the same name."""
    by_kind: dict[Kind, list[_Entry]] = {}
    tokens: dict[str, tuple[str, ...]] = {}  # by name: chains repeat theirs
    for position, place in enumerate(places):
        if place.lat is not None and place.lon is not None:
            words = tokens.get(place.name)
            if words is None:
                words = tokens[place.name] = name_tokens(place.name)
            entry = _Entry(position, place, place.lat, place.lon, words)
            by_kind.setdefault(place.kind, []).append(entry)
    pairs: dict[tuple[int, int], LikelyDuplicate] = {}
    for entries in by_kind.values():
        near_grid, same_grid = _Grid(radius_m), _Grid(same_name_radius_m)
        bearers = Counter(entry.tokens for entry in entries)
        for entry in entries:
            near_grid.add(None, entry)
            if bearers[entry.tokens] == 2:
                same_grid.add(entry.tokens, entry)
        _collect(near_grid, radius_m, pairs)
        _collect(same_grid, max(radius_m, same_name_radius_m), pairs)
    return [pairs[key] for key in sorted(pairs)]


def _collect(grid: _Grid, reach: float, pairs: dict[tuple[int, int], LikelyDuplicate]) -> None:
    """Add to ``pairs`` the likely duplicates among the grid's neighbours."""
    for group, others in grid.neighbours():
        for entry in group:
            for other in others:
                key = (min(entry.position, other.position), max(entry.position, other.position))
                if other.position != entry.position and key not in pairs:
                    pair = _pair(entry, other, reach)
                    if pair is not None:
                        pairs[key] = pair


def _pair(entry: _Entry, other: _Entry, reach: float) -> LikelyDuplicate | None:
    """The pair, in catalogue order, when the names are similar and the places within
    ``reach`` metres of each other."""
    apart = distance_m(entry.lat, entry.lon, other.lat, other.lon)
    if apart >= reach or not similar_names(entry.tokens, other.tokens):
        return None
    first, second = (entry, other) if entry.position < other.position else (other, entry)
    return LikelyDuplicate(first.place, second.place, apart)


def involving(pairs: Iterable[LikelyDuplicate], ids: Collection[str]) -> list[LikelyDuplicate]:
    """The pairs of which at least one place has one of ``ids`` (an import's added or
    updated places): what an import summary warns about."""
    return [pair for pair in pairs if pair.first.id in ids or pair.second.id in ids]


def describe(pair: LikelyDuplicate) -> str:
    """One line for a person: which two places, how far apart."""
    return (
        f"{pair.first.name!r} ({pair.first.id}) and {pair.second.name!r} ({pair.second.id}), "
        f"{pair.first.kind.value}, {pair.distance_m:.0f} m apart"
    )


def duplicate_problems(places: Iterable[Place]) -> list[Problem]:
    """``check``'s warnings: one per likely duplicate pair, on its second place."""
    return [
        Problem(
            pair.second.id,
            "name",
            f"likely the same place as {pair.first.id} ({pair.first.name!r}: same kind, "
            f"similar name, {pair.distance_m:.0f} m apart); remove one, or keep both if "
            "they are two places",
            error=False,
        )
        for pair in likely_duplicates(places)
    ]
