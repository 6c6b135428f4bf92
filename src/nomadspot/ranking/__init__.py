"""The ranking engine behind ``find``: pure (no I/O, no typer or rich), usable from Python.

``rank(places, meeting)`` sorts places into results, exclusions and near misses:

1. The filters (``filters.FILTERS``) exclude only what is KNOWN to fail: scope first (city,
   country, kind, radius), then the obstacles (amenities, seats, meeting room, budget,
   hours over the meeting window in each place's local time with its public holidays;
   with ``strict``, anything unknown).
2. Reach: with participants, a place whose distance (the farthest participant's, or the
   total) is more than 20 km and more than 50 % above the best place that fits is
   excluded as "out of the way".
3. The criteria (``criteria.CRITERIA``) value each place that fits in [0, 1], each with
   its reasons; the score is their weighted mean (``Weights``). A required amenity that
   is unknown but likely for the kind (``priors.LIKELY``) counts between confirmed and
   unknown.
4. Order: higher exact score (shown rounded to 2 decimals), then name (case- and
   accent-insensitive), then id. Deterministic, and independent of the input order.
"""

from nomadspot.geo import haversine_km
from nomadspot.ranking.context import estimated_cost
from nomadspot.ranking.criteria import CRITERIA, FIT, Criterion, Mark
from nomadspot.ranking.engine import rank
from nomadspot.ranking.filters import CLOSED, FILTERS, OUT_OF_THE_WAY, OVER_BUDGET, Failure, Filter
from nomadspot.ranking.priors import LIKELY
from nomadspot.ranking.results import Exclusion, NearMiss, Ranking, Result
from nomadspot.ranking.weights import DEFAULT_WEIGHTS, WEIGHT_HELP, Weights

__all__ = [
    "CLOSED",
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "FILTERS",
    "FIT",
    "LIKELY",
    "OUT_OF_THE_WAY",
    "OVER_BUDGET",
    "WEIGHT_HELP",
    "Criterion",
    "Exclusion",
    "Failure",
    "Filter",
    "Mark",
    "NearMiss",
    "Ranking",
    "Result",
    "Weights",
    "estimated_cost",
    "haversine_km",
    "rank",
]
