"""What ``rank`` gives back: the results, the exclusions, the near misses."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from nomadspot.model import Meeting, Place


class Result(NamedTuple):
    """A place that fits, with its rank (1..n) and why. (A named tuple: immutable, and
    several times cheaper to make than a frozen dataclass, for tens of thousands.)"""

    rank: int
    place: Place
    score: float
    """In [0, 1], rounded to 2 decimals (the order uses the exact value)."""
    distance_km: float | None
    """The farthest participant's distance, or the total with ``--objective total``."""
    distances_km: tuple[float, ...] | None
    """One per participant, in order; None without participants or coordinates."""
    distance_approx: bool
    """The place's town centre stood in for its missing coordinates."""
    open: bool | None
    """True when open for the whole meeting; None without a window or hours unknown."""
    window: str
    cost: float | None
    matched: tuple[str, ...]
    likely: tuple[str, ...]
    unknown: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.place.id

    @property
    def name(self) -> str:
        return self.place.name


class Exclusion(NamedTuple):
    """A place that does not fit, and the first reason found (stable wording). A named
    tuple, as ``Result``."""

    place: Place
    reason: str
    in_scope: bool = True
    """False when a scope condition (city, country, kind, reach, radius) excluded it."""


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A place in scope that failed one condition only, and by how much."""

    place: Place
    reason: str


@dataclass(frozen=True, slots=True)
class Ranking:
    meeting: Meeting
    results: tuple[Result, ...]
    excluded: tuple[Exclusion, ...]
    near_misses: tuple[NearMiss, ...] = ()
    """At most five, best first."""
    elsewhere: int = 0
    """Places excluded as not in the meeting's city without being looked at (a store that
    reads one city's places); counted in ``excluded_count`` and ``excluded_by_reason``."""
    cut: int = 0
    """Results left out by ``truncated`` (a table shows ``… N more``)."""
    suggestion: str | None = None
    """When the scope is empty: the nearest places elsewhere, or a "did you mean"."""

    @property
    def excluded_count(self) -> int:
        return len(self.excluded) + self.elsewhere

    @property
    def total(self) -> int:
        """How many places were looked at (or counted as elsewhere)."""
        return len(self.results) + self.cut + self.excluded_count

    @property
    def in_scope(self) -> int:
        """How many places passed the scope conditions (city, country, kind, reach, radius)."""
        return len(self.results) + self.cut + sum(e.in_scope for e in self.excluded)

    def excluded_by_reason(self) -> dict[str, int]:
        """How many places each reason excluded: most frequent first, ties by reason."""
        counts = Counter(exclusion.reason for exclusion in self.excluded)
        if self.elsewhere and self.meeting.city:
            counts[not_in_city(self.meeting.city)] += self.elsewhere
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def main_obstacle(self) -> str | None:
        """What removed the most places among those in scope; a scope condition only when
        nothing was in scope. None when nothing was excluded."""
        in_scope = Counter(e.reason for e in self.excluded if e.in_scope)
        if in_scope:
            return min(in_scope.items(), key=lambda item: (-item[1], item[0]))[0]
        return next(iter(self.excluded_by_reason()), None)

    def truncated(self, limit: int | None) -> Ranking:
        """The first ``limit`` results (all for None), counting the rest in ``cut``."""
        if limit is None or len(self.results) <= limit:
            return self
        return dataclasses.replace(
            self, results=self.results[:limit], cut=self.cut + len(self.results) - limit
        )


def not_in_city(city: str) -> str:
    return f"not in {city}"
