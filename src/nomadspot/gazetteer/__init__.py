"""The offline town gazetteer: a town name to coordinates (``find --near Vienne``), a point
to the commune it is in (``import`` fills a missing city), a place to its time zone, a
country name to its ISO code.

Source: GeoNames' ``cities500`` (every town of 500 people or more, 234,908 entries, CC BY
4.0), prepared once by a developer (``nomadspot.gazetteer.build``) into ``towns.sqlite``,
shipped beside this module: a look-up only reads it, on any machine, from the first call.

Rules, as documented for users:

- A name matches a town's name or, second, one of its alternate names (``Wien``, ``Vienne``
  for Vienna), ignoring case, accents and ``-``/``'``/space differences.
- ``"Name, CC"`` (or ``"Name, Country"``) restricts to that country; a French département
  (``"Vienne (38)"``) or postcode (``"Vienne 38200"``) restricts to the towns of that
  département. A bare name prefers towns in the default country and falls back to the whole
  world. Among candidates: a match on the name beats a match on an alternate name (unless
  the alternate-name match is 100 times as populous: "Londres" is London, not Londres,
  Argentina), then the larger population wins.
- A bare name is *ambiguous*, and ``find`` says which town it chose, only when another
  candidate is a plausible meaning (``plausible_alternative``).
- The commune at a point: arrondissements count as their commune, neighbourhoods are not
  towns of their own (see ``nomadspot.gazetteer.build``). Every other town pulls with
  0.5 km + 0.2 km x sqrt(population / 1000) (0.6 km for a village, 2.4 km for 90,000
  people, 9.7 km for Paris); among the towns within 15 km of the point (30 km if none),
  the one with the smallest distance / pull wins. Nothing within 30 km: None.
- The time zone of a place: that of the nearest town of its country (within 300 km), else
  of the nearest town of any country, else that of the most populous town of its country.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nomadspot.errors import UsageError
from nomadspot.gazetteer.geometry import distance_km, pull_km, valid
from nomadspot.gazetteer.index import DATA_FILE, Index, NameRow, Town
from nomadspot.text import fold

__all__ = [
    "ALTERNATE_DOMINANCE",
    "NO_COMMUNE_BEYOND_KM",
    "PLAUSIBLE_SHARE",
    "CityMatch",
    "NameRow",
    "Town",
    "canonical_city",
    "country_code",
    "country_timezone",
    "distance_km",
    "ensure_index",
    "index_path",
    "nearest_commune",
    "plausible_alternative",
    "pull_km",
    "resolve_city",
]

NO_COMMUNE_BEYOND_KM = 30.0
"""``nearest_commune`` returns None when no town is within this distance."""
_FIRST_SCAN_KM = 15.0
ALTERNATE_DOMINANCE = 100
PLAUSIBLE_SHARE = 0.25
"""Another town is a plausible meaning of a name when it has at least this share of the
chosen town's population (or is a capital): see ``plausible_alternative``."""

_COUNTRY_SUFFIX = re.compile(r"^(.*?)\s*,\s*([^,]+?)\s*$")
_DEPARTEMENT = re.compile(r"^(.*?)\s*\(\s*(\d{2,3}|2[abAB]|\d{5})\s*\)\s*$")
_POSTCODE = re.compile(r"^(.*?)[\s,]+(\d{5})\s*$")
# The départements beyond the sea are countries of their own in GeoNames.
_OVERSEAS = {
    "971": "GP",
    "972": "MQ",
    "973": "GF",
    "974": "RE",
    "975": "PM",
    "976": "YT",
    "977": "BL",
    "978": "MF",
}

_HINT_UNKNOWN = (
    "spell it as the town is named (accents and case do not matter), add "
    "', CC' for a town in another country (e.g. 'Vienne, AT'), or give LAT,LON"
)


@dataclass(frozen=True, slots=True)
class CityMatch:
    """What ``resolve_city`` chose. ``ambiguous``: no country was given and another town
    is a plausible meaning of the name too (``plausible_alternative``); ``alternatives``
    lists a few of the other towns that matched (one per label, biggest first)."""

    town: Town
    ambiguous: bool
    alternatives: tuple[Town, ...]


@dataclass(frozen=True, slots=True)
class _Query:
    """A typed town: the name, and what restricts it (country, French département)."""

    text: str
    country: str | None = None
    departement: str | None = None


def index_path() -> Path:
    """The gazetteer's data file, shipped in the package."""
    return DATA_FILE


def ensure_index() -> Path:
    """The data file, opened (and checked) now rather than at the first look-up."""
    return _index().path


def _index() -> Index:
    return Index.get(index_path())


# --------------------------------------------------------------------------- names


def resolve_city(query: str, default_country: str = "FR") -> CityMatch:
    """The town a user means by ``query`` ("Vienne", "Vienne, AT", "Vienne (38)",
    "Vienne 38200", "neuilly sur seine").

    Raises ``UsageError`` (exit 2) for an empty query, an unknown country or département or
    a name that matches nothing."""
    if not query.strip():
        raise UsageError("empty place or city name", hint=_HINT_UNKNOWN)
    parsed = _parse(query)
    key = fold(parsed.text)
    if not key:
        raise UsageError(f"unknown place or city: {query!r}", hint=_HINT_UNKNOWN)
    db = _index()
    rows = db.by_name(key)
    if not rows:
        raise UsageError(f"unknown place or city: {query!r}", hint=_HINT_UNKNOWN)
    restricted = parsed.country is not None
    if restricted:
        pool = _restrict(query, parsed, rows)
    else:
        preferred = (default_country or "").strip().upper()
        pool = [row for row in rows if row.country == preferred] or rows
    chosen = min(pool, key=_ranking(pool))
    others = [
        row
        for row in (pool if restricted else rows)
        if row is not chosen and row.commune != chosen.commune
    ]
    alternatives = _one_per_label(sorted(others, key=_ranking(others)))
    return CityMatch(
        town=db.town(chosen.id),
        ambiguous=not restricted and any(plausible_alternative(o, chosen) for o in others),
        alternatives=tuple(db.town(row.id) for row in alternatives[:5]),
    )


def plausible_alternative(candidate: NameRow, chosen: NameRow) -> bool:
    """Whether a person could have meant ``candidate`` rather than the ``chosen`` town, so
    that the choice deserves a note: the candidate is its country's capital, or it has at
    least PLAUSIBLE_SHARE (a quarter) of the chosen town's population, or, when only one of
    its alternate names matched, at least as many people as the chosen town.

    "Vienne": Vienna (AT), "Vienne" in French, is a capital: a note. "Saint-Denis":
    Saint-Denis of La Réunion is larger than Saint-Denis (93): a note. "Nantes", "Lille",
    "Marseille": Nantes (BR), Lille (BE) or Marseille-en-Beauvaisis are villages beside
    them: no note. "Metz": Akbou (DZ), once called Metz, is a third of its size: no note."""
    if candidate.capital:
        return True
    share = 1.0 if candidate.alternate else PLAUSIBLE_SHARE
    return candidate.population >= share * chosen.population


def _parse(query: str) -> _Query:
    """Split "Name, CC", "Name (38)" and "Name 38200" into the name and its restriction."""
    text = query.strip()
    for pattern in (_DEPARTEMENT, _POSTCODE):
        match = pattern.match(text)
        if match and match.group(1).strip():
            country, departement = _departement(match.group(2), query)
            return _Query(match.group(1), country, departement)
    suffix = _COUNTRY_SUFFIX.match(text)
    if suffix:
        named = _country_or_none(suffix.group(2))
        if named is not None:
            return _Query(suffix.group(1), named)
        if len(suffix.group(2).strip()) == 2:
            raise UsageError(
                f"unknown place or city: {query!r} ({suffix.group(2).strip()!r} is not a "
                "country code the gazetteer knows)",
                hint="use an ISO 3166 two-letter code such as FR, BE, CH, AT, DE",
            )
    return _Query(text)


def _departement(code: str, query: str) -> tuple[str, str | None]:
    """The country and département of a French département number or postcode: "38" and
    "38200" are ("FR", "38"); Corsica's postcodes 200xx-201xx are 2A, 202xx-206xx 2B;
    "974" and "97400" are ("RE", None), La Réunion being a country in GeoNames."""
    code = code.upper()
    if len(code) == 5:
        if code.startswith("97"):
            code = code[:3]
        elif code.startswith("20"):
            code = "2A" if code < "20200" else "2B"
        else:
            code = code[:2]
    if code in _OVERSEAS:
        return _OVERSEAS[code], None
    if code in ("2A", "2B") or (len(code) == 2 and "01" <= code <= "95" and code != "20"):
        return "FR", code
    raise UsageError(
        f"unknown place or city: {query!r} ({code!r} is not a French département)",
        hint="give the département's number, e.g. 'Vienne (38)', or the postcode",
    )


def _restrict(query: str, parsed: _Query, rows: list[NameRow]) -> list[NameRow]:
    pool = [row for row in rows if row.country == parsed.country]
    if parsed.departement is not None:
        pool = [row for row in pool if row.admin2 == parsed.departement]
    if pool:
        return pool
    departements = sorted({row.admin2 for row in rows if row.country == "FR" and row.admin2})
    if parsed.departement is not None and departements:
        hint = f"{parsed.text!r} is known in the départements {', '.join(departements[:8])}; "
    else:
        countries = sorted({row.country for row in rows})
        hint = f"{parsed.text!r} is known in {', '.join(countries[:8])}; "
    hint += _HINT_UNKNOWN
    raise UsageError(f"unknown place or city: {query!r}", hint=hint)


def _ranking(rows: Sequence[NameRow]) -> Callable[[NameRow], tuple[bool, int, int]]:
    """Sort key: a match on the name before a match on an alternate name, then the larger
    population. Exception: an alternate-name match at least ALTERNATE_DOMINANCE times as
    populous as every name match counts as a name match ("Londres" is London, not the
    village of Londres, Argentina)."""
    named = max((row.population for row in rows if not row.alternate), default=0)

    def key(row: NameRow) -> tuple[bool, int, int]:
        demoted = row.alternate and row.population < ALTERNATE_DOMINANCE * max(named, 1)
        return demoted, -row.population, row.rank

    return key


def _one_per_label(rows: Iterable[NameRow]) -> list[NameRow]:
    """Keep the first row of each label ("Vienna, US" once, not eight times)."""
    seen: set[tuple[str, str]] = set()
    out: list[NameRow] = []
    for row in rows:
        label = (row.name, row.country)
        if label not in seen:
            seen.add(label)
            out.append(row)
    return out


def canonical_city(name: str, country: str) -> str | None:
    """The town's name as the gazetteer spells it: ``canonical_city("vienne", "FR")`` is
    "Vienne", ``canonical_city("saint etienne", "FR")`` "Saint-Étienne". Only a town's own
    name counts (an alternate name such as "Wien" is the user's spelling to keep); with an
    empty ``country``, any country's. None when no such town is known."""
    key = fold(name)
    if not key:
        return None
    code = (country or "").strip().upper()
    rows = [
        row
        for row in _index().by_name(key)
        if not row.alternate and (not code or row.country == code)
    ]
    if not rows:
        return None
    return max(rows, key=lambda row: (row.population, -row.id)).name


def country_code(text: str) -> str:
    """The ISO 3166 code of a country given by its code (``FR``, ``fra``) or its English
    or French name (``France``, ``Austria``, ``Autriche``), case and accents ignored.
    Raises ``UsageError`` for an unknown one."""
    found = _country_or_none(text)
    if found is None:
        raise UsageError(
            f"unknown country: {text.strip()!r}",
            hint="give its ISO code (FR, BE, CH, AT) or its name (France, Autriche, Austria)",
        )
    return found


def _country_or_none(text: str) -> str | None:
    key = fold(text)
    return _index().country_named(key) if key else None


# --------------------------------------------------------------------------- points


def nearest_commune(lat: float, lon: float) -> Town | None:
    """The commune a person would name for the point (lat, lon): "Paris" for a café in the
    7th arrondissement, "Neuilly-sur-Seine" for one in Neuilly, a village for a point in
    it. None when no town is within 30 km or the coordinates are not a place on Earth."""
    if not valid(lat, lon):
        return None
    db = _index()
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
    point = (lat, lon) if lat is not None and lon is not None and valid(lat, lon) else None
    return _index().timezone_of(code, point)
