"""Kinds of places and amenities: canonical keys, French words and common aliases.

The catalogue file always holds the canonical key; people may type any alias, in any case,
with or without accents.
"""

from __future__ import annotations

from enum import Enum

from nomadspot.errors import UsageError
from nomadspot.text import fold


class Kind(str, Enum):
    CAFE = "cafe"
    BRASSERIE = "brasserie"
    RESTAURANT = "restaurant"
    FAST_FOOD = "fast_food"
    HOTEL_LOBBY = "hotel_lobby"
    COWORKING = "coworking"
    PEPINIERE = "pepiniere"
    BUSINESS_CENTRE = "business_centre"
    TELECENTRE = "telecentre"
    TIERS_LIEU = "tiers_lieu"
    LIBRARY = "library"
    AGENCY = "agency"
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


class Amenity(str, Enum):
    WIFI = "wifi"
    POWER = "power"
    MEETING_ROOM = "meeting_room"
    QUIET = "quiet"
    COFFEE = "coffee"
    FOOD = "food"
    PRINTER = "printer"
    PROJECTOR = "projector"
    PHONE_BOOTH = "phone_booth"
    PARKING = "parking"
    ACCESSIBLE = "accessible"
    AIR_CONDITIONING = "air_conditioning"
    OUTDOOR = "outdoor"
    LOCKERS = "lockers"
    KITCHEN = "kitchen"
    SHOWERS = "showers"
    CALLS = "calls"
    LAPTOPS = "laptops"

    def __str__(self) -> str:
        return self.value


class Status(str, Enum):
    """Whether a place still receives people: ``find`` excludes both closed states."""

    OPEN = "open"
    TEMPORARILY_CLOSED = "temporarily_closed"
    CLOSED = "closed"

    def __str__(self) -> str:
        return self.value


class Sockets(str, Enum):
    """How many power sockets a visitor finds; refines the ``power`` amenity."""

    PLENTY = "plenty"
    LIMITED = "limited"
    ASK = "ask"  # ask the staff
    NONE = "none"

    def __str__(self) -> str:
        return self.value

    @property
    def power(self) -> bool:
        """The ``power`` amenity this implies."""
        return self is not Sockets.NONE


KIND_ALIASES: dict[Kind, tuple[str, ...]] = {
    Kind.CAFE: (
        "café",
        "coffee shop",
        "coffeeshop",
        "coffee",
        "salon de thé",
        "tea room",
        "bar à café",
    ),
    Kind.BRASSERIE: ("bar", "pub", "bistro", "bistrot"),
    Kind.RESTAURANT: ("resto",),
    Kind.FAST_FOOD: ("fast food", "restauration rapide"),
    Kind.HOTEL_LOBBY: (
        "hotel",
        "hôtel",
        "lobby",
        "hall d'hôtel",
        "hall d'hotel",
        "hall hôtel",
        "hotel bar",
    ),
    Kind.COWORKING: (
        "espace de coworking",
        "coworking space",
        "cowork",
        "co-working",
        "espace coworking",
    ),
    Kind.PEPINIERE: (
        "pépinière",
        "pépinière d'entreprises",
        "incubator",
        "incubateur",
        "business incubator",
        "hôtel d'entreprises",
    ),
    Kind.BUSINESS_CENTRE: (
        "business center",
        "centre d'affaires",
        "centre des affaires",
        "conference centre",
        "conference center",
        "centre de conférences",
    ),
    Kind.TELECENTRE: ("télécentre", "telecenter", "télé-centre", "telecentre rural"),
    Kind.TIERS_LIEU: (
        "tiers-lieu",
        "tiers lieu",
        "tiers-lieux",
        "third place",
        "fablab",
        "fab lab",
    ),
    Kind.LIBRARY: ("bibliothèque", "médiathèque", "bibliotheque", "mediatheque"),
    Kind.AGENCY: ("agence", "partner", "partner office", "partenaire", "bureau", "office"),
    Kind.OTHER: ("autre",),
}

AMENITY_ALIASES: dict[Amenity, tuple[str, ...]] = {
    Amenity.WIFI: ("wi-fi", "internet", "wlan", "wireless"),
    Amenity.POWER: (
        "sockets",
        "socket",
        "outlets",
        "outlet",
        "prises",
        "prise",
        "plugs",
        "électricité",
    ),
    Amenity.MEETING_ROOM: (
        "salle de réunion",
        "salle de reunion",
        "meeting",
        "room",
        "salle",
        "meeting rooms",
        "salles de réunion",
    ),
    Amenity.QUIET: ("calme", "silence", "silent", "silencieux"),
    Amenity.COFFEE: ("café",),
    Amenity.FOOD: ("nourriture", "restauration", "repas", "meals", "lunch"),
    Amenity.PRINTER: ("imprimante", "printing", "impression"),
    Amenity.PROJECTOR: ("projecteur", "vidéoprojecteur", "videoprojecteur", "beamer", "screen"),
    Amenity.PHONE_BOOTH: ("phone booth", "call booth", "cabine", "cabine téléphonique", "phonebox"),
    Amenity.PARKING: ("stationnement",),
    Amenity.ACCESSIBLE: (
        "wheelchair",
        "step-free",
        "accessibilité",
        "accessibilite",
        "pmr",
        "handicap",
    ),
    Amenity.AIR_CONDITIONING: ("clim", "climatisation", "ac", "a/c", "aircon", "air conditioning"),
    Amenity.OUTDOOR: ("terrasse", "outdoor seating", "terrace", "extérieur"),
    Amenity.LOCKERS: ("casiers", "casier", "locker"),
    Amenity.KITCHEN: ("cuisine", "kitchenette"),
    Amenity.SHOWERS: ("douches", "douche", "shower"),
    Amenity.CALLS: (
        "call",
        "phone calls",
        "video calls",
        "visio",
        "visioconférence",
        "appels",
        "appel",
        "appels vidéo",
        "téléphoner",
    ),
    Amenity.LAPTOPS: (
        "laptop",
        "laptop friendly",
        "laptops welcome",
        "ordinateur",
        "ordinateurs",
        "ordinateur portable",
        "ordinateurs portables",
        "portables",
    ),
}


def _index(aliases: dict[Kind, tuple[str, ...]] | dict[Amenity, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, words in aliases.items():
        for word in (canonical.value, *words):
            index[fold(word)] = canonical.value
    return index


_KIND_INDEX = _index(KIND_ALIASES)
_AMENITY_INDEX = _index(AMENITY_ALIASES)
KIND_KEYS: tuple[str, ...] = tuple(kind.value for kind in Kind)
AMENITY_KEYS: tuple[str, ...] = tuple(amenity.value for amenity in Amenity)


def find_kind(text: str) -> Kind | None:
    """The kind a word names, or None."""
    key = _KIND_INDEX.get(fold(text))
    return Kind(key) if key is not None else None


def find_amenity(text: str) -> Amenity | None:
    """The amenity a word names, or None."""
    key = _AMENITY_INDEX.get(fold(text))
    return Amenity(key) if key is not None else None


def parse_kind(text: str) -> Kind:
    kind = find_kind(text)
    if kind is None:
        raise UsageError(f"unknown kind {text!r}", hint="kinds: " + ", ".join(KIND_KEYS))
    return kind


def parse_amenity(text: str) -> Amenity:
    amenity = find_amenity(text)
    if amenity is None:
        raise UsageError(f"unknown amenity {text!r}", hint="amenities: " + ", ".join(AMENITY_KEYS))
    return amenity
