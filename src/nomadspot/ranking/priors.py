"""What a kind of place almost always has when the catalogue does not say.

An amenity that is required, unknown for the place and listed here for its kind is
"likely": it ranks between confirmed and unknown, and the result says so
(``wifi likely (coworking)``). Only the kinds whose very purpose includes the amenity are
listed; a café's wifi, however common, stays unknown.
"""

from __future__ import annotations

from typing import Final

from nomadspot.vocabulary import Kind

LIKELY: Final[dict[Kind, frozenset[str]]] = {
    # A coworking space rents desks to people who work on laptops: internet and power at
    # the desk are what is sold (OSM's amenity=coworking_space is "a place where people
    # can go to work").
    Kind.COWORKING: frozenset({"wifi", "power"}),
    # A pépinière d'entreprises hosts young companies in furnished offices with shared
    # services (network, meeting rooms): the offices come with internet and power.
    Kind.PEPINIERE: frozenset({"wifi", "power"}),
    # A télécentre is by definition a shared office for remote workers: connectivity is
    # its reason to exist.
    Kind.TELECENTRE: frozenset({"wifi", "power"}),
    # A business centre rents serviced offices and meeting rooms by the hour: connected
    # desks are part of every offer.
    Kind.BUSINESS_CENTRE: frozenset({"wifi", "power"}),
    # Hotels offer wifi to guests nearly everywhere, lobby included; sockets in a lobby are
    # a matter of luck, so power is not listed.
    Kind.HOTEL_LOBBY: frozenset({"wifi"}),
}


_NOTHING: Final[frozenset[str]] = frozenset()


def likely(kind: Kind, amenity: str) -> bool:
    """Whether ``amenity`` is likely at a place of this ``kind`` when unknown."""
    return amenity in LIKELY.get(kind, _NOTHING)
