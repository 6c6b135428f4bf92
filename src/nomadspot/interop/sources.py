"""Where records come from: the open-data files nomadspot knows by name, the ``source``
their imports set, the vocabularies they use for a kind, and the attribution that
exports owe their licences.

A place's ``source`` says where it came from and is kept through edits and exports:

- ``osm:node/123`` (also ``way``, ``relation``): an OpenStreetMap element, © OpenStreetMap
  contributors, ODbL 1.0;
- ``census:tiers-lieux-2019/37``: record ``ID = 37`` of the French tiers-lieux census
  (CGET / ANCT, Mission Coworking 2019, Licence Ouverte 2.0). An import sets it on the
  records of a CSV or GeoJSON file that has the census's columns (``CENSUS_COLUMNS``), so
  a re-import updates the same places and an export names the census.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from nomadspot.model import Place
from nomadspot.text import fold
from nomadspot.vocabulary import Kind

OSM_PREFIX = "osm:"
CENSUS_PREFIX = "census:tiers-lieux-2019/"
# Columns that together say "the 2019 tiers-lieux census" (CGET_TiersLieux_2019.csv and
# .geojson, anct-carto/mission_coworking): its own names, which no other file combines.
CENSUS_COLUMNS = frozenset({"ID", "NOM_TL", "TYPO", "NOMCOM", "INSEECOM"})

# What each source's licence asks an export to say, in the order exports list them.
ATTRIBUTIONS: tuple[tuple[str, str], ...] = (
    (OSM_PREFIX, "© OpenStreetMap contributors, ODbL 1.0"),
    (CENSUS_PREFIX, "CGET / ANCT, Mission Coworking 2019, Licence Ouverte 2.0"),
)

# The census's TYPO column, folded: "Tiers lieux à dominante coworking" (1,118 records of
# 1,512) is a coworking space; "Tiers lieux à dominante fablab" (345) and any other
# value are tiers-lieux; 49 records leave it empty (then --kind decides).
TYPO_KINDS: dict[str, Kind] = {
    "tiers lieux a dominante coworking": Kind.COWORKING,
    "tiers lieux a dominante fablab": Kind.TIERS_LIEU,
}


def typo_kind(value: Any) -> Kind | None:
    """The kind a census ``TYPO`` value names; None when it is empty."""
    if not isinstance(value, str) or not value.strip():
        return None
    return TYPO_KINDS.get(fold(value[:200]), Kind.TIERS_LIEU)


# Columns whose values are a known vocabulary of kinds, for ``--map kind=COLUMN``.
KIND_VOCABULARIES = {"TYPO": typo_kind}


def is_census(columns: Collection[str]) -> bool:
    """Whether a file with these columns (or GeoJSON properties) is the 2019 census."""
    return "NOM_TL" in columns and all(column in columns for column in CENSUS_COLUMNS)


def census_source(record_id: Any) -> str | None:
    """``census:tiers-lieux-2019/37`` from a census record's ``ID``."""
    if isinstance(record_id, bool):
        return None
    text = str(record_id).strip() if isinstance(record_id, (str, int)) else ""
    return CENSUS_PREFIX + text if text.isdigit() and len(text) <= 12 else None


def attribution_of(source: str | None) -> str | None:
    """The attribution a place's source asks for, or None (a place of the user's own)."""
    if source is None:
        return None
    for prefix, text in ATTRIBUTIONS:
        if source.startswith(prefix):
            return text
    return None


def attribution(places: Iterable[Place]) -> str | None:
    """The attributions of the sources among ``places``, joined with ``; `` in the order
    of ``ATTRIBUTIONS``; None when none of them came from a licensed source."""
    found = {attribution_of(place.source) for place in places}
    texts = [text for _, text in ATTRIBUTIONS if text in found]
    return "; ".join(texts) if texts else None
