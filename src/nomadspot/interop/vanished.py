"""Places that a fresh export of the same source no longer holds: a café deleted from
OpenStreetMap since the last import should not stay in the catalogue as a ghost.

"The same source" is decided cautiously, since an export covers only what its query
asked for. A catalogue place vanished from an import when all of these hold:

- its ``source`` is of the same family as the file's records (``osm:`` for OpenStreetMap
  elements, ``census:tiers-lieux-2019/`` for the census; see ``sources``), and no record
  of the file has that source, not even one skipped (an element that lost its name
  still exists);
- its kind is one of the kinds the file brings (an export of cafés says nothing about
  the coworking spaces of the same streets);
- its coordinates lie within the bounding box of the file's records (an export of Paris
  1st-8th says nothing of the 11th).

Such places are marked ``closed``; nothing is ever removed (the user's visits and notes
stay), and the import summary names them. An export made with a narrower query than the
last one (only the cafés with wifi, this time) would make the others look vanished: when
more than ``MAX_VANISHED_SHARE`` of the covered places of a kind (and more than
``ALWAYS_BELIEVED``) are missing, the file is taken for another query and nothing of that
kind is marked (the summary says so). The share is per kind: the Paris cafés export holds
one restaurant, and says nothing of the restaurants another export brought.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from nomadspot.interop.sources import CENSUS_PREFIX, OSM_PREFIX
from nomadspot.model import Place
from nomadspot.vocabulary import Kind

FAMILIES = (OSM_PREFIX, CENSUS_PREFIX)
# More missing than this share of the places a file covers: another query, not closures.
# (A year of OpenStreetMap edits closes a few percent of a town's cafés, not a quarter.)
MAX_VANISHED_SHARE = 0.25
# So few missing places are believed whatever the share (a catalogue of three cafés).
ALWAYS_BELIEVED = 2


def family(source: str | None) -> str | None:
    """The prefix that names where a source id comes from, or None for other sources."""
    if source is None:
        return None
    for prefix in FAMILIES:
        if source.startswith(prefix):
            return prefix
    return None


@dataclass(frozen=True, slots=True)
class Extent:
    """What an import file covers: its source families, kinds and bounding box."""

    families: frozenset[str]
    kinds: frozenset[Kind]
    south: float
    west: float
    north: float
    east: float
    sources: frozenset[str]

    def within(self, place: Place) -> bool:
        """Whether ``place`` is of the file's families and kinds, inside its box."""
        if place.lat is None or place.lon is None:
            return False
        return (
            family(place.source) in self.families
            and place.kind in self.kinds
            and self.south <= place.lat <= self.north
            and self.west <= place.lon <= self.east
        )


def extent(records: Sequence[Place], seen: Iterable[str] = ()) -> Extent | None:
    """The extent of an import's places that have a source of a known family and
    coordinates; None when there are none (then nothing can be said to have vanished).
    ``seen``: the sources of every record of the file, skipped ones included."""
    located = [
        place
        for place in records
        if family(place.source) is not None and place.lat is not None and place.lon is not None
    ]
    if not located:
        return None
    lats = [place.lat for place in located if place.lat is not None]
    lons = [place.lon for place in located if place.lon is not None]
    return Extent(
        families=frozenset(family(place.source) or "" for place in located),
        kinds=frozenset(place.kind for place in located),
        south=min(lats),
        west=min(lons),
        north=max(lats),
        east=max(lons),
        sources=frozenset((*seen, *(place.source or "" for place in records))),
    )


@dataclass(frozen=True, slots=True)
class Vanished:
    """``positions``: the places of the catalogue to mark closed; ``covered``: how many
    places the file should have held; ``refused``: per kind, how many are missing where
    too many are (another query), so none of that kind is marked."""

    positions: tuple[int, ...] = ()
    covered: int = 0
    refused: Mapping[Kind, int] = field(default_factory=dict)


def vanished(
    existing: Sequence[Place], records: Sequence[Place], seen: Iterable[str] = ()
) -> Vanished:
    """The places of ``existing`` that ``records`` (an import's places) should have held
    and do not; ``seen`` as for ``extent``. The share of missing places is judged per
    kind: an export of cafés that holds one restaurant says little of the restaurants."""
    area = extent(records, seen)
    if area is None:
        return Vanished()
    missing: dict[Kind, list[int]] = {}
    covered: Counter[Kind] = Counter()
    for position, place in enumerate(existing):
        if area.within(place):
            covered[place.kind] += 1
            if place.source not in area.sources:
                missing.setdefault(place.kind, []).append(position)
    refused = {
        kind: len(positions)
        for kind, positions in missing.items()
        if len(positions) > max(ALWAYS_BELIEVED, MAX_VANISHED_SHARE * covered[kind])
    }
    kept = sorted(
        position for kind, found in missing.items() if kind not in refused for position in found
    )
    return Vanished(tuple(kept), sum(covered.values()), refused)
