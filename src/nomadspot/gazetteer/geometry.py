"""Distances on the Earth, and the grid of cells that orders towns in the data file."""

from __future__ import annotations

import math
from collections.abc import Iterator

from nomadspot.geo import EARTH_RADIUS_KM, haversine_km

KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180.0
distance_km = haversine_km  # the gazetteer's name for the great-circle distance
_CELLS_PER_BAND = 3600


def pull_km(population: int) -> float:
    """How far a town's pull reaches: 0.5 km + 0.2 km x sqrt(population / 1000)."""
    return 0.5 + 0.2 * math.sqrt(max(population, 0) / 1000.0)


def valid(lat: float, lon: float) -> bool:
    """A point on Earth: finite, latitude within ±90, longitude within ±180."""
    return (
        math.isfinite(lat)
        and math.isfinite(lon)
        and -90.0 <= lat <= 90.0
        and -180.0 <= lon <= 180.0
    )


def _band(lat: float) -> int:
    return min(max(math.floor((lat + 90.0) * 10), 0), 1799)


def _column(lon: float) -> int:
    return min(max(math.floor((lon + 180.0) * 10), 0), _CELLS_PER_BAND - 1)


def cell(lat: float, lon: float) -> int:
    """The number of the 0.1 x 0.1 degree cell holding (lat, lon). Cells are numbered row
    by row (south to north, west to east), so a row of cells between two longitudes is a
    range of numbers."""
    return _band(lat) * _CELLS_PER_BAND + _column(lon)


def bounding_box(
    lat: float, lon: float, radius_km: float
) -> tuple[float, float, list[tuple[float, float]]]:
    """The latitudes (south, north) and longitude ranges (one, or two across the
    antimeridian) within ``radius_km`` of (lat, lon)."""
    dlat = radius_km / KM_PER_DEGREE
    cos_lat = math.cos(math.radians(min(abs(lat) + dlat, 90.0)))
    dlon = 180.0 if cos_lat < 1e-6 else min(180.0, radius_km / (KM_PER_DEGREE * cos_lat))
    return lat - dlat, lat + dlat, _lon_ranges(lon - dlon, lon + dlon)


def cell_ranges(
    south: float, north: float, lon_ranges: list[tuple[float, float]]
) -> Iterator[tuple[int, int]]:
    """The ranges of cell numbers (first, last) that cover the box."""
    for band in range(_band(south), _band(north) + 1):
        for west, east in lon_ranges:
            yield band * _CELLS_PER_BAND + _column(west), band * _CELLS_PER_BAND + _column(east)


def _lon_ranges(lo: float, hi: float) -> list[tuple[float, float]]:
    """Split a longitude interval that crosses the antimeridian."""
    if hi - lo >= 360.0:
        return [(-180.0, 180.0)]
    if lo < -180.0:
        return [(-180.0, hi), (lo + 360.0, 180.0)]
    if hi > 180.0:
        return [(lo, 180.0), (-180.0, hi - 360.0)]
    return [(lo, hi)]
