"""Import, stage 4: merging the imported places into the catalogue.

A place is matched by its ``source``, else by its name and city; an update keeps what the
user made their own (visits, notes, tags, amenities set by hand, private values). After
the merge, ``merge_import`` marks closed the places that a fresh export of the same source
and area no longer holds (``vanished``) and finds the likely duplicates the import made
(``duplicates``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from nomadspot.duplicates import LikelyDuplicate, involving, likely_duplicates
from nomadspot.interop.mapping import ImportBatch, Namer
from nomadspot.interop.vanished import vanished
from nomadspot.model import Place, Price, Visit
from nomadspot.text import fold, fold_cached
from nomadspot.vocabulary import Sockets, Status

K = TypeVar("K")


@dataclass(frozen=True)
class MergeResult:
    """The catalogue's places after an import, with what changed: counts, the ids of the
    places added or updated (``changed``), the places marked closed because the file no
    longer holds them (``closed``; ``vanish_refused`` when too many were missing to
    believe it, see ``vanished``), and the likely duplicates among the changed places."""

    places: tuple[Place, ...]
    added: int
    updated: int
    unchanged: int
    changed: frozenset[str] = frozenset()
    closed: tuple[str, ...] = ()
    vanish_refused: bool = False
    duplicates: tuple[LikelyDuplicate, ...] = ()


def _key(place: Place) -> tuple[str, str]:
    return fold(place.name), fold_cached(place.city)


def merge(existing: Sequence[Place], incoming: Sequence[Place]) -> MergeResult:
    """Add the incoming places, or update the places they are already in the catalogue as.

    A place is the same when it has the same ``source``; without a source, when it has
    the same name and city (ignoring case, accents and separators), each catalogue place
    matching at most one record of the batch (two "Starbucks, Paris" stay two). A record
    with a source that matches no place's source may also update a place of the same name
    and city that has no source yet (a place added by hand, now linked to OpenStreetMap).

    An update keeps the place's id and the user's own fields: visits (the batch's visits
    are added when new), notes and tags (taken from the batch only when the place has
    none), unknown keys, and every amenity the batch says nothing about. Other fields
    take the batch's value when it has one. New places get unique ids (``-2``,
    ``-3``...). Order: the existing places as they were, then the new ones."""
    places = list(existing)
    index = _Index()
    for position, place in enumerate(places):
        index.add(place, position)
    claimed: set[int] = set()
    changed: set[str] = set()
    namer = Namer({place.id for place in places})
    added = updated = unchanged = 0
    for new in incoming:
        match = index.match(new, claimed)
        if match is None:
            new_id = namer(new.id)
            place = new if new_id == new.id else replace(new, id=new_id)
            position = len(places)
            places.append(place)
            index.add(place, position)
            added += 1
            changed.add(place.id)
        else:
            position = match
            old = places[position]
            place = update_place(old, new)
            if place == old:
                unchanged += 1
            else:
                places[position] = place
                index.moved(old, place, position)
                updated += 1
                changed.add(place.id)
        claimed.add(position)
    return MergeResult(tuple(places), added, updated, unchanged, frozenset(changed))


class _Index:
    """The catalogue's places by source, by name and city, and (for a place added by hand
    that an import may now link to its source) by name and city among those without one."""

    def __init__(self) -> None:
        self.by_source: _Candidates[str] = _Candidates()
        self.by_key: _Candidates[tuple[str, str]] = _Candidates()
        self.by_key_free: _Candidates[tuple[str, str]] = _Candidates()

    def add(self, place: Place, position: int) -> None:
        if place.source is not None:
            self.by_source.add(place.source, position)
        else:
            self.by_key_free.add(_key(place), position)
        self.by_key.add(_key(place), position)

    def moved(self, old: Place, new: Place, position: int) -> None:
        """An update changed the place's name, city or source: find it by the new ones."""
        if _key(new) != _key(old):
            self.by_key.add(_key(new), position)
        if new.source is not None and new.source != old.source:
            self.by_source.add(new.source, position)

    def match(self, new: Place, claimed: set[int]) -> int | None:
        """The position of the place ``new`` updates, or None for a new place."""
        if new.source is None:
            return self.by_key.first(_key(new), claimed)
        # the next place with this source; when the batch holds the same element again,
        # the place it already updated
        match = self.by_source.first(new.source, claimed)
        if match is None:
            match = self.by_source.any(new.source)
        if match is None:
            match = self.by_key_free.first(_key(new), claimed)
        return match


def merge_import(existing: Sequence[Place], batch: ImportBatch) -> MergeResult:
    """``merge`` the batch, then mark closed the places of the same source, kinds and area
    that the file no longer holds (``vanished``), and find the likely duplicates that the
    import's places make (``duplicates``)."""
    result = merge(existing, batch.places)
    # Only records whose source is the file's own (OpenStreetMap ids, the census's ID) say
    # what the source holds now; a catalogue or a nomadspot export says nothing of it.
    native = [place for place in batch.places if place.source in batch.seen]
    gone = vanished(result.places, native, batch.seen)
    places = list(result.places)
    closed: list[str] = []
    for position in gone.positions:
        if places[position].status is not Status.CLOSED:
            places[position] = replace(places[position], status=Status.CLOSED)
            closed.append(places[position].id)
    pairs = involving(likely_duplicates(places), result.changed) if result.changed else []
    return replace(
        result,
        places=tuple(places),
        closed=tuple(closed),
        vanish_refused=gone.refused,
        duplicates=tuple(pairs),
    )


class _Candidates(Generic[K]):
    """Positions of places by key (a source, or a name and city); ``first`` skips the
    places already claimed in this merge, and forgets those at the front so a batch of
    same-named places stays linear."""

    def __init__(self) -> None:
        self.lists: dict[K, list[int]] = {}
        self.start: dict[K, int] = {}

    def add(self, key: K, position: int) -> None:
        self.lists.setdefault(key, []).append(position)

    def any(self, key: K) -> int | None:
        positions = self.lists.get(key)
        return positions[0] if positions else None

    def first(self, key: K, claimed: set[int]) -> int | None:
        positions = self.lists.get(key)
        if not positions:
            return None
        start = self.start.get(key, 0)
        while start < len(positions) and positions[start] in claimed:
            start += 1
        self.start[key] = start
        for position in positions[start:]:
            if position not in claimed:
                return position
        return None


def _pick(new: Any, old: Any) -> Any:
    return old if new is None else new


def update_place(old: Place, new: Place) -> Place:
    """``old`` as the import ``new`` says it is now, keeping what the user made his own."""
    hours_given = new.opening_hours is not None or new.opening_hours_raw is not None
    coordinates_given = new.lat is not None and new.lon is not None
    amenities = old.amenities
    if new.amenities and any(old.amenities.get(k) != v for k, v in new.amenities.items()):
        amenities = {**old.amenities, **new.amenities}
    extra = old.extra
    if any(key not in old.extra for key in new.extra):
        extra = {**new.extra, **old.extra}
    return replace(
        old,
        name=new.name,
        kind=new.kind,
        city=new.city,
        country=_pick(new.country, old.country),
        address=_pick(new.address, old.address),
        lat=new.lat if coordinates_given else old.lat,
        lon=new.lon if coordinates_given else old.lon,
        opening_hours=new.opening_hours if hours_given else old.opening_hours,
        opening_hours_raw=new.opening_hours_raw if hours_given else old.opening_hours_raw,
        seats=_pick(new.seats, old.seats),
        meeting_room_seats=_pick(new.meeting_room_seats, old.meeting_room_seats),
        wifi_mbps=_pick(new.wifi_mbps, old.wifi_mbps),
        website=_pick(new.website, old.website),
        phone=_pick(new.phone, old.phone),
        tags=old.tags or new.tags,
        notes=_pick(old.notes, new.notes),
        source=_pick(new.source, old.source),
        # An import says "closed" (or a catalogue "temporarily_closed"); it cannot say
        # "open" apart from "nothing said", so it never reopens a place.
        status=old.status if new.status is Status.OPEN else new.status,
        checked=_latest(old.checked, new.checked),
        time_limit=_pick(new.time_limit, old.time_limit),
        **_power_agrees(amenities, _pick(new.sockets, old.sockets), new),
        price=_merge_price(old.price, new.price),
        visits=_merge_visits(old.visits, new.visits),
        private={**new.private, **old.private} if new.private else old.private,
        extra=extra,
    )


def _latest(old: dt.date | None, new: dt.date | None) -> dt.date | None:
    return old if new is None or (old is not None and old >= new) else new


def _power_agrees(
    amenities: Mapping[str, bool], sockets: Sockets | None, new: Place
) -> dict[str, Any]:
    """The merged ``amenities`` and ``sockets``, made to agree on power: the import's fact
    wins over the catalogue's (its sockets; else its power, which leaves a catalogue's
    sockets unknown, or ``none`` for no power)."""
    power = amenities.get("power")
    if sockets is None or power is None or sockets.power == power:
        return {"amenities": amenities, "sockets": sockets}
    if new.sockets is not None:
        return {"amenities": {**amenities, "power": new.sockets.power}, "sockets": sockets}
    return {"amenities": amenities, "sockets": None if power else Sockets.NONE}


def _merge_price(old: Price | None, new: Price | None) -> Price | None:
    if new is None or old is None:
        return old if new is None else new
    merged = Price(
        hour=_pick(new.hour, old.hour),
        day=_pick(new.day, old.day),
        room_hour=_pick(new.room_hour, old.room_hour),
        currency=_pick(new.currency, old.currency),
        extra={**new.extra, **old.extra} if new.extra else old.extra,
    )
    return old if merged == old else merged


def _merge_visits(old: tuple[Visit, ...], new: tuple[Visit, ...]) -> tuple[Visit, ...]:
    fresh = [visit for visit in new if visit not in old]
    if not fresh:
        return old
    return tuple(sorted((*old, *fresh), key=lambda visit: visit.date))
