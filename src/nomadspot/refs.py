"""Place references typed by people: an id, a unique id prefix, or a name (case- and
accent-insensitive)."""

from __future__ import annotations

from collections.abc import Sequence

from nomadspot.errors import NotFoundError, UsageError
from nomadspot.model import Place
from nomadspot.text import fold


def _describe(place: Place) -> str:
    return f"{place.id} ({place.name}, {place.city})"


def resolve(ref: str, places: Sequence[Place], *, exact: bool = False) -> Place:
    """The one place ``ref`` names. Ambiguous: ``UsageError`` (exit 2) listing candidates;
    none: ``NotFoundError`` (exit 1) with the closest names. ``exact``: only the exact id
    or name (case and accents aside), never an id prefix: for what nobody confirms."""
    if not ref.strip():
        raise UsageError("empty place reference", hint="give an id, an id prefix or a name")
    found = by_id_or_name(ref, places)
    if found is None and not exact:
        found = by_id_prefix(ref, places)
    if found is None:
        raise NotFoundError(f"no place matches {ref!r}", hint=_closest_hint(ref, places))
    return found


def by_id_or_name(ref: str, places: Sequence[Place], *, flag: str = "") -> Place | None:
    """The place with id ``ref``, else the one place of that name (case and accents
    ignored), else None. A name several places share raises ``UsageError``; ``flag``
    (e.g. ``"--near "``) starts its message."""
    wanted = ref.strip()
    for place in places:
        if place.id == wanted:
            return place
    key = fold(ref)
    by_name = [place for place in places if key and fold(place.name) == key]
    if len(by_name) > 1:
        raise _ambiguous(ref, by_name, flag)
    return by_name[0] if by_name else None


def by_id_prefix(ref: str, places: Sequence[Place], *, flag: str = "") -> Place | None:
    """The one place whose id starts with ``ref``, else None; several raise
    ``UsageError`` as ``by_id_or_name`` does."""
    prefix = ref.strip().lower()
    by_prefix = [place for place in places if prefix and place.id.startswith(prefix)]
    if len(by_prefix) > 1:
        raise _ambiguous(ref, by_prefix, flag)
    return by_prefix[0] if by_prefix else None


def _ambiguous(ref: str, candidates: Sequence[Place], flag: str = "") -> UsageError:
    shown = ", ".join(_describe(place) for place in candidates[:8])
    more = f" and {len(candidates) - 8} more" if len(candidates) > 8 else ""
    return UsageError(
        f"{flag}{ref!r} matches {len(candidates)} places: {shown}{more}", hint="use the id"
    )


def _closest_hint(ref: str, places: Sequence[Place]) -> str | None:
    import difflib

    names = {fold(place.name): place for place in places}
    names.update({place.id: place for place in places})
    close = difflib.get_close_matches(fold(ref), list(names), n=3, cutoff=0.5)
    if not close:
        return "'nomadspot list' shows every place" if places else "the catalogue is empty"
    return "closest: " + ", ".join(_describe(names[key]) for key in close)
