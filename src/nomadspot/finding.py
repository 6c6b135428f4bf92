"""``find`` as a library: rank the places of a catalogue for a meeting.

    import nomadspot
    ranking = nomadspot.find(city="Vienne", needs=["wifi"], catalogue="catalogue.toml")
    for result in ranking.results:
        print(result.id, result.score, result.reasons)

This is where input meets the pure engine (``ranking``): the catalogue is read, the
participants and the towns of places without coordinates are looked up in the offline
gazetteer, and the config's defaults and weights apply. The ``find`` command is this
function plus a renderer."""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from nomadspot import clock, gcpause, planning, ranking
from nomadspot.config import load_config
from nomadspot.errors import NoResultError, UsageError
from nomadspot.model import Meeting, Participant, Place
from nomadspot.paths import catalogue_named, catalogue_path
from nomadspot.store import load_for_reading
from nomadspot.text import fold

if TYPE_CHECKING:
    import datetime as dt

    from nomadspot.config import Config
    from nomadspot.ranking import Ranking, Weights
    from nomadspot.ranking.context import TownCentres
    from nomadspot.vocabulary import Kind

SUGGESTED = 3  # nearest places proposed for a city with no place...
SUGGESTED_WITHIN_KM = 50.0  # ...when they are near enough to be an answer


def find(
    *,
    city: str | None = None,
    country: str | None = None,
    near: Sequence[planning.Where] = (),
    radius_km: float | None = None,
    objective: str = "fair",
    kinds: Sequence[str | Kind] = (),
    needs: Sequence[str] = (),
    prefer: Sequence[str] = (),
    people: int | None = None,
    at: str | dt.datetime | None = None,
    duration: str | dt.timedelta | None = None,
    open_now: bool = False,
    budget: float | None = None,
    strict: bool = False,
    limit: int | None = None,
    catalogue: str | os.PathLike[str] | None = None,
    config: Config | None = None,
    note: Callable[[str], None] | None = None,
) -> Ranking:
    """The places of ``catalogue`` ranked for the meeting these options describe.

    Options take what a user types (``at="mardi 10h"``, ``duration="1h30"``,
    ``near=["Lyon", "45.52,4.87"]``) or typed values (a ``datetime``, a ``timedelta``,
    ``(lat, lon)``). ``catalogue``: a path, or None for the usual one (``--catalogue``'s
    rules); ``config``: None reads the user's config file. ``note`` receives what the
    command line prints on stderr (which town a name was taken for). Bad input raises
    ``UsageError``; an unreadable catalogue ``CatalogueError``. When nothing fits, the
    ranking has no results (``nothing_fits`` says why). ``limit``: only the first
    ``limit`` results are made, the others counted in ``Ranking.cut`` (all for None)."""
    config = config if config is not None else load_config()
    say = note or _silent
    request = planning.Request(
        city=city,
        country=country,
        near=tuple(near),
        radius_km=radius_km,
        objective=objective,
        kinds=tuple(kinds),
        needs=tuple(needs),
        prefer=tuple(prefer),
        people=people,
        at=at,
        duration=duration,
        open_now=open_now,
        budget=budget,
        strict=strict,
    )
    path = catalogue_path(catalogue)
    named = catalogue_named(catalogue)
    if request.near:  # a participant may be a place of any city
        places = load_for_reading(path, say, named=named)
        meeting = planning.meeting(request, places.places, clock.now(), say, config)
    else:  # only the places of the meeting's city are read (all without a city)
        meeting = planning.meeting(request, (), clock.now(), say, config)
        places = load_for_reading(path, say, city=meeting.city, named=named)
    weights = ranking.Weights.from_mapping(config.weights)
    centres = town_centres(places.places, say) if meeting.near else {}
    today = clock.today()
    with gcpause.paused(keep=True):  # tens of thousands of results, no cycles (see gcpause)
        result = ranking.rank(
            places.places,
            meeting,
            weights,
            elsewhere=places.elsewhere,
            town_centres=centres,
            today=today,
            limit=limit,
        )
    if not result.results and result.in_scope == 0 and meeting.city:
        everywhere = load_for_reading(path, say).places if places.elsewhere else places.places
        suggestion = _elsewhere(meeting, everywhere, weights, say, today)
        result = dataclasses.replace(result, suggestion=suggestion)
    return result


def _silent(message: str) -> None:
    """Notes are dropped unless the caller asks for them."""


def town_centres(places: Iterable[Place], note: Callable[[str], None]) -> TownCentres:
    """Where each town of the places without coordinates is, from the offline gazetteer
    (towns it does not know are left out: their places' distance stays unknown)."""
    wanted = {(p.city, p.country_or_default) for p in places if p.coordinates is None}
    if not wanted:
        return {}
    from nomadspot.gazetteer import resolve_city

    centres: dict[tuple[str, str], tuple[float, float]] = {}
    for city, country in wanted:
        try:
            town = resolve_city(f"{city}, {country}").town
        except UsageError:
            continue
        centres[(city, country)] = (town.lat, town.lon)
    return centres


def _elsewhere(
    meeting: Meeting,
    places: Sequence[Place],
    weights: Weights,
    note: Callable[[str], None],
    today: dt.date,
) -> str | None:
    """For a city with no place: the nearest places that fit, or a "did you mean"."""
    from nomadspot.gazetteer import resolve_city  # only when a city has no place

    assert meeting.city is not None  # called for a city only
    try:
        town = resolve_city(meeting.city, meeting.country or "FR").town
    except UsageError:
        return _did_you_mean(meeting.city, places)
    if fold(town.name) != fold(meeting.city) and _did_you_mean(town.name, places):
        return f"did you mean {town.name!r}?"  # the gazetteer read a misspelt name
    around = dataclasses.replace(
        meeting, city=None, near=(Participant(town.name, town.lat, town.lon),), radius_km=None
    )
    nearest = ranking.rank(
        places, around, weights, town_centres=town_centres(places, note), today=today
    )
    located = [
        r
        for r in nearest.results
        if r.distance_km is not None and r.distance_km <= SUGGESTED_WITHIN_KM
    ]
    if not located:
        return f"no place that fits within {SUGGESTED_WITHIN_KM:g} km of {town.name} either"
    named = ", ".join(
        f"{r.place.name} ({r.place.city}, {r.distance_km:.0f} km)"
        for r in sorted(located, key=lambda r: (r.distance_km, r.rank))[:SUGGESTED]
    )
    return f"the nearest places that fit: {named}"


def _did_you_mean(city: str, places: Sequence[Place]) -> str | None:
    cities = {fold(place.city): place.city for place in places}
    close = difflib.get_close_matches(fold(city), list(cities), n=3, cutoff=0.75)
    if not close:
        return None
    return "did you mean " + " or ".join(repr(cities[key]) for key in close) + "?"


def nothing_fits(result: Ranking) -> NoResultError:
    """The error for a ranking with no results: what removed the most places in scope, or
    that the scope itself is empty (a city with no place: what is near, or did you mean)."""
    if result.total == 0:
        return NoResultError(
            "the catalogue has no places yet",
            hint="add some with 'nomadspot add' or 'nomadspot import'",
        )
    obstacle = result.main_obstacle()
    counts = result.excluded_by_reason()
    if obstacle is None:
        return NoResultError("no place fits this meeting")
    if result.in_scope == 0:
        city = result.meeting.city
        if city and counts.get(f"not in {city}") == result.total:
            return NoResultError(f"no place in {city}", hint=result.suggestion)
        scope = ", ".join(f"{count} {reason}" for reason, count in counts.items())
        return NoResultError(
            f"no place in scope: of {result.total}, {scope}",
            hint=result.suggestion or "widen the search (--explain shows every reason)",
        )
    return NoResultError(
        f"no place fits: {counts[obstacle]} of {result.in_scope} excluded as '{obstacle}'",
        hint="relax that condition (--explain shows every reason)",
    )
