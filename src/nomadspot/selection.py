"""The list filters shared by ``list`` and ``export``: city, kinds, tags."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from nomadspot.model import Place
from nomadspot.text import fold, fold_cached
from nomadspot.vocabulary import parse_kind


def sort_key(place: Place) -> tuple[str, str, str]:
    return (fold_cached(place.city), fold(place.name), place.id)


def select(
    places: Iterable[Place],
    *,
    city: str | None = None,
    kinds: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
) -> list[Place]:
    """Places matching every filter, sorted by city then name."""
    chosen = list(places)
    if city:
        city_key = fold(city)
        chosen = [place for place in chosen if fold_cached(place.city) == city_key]
    if kinds:
        wanted_kinds = {parse_kind(kind) for kind in kinds}
        chosen = [place for place in chosen if place.kind in wanted_kinds]
    if tags:
        wanted_tags = {fold(tag) for tag in tags}
        chosen = [
            place for place in chosen if wanted_tags <= {fold_cached(tag) for tag in place.tags}
        ]
    return sorted(chosen, key=sort_key)
