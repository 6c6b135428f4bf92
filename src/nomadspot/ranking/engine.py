"""``rank``: the filters, then the reach rule, then the criteria; pure, no I/O."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Final, NamedTuple

from nomadspot.model import Meeting, Place
from nomadspot.ranking.context import Context, Facts, TownCentres, ordered_unknown
from nomadspot.ranking.criteria import CRITERIA, Criterion, Mark
from nomadspot.ranking.filters import FILTERS, OUT_OF_THE_WAY, Failure, Filter
from nomadspot.ranking.results import Exclusion, NearMiss, Ranking, Result
from nomadspot.ranking.weights import DEFAULT_WEIGHTS, Weights
from nomadspot.text import fold

REACH_MIN_KM: Final = 20.0  # never out of the way within this distance...
REACH_MARGIN: Final = 0.5  # ...nor within 50 % more than the best place's distance
NEAR_MISSES: Final = 5

_NO_CENTRES: Final[Mapping[tuple[str, str], tuple[float, float]]] = {}


class _Judged(NamedTuple):
    """A place and what the filters found: its failures (none when it fits)."""

    place: Place
    facts: Facts
    failures: tuple[tuple[Filter, Failure], ...]


def rank(
    places: Iterable[Place],
    meeting: Meeting,
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    elsewhere: int = 0,
    town_centres: TownCentres = _NO_CENTRES,
    today: dt.date | None = None,
    limit: int | None = None,
) -> Ranking:
    """Rank ``places`` for ``meeting``: best first, the excluded with their reasons, and
    the near misses (places in scope that failed one condition only).

    ``elsewhere``: how many places the caller left out because they are not in
    ``meeting.city``; they count as excluded "not in <city>". ``town_centres``: where
    places without coordinates stand (see ``context.TownCentres``). ``today``: the date
    the freshness of facts is judged on (not judged when None). ``limit``: only the
    first ``limit`` results are made (with their reasons), the others are counted in
    ``cut``, as ``Ranking.truncated`` does; the order is still over every place."""
    if elsewhere and not meeting.city:
        raise ValueError("places left out as elsewhere need a meeting city")
    context = Context.of(meeting, weights, town_centres, today)
    filters = tuple(item for item in FILTERS if item.applies(meeting))
    judged = [_judge(place, context, filters) for place in places]
    fitting = [item for item in judged if not item.failures]
    reach = _reach_km(fitting, meeting)
    excluded: list[Exclusion] = []
    kept: list[_Judged] = []
    for item in judged:
        if item.failures:
            first_filter, first = item.failures[0]
            excluded.append(Exclusion(item.place, first.reason, in_scope=not first_filter.scope))
        elif _out_of_the_way(item, reach):
            excluded.append(Exclusion(item.place, OUT_OF_THE_WAY, in_scope=False))
        else:
            kept.append(item)
    criteria = _weighted(CRITERIA, weights, meeting)
    scored = sorted(
        ((_score(item, context, criteria), item) for item in kept),
        key=partial(_order, near=bool(meeting.near)),
    )
    shown = scored if limit is None else scored[:limit]
    results = tuple(
        _result(number, item, score, marks, context)
        for number, ((score, marks), item) in enumerate(shown, start=1)
    )
    excluded.sort(key=lambda e: (e.place.id, e.reason, e.place.name))
    return Ranking(
        meeting=meeting,
        results=results,
        excluded=tuple(excluded),
        near_misses=_near_misses(judged, reach, context, criteria),
        elsewhere=elsewhere,
        cut=len(scored) - len(shown),
    )


def _judge(place: Place, context: Context, filters: tuple[Filter, ...]) -> _Judged:
    """Runs the filters: stops at a scope failure, or at a second obstacle (then the place
    is no near miss)."""
    facts = Facts()
    failures: list[tuple[Filter, Failure]] = []
    for item in filters:
        failure = item.check(place, context, facts)
        if failure is None:
            continue
        failures.append((item, failure))
        if item.scope or len(failures) == 2:
            break
    return _Judged(place, facts, tuple(failures))


def _reach_km(fitting: list[_Judged], meeting: Meeting) -> float | None:
    """Beyond this distance a place is out of the way: more than 20 km and more than 50 %
    above the best place that fits."""
    distances = [item.facts.distance for item in fitting if item.facts.distance is not None]
    if not meeting.near or not distances:
        return None
    return max(REACH_MIN_KM, min(distances) * (1 + REACH_MARGIN))


def _out_of_the_way(item: _Judged, reach: float | None) -> bool:
    distance = item.facts.distance
    return reach is not None and distance is not None and distance > reach


class _Weighted(NamedTuple):
    """The criteria that count for a meeting, each with its weight, and their sum."""

    criteria: tuple[tuple[Criterion, float], ...]
    total: float


def _weighted(criteria: tuple[Criterion, ...], weights: Weights, meeting: Meeting) -> _Weighted:
    chosen = ((item, item.weight(weights, meeting)) for item in criteria if item.applies(meeting))
    counted = tuple((item, weight) for item, weight in chosen if weight > 0)
    return _Weighted(counted, sum(weight for _, weight in counted))


def _score(item: _Judged, context: Context, weighted: _Weighted) -> tuple[float, tuple[Mark, ...]]:
    """The weighted mean of the criteria's values, in [0, 1], and their marks."""
    place, facts = item.place, item.facts
    marks = []
    exact = 0.0
    for criterion, weight in weighted.criteria:
        mark = criterion.value(place, context, facts)
        marks.append(mark)
        exact += weight * mark.value
    total = weighted.total
    return (min(1.0, max(0.0, exact / total)) if total > 0 else 0.0), tuple(marks)


def _order(
    scored: tuple[tuple[float, tuple[Mark, ...]], _Judged], *, near: bool
) -> tuple[bool, float, str, str, str]:
    """Best score first, then by name (case- and accent-insensitive), then id. With --near,
    a place whose distance is unknown (no coordinates, and a town the gazetteer does not
    know) comes after every place whose distance is known: it may be anywhere, and near
    means near."""
    (score, _), item = scored
    place = item.place
    lost = near and item.facts.distance is None
    return (lost, -score, fold(place.name), place.name, place.id)


def _result(
    number: int, item: _Judged, score: float, marks: tuple[Mark, ...], context: Context
) -> Result:
    facts = item.facts
    check = facts.check
    raised: list[str] = []
    lowered: list[str] = []
    unknown: list[str] = []
    for mark in marks:
        raised += mark.raised
        lowered += mark.lowered
        unknown += mark.unknown
    return Result(
        rank=number,
        place=item.place,
        score=round(score, 2),
        distance_km=None if facts.distance is None else round(facts.distance, 1),
        distances_km=None
        if facts.distances is None
        else tuple(round(d, 1) for d in facts.distances),
        distance_approx=facts.distance_approx,
        open=True if check is not None and check.state == "open" else None,
        window="" if check is None else check.text,
        cost=None if facts.cost is None else round(facts.cost, 2),
        matched=tuple(facts.matched),
        likely=tuple(need for need in context.meeting.needs if need in facts.likely)
        if facts.likely
        else (),
        unknown=ordered_unknown(facts.unknown, context.meeting),
        reasons=(*raised, *facts.notes, *lowered, *unknown, *facts.unknown_notes),
    )


def _near_misses(
    judged: list[_Judged],
    reach: float | None,
    context: Context,
    criteria: _Weighted,
) -> tuple[NearMiss, ...]:
    """The places in scope that failed one obstacle only, best first (as they would have
    ranked), at most five."""
    single = [
        item
        for item in judged
        if len(item.failures) == 1
        and item.failures[0][0].near_miss
        and not item.failures[0][0].scope
        and not _out_of_the_way(item, reach)
    ]
    scored = ((_score(item, context, criteria), item) for item in single)
    best = heapq.nsmallest(
        NEAR_MISSES, scored, key=partial(_order, near=bool(context.meeting.near))
    )
    return tuple(NearMiss(item.place, item.failures[0][1].miss) for _, item in best)
