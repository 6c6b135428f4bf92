"""The library API for a catalogue's places (``find`` is in ``nomadspot.finding``)::

    import nomadspot
    nomadspot.add_place("La Pépinière", kind="pépinière", city="Vienne", wifi_mbps=100,
                        amenities={"wifi": True}, catalogue="catalogue.toml")
    for place in nomadspot.list_places(city="Vienne", catalogue="catalogue.toml"):
        print(place.id, place.name, place.has("wifi"))

``catalogue`` is a path (str or Path), or None for the usual one (``NOMADSPOT_CATALOGUE``,
else the user's data folder). Reading functions fall back to the shipped example
catalogue when the usual one does not exist yet, and tell ``note`` (silent by default).
Values are what a user types (``seats="40"``, ``checked="hier"``, ``time_limit="2h"``)
or typed values; ``None`` means "not given" and an empty text clears a field. Errors
are ``nomadspot.errors`` exceptions, each with the command line's exit code. The
command line (``nomadspot.cli``) is these functions plus parsing and rendering.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from nomadspot.errors import UsageError
from nomadspot.fields import VISIT_FIELDS
from nomadspot.freshness import DEFAULT_AGE, StalePlace, parse_age, stale
from nomadspot.model import DEFAULT_COUNTRY, Place, Visit
from nomadspot.paths import catalogue_named, catalogue_path
from nomadspot.selection import select
from nomadspot.store import load_for_reading
from nomadspot.text import fold, fold_cached

CataloguePath = str | os.PathLike[str] | None
Note = Callable[[str], None]

__all__ = [
    "StalePlace",
    "add_place",
    "edit_place",
    "get_place",
    "list_places",
    "log_visit",
    "remove_place",
    "stale_places",
]


def _silent(message: str) -> None:
    """The default ``note``: a library says nothing on stderr."""


def _path(catalogue: CataloguePath) -> Path:
    return catalogue_path(catalogue)


def _read(catalogue: CataloguePath, note: Note | None, city: str | None = None) -> Sequence[Place]:
    named = catalogue_named(catalogue)
    return load_for_reading(_path(catalogue), note or _silent, city=city, named=named).places


def list_places(
    *,
    city: str | None = None,
    kinds: Sequence[str] = (),
    tags: Sequence[str] = (),
    catalogue: CataloguePath = None,
    include_private: bool = False,
    note: Note | None = None,
) -> list[Place]:
    """The places matching every filter, sorted by city then name. ``[place.private]`` is
    left out unless ``include_private``."""

    places = select(_read(catalogue, note), city=city, kinds=kinds, tags=tags)
    return places if include_private else [place.without_private() for place in places]


def get_place(ref: str, *, catalogue: CataloguePath = None, note: Note | None = None) -> Place:
    """The place ``ref`` names (an id, a unique id prefix, or a name), in full."""
    from nomadspot import refs

    return refs.resolve(ref, _read(catalogue, note))


def city_as_spelt(city: str, country: str | None, known: Iterable[Place] = ()) -> str:
    """A typed town as the catalogue's places already spell it, else as the gazetteer
    spells it (``vienne`` -> ``Vienne``, ``saint etienne`` -> ``Saint-Étienne``), else as
    typed with its first letter capitalised. (The catalogue first: the gazetteer costs an
    import and a look-up that most adds, to a town already there, do not need.)"""

    text = city.strip()
    key = fold(text)
    for spelt in {place.city for place in known}:
        if spelt[:1].isupper() and fold_cached(spelt) == key:
            return spelt
    from nomadspot.gazetteer import canonical_city

    found = canonical_city(text, country or DEFAULT_COUNTRY) if text else None
    return found if found is not None else text[:1].upper() + text[1:]


def add_place(
    name: str,
    *,
    kind: str,
    city: str,
    catalogue: CataloguePath = None,
    place_id: str | None = None,
    **fields: Any,
) -> Place:
    """Add a place and return it; its id derives from name and city unless ``place_id``.
    ``fields``: catalogue keys (``seats``, ``opening_hours``, ``sockets``...),
    ``amenities`` (``{"wifi": True}``), ``price_hour``/``price_day``/``price_room_hour``,
    ``private`` (``{"wifi_password": "..."}``). A duplicate id is a ``UsageError``."""
    from nomadspot import clock, editing, store

    typed = editing.new_place(name, kind, city, fields, place_id, clock.today())

    def insert(current: store.Catalogue) -> tuple[store.Catalogue, Place]:
        # The id stays: it is made of the city folded, whatever its spelling.
        place = replace(typed, city=city_as_spelt(typed.city, typed.country, current.places))
        existing = current.get(place.id)
        if existing is not None:
            raise UsageError(
                f"a place with id {place.id!r} already exists ({existing.name}, {existing.city})",
                hint=f"change it with 'nomadspot edit {place.id}', or choose another --id",
            )
        return current.with_places([*current.places, place]), place

    return store.update(_path(catalogue), insert)


def edit_place(ref: str, *, catalogue: CataloguePath = None, **changes: Any) -> Place:
    """Change the fields ``changes`` names (as ``add_place``'s ``fields``; tags are added,
    amenities and private values merged, an empty private value removes the key) and
    return the place as saved."""
    from nomadspot import clock, editing, refs, store

    if editing.is_empty(changes):
        raise UsageError("nothing to change", hint="give a field to change, e.g. seats=40")

    def change(current: store.Catalogue) -> tuple[store.Catalogue, Place]:
        place = refs.resolve(ref, current.places)
        changed = editing.apply(place, changes, clock.today())
        if changed.city != place.city:
            spelt = city_as_spelt(changed.city, changed.country, current.places)
            changed = replace(changed, city=spelt)
        places = [changed if p.id == place.id else p for p in current.places]
        return current.with_places(places), changed

    return store.update(_path(catalogue), change)


def remove_place(ref: str, *, catalogue: CataloguePath = None, exact: bool = False) -> Place:
    """Remove the place ``ref`` names and return it. ``exact``: ``ref`` must be the exact
    id or name (no id prefix), as for a removal nobody confirms."""
    from nomadspot import refs, store

    def delete(current: store.Catalogue) -> tuple[store.Catalogue, Place]:
        place = refs.resolve(ref, current.places, exact=exact)
        return current.with_places([p for p in current.places if p.id != place.id]), place

    return store.update(_path(catalogue), delete)


def log_visit(
    ref: str,
    *,
    date: str | dt.date | None = None,
    rating: int | str | None = None,
    wifi_mbps: float | str | None = None,
    note: str | None = None,
    catalogue: CataloguePath = None,
) -> Place:
    """Log a visit (default: today; ``date`` also takes ``20/11/2026``, ``hier``...; a
    future day is refused) and return the place, whose ``checked`` date it moves forward."""
    from nomadspot import clock, store
    from nomadspot.refs import resolve

    visit = _visit(date, rating, wifi_mbps, note, clock.today())

    def log(current: store.Catalogue) -> tuple[store.Catalogue, Place]:
        place = resolve(ref, current.places).with_visit(visit)
        places = [place if p.id == place.id else p for p in current.places]
        return current.with_places(places), place

    return store.update(_path(catalogue), log)


def _visit(
    date: str | dt.date | None,
    rating: int | str | None,
    wifi_mbps: float | str | None,
    note: str | None,
    today: dt.date,
) -> Visit:
    from nomadspot.editing import given

    values = {"date": date, "rating": rating, "wifi_mbps": wifi_mbps, "note": note}
    typed = {
        spec.name: given(spec, values[spec.name], today)
        for spec in VISIT_FIELDS
        if values[spec.name] is not None
    }
    day = typed.pop("date", today)
    if day > today:
        raise UsageError(f"--date {day.isoformat()} is in the future (today is {today})")
    return Visit(date=day, **typed)


def stale_places(
    *,
    older_than: str | dt.timedelta = DEFAULT_AGE,
    city: str | None = None,
    catalogue: CataloguePath = None,
    note: Note | None = None,
) -> list[StalePlace]:
    """The places whose facts were last checked longer ago than ``older_than`` (``"1y"``,
    ``"6mo"``, ``"90d"`` or a timedelta), never-checked first, then the oldest; each with
    its ``last_checked`` date and what is ``unknown`` about it."""
    from nomadspot import clock

    age = older_than if isinstance(older_than, dt.timedelta) else parse_age(older_than)
    return stale(select(_read(catalogue, note), city=city), age, clock.today())
