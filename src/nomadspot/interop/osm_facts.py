"""The facts people ask about, from OpenStreetMap tags: sockets, paid or free wifi, seats,
when the facts were last checked, and whether the place still exists.

Pure functions of a tags mapping (Overpass ``tags``, GeoJSON properties, flattened
``addr_street``-style keys), like ``osm``: a value of the wrong type reads as absent and
nothing raises. The values returned are the catalogue's words (``catalogue.md``):
sockets ``plenty|limited|ask|none``, status ``open|closed``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from nomadspot.fields import MAX_SEATS
from nomadspot.interop.osm import tag, values

# service:electricity (https://wiki.openstreetmap.org/wiki/Key:service:electricity):
# may customers charge their devices here?
SOCKETS = {"yes": "plenty", "limited": "limited", "ask": "ask", "no": "none"}
# internet_access:fee=customers (free for customers) or =no (free for all) says there is
# internet access; =yes (paid) says nothing about whether a laptop worker gets wifi.
FREE_INTERNET = frozenset({"customers", "no"})

# Lifecycle prefixes (https://wiki.openstreetmap.org/wiki/Lifecycle_prefix): the feature
# is no longer what the key says. ``was:`` is the same without the lifecycle meaning,
# used by StreetComplete for shops that closed.
LIFECYCLE_PREFIXES = (
    "disused:",
    "was:",
    "abandoned:",
    "closed:",
    "demolished:",
    "razed:",
    "removed:",
    "destroyed:",
)
FEATURE_KEYS = ("amenity", "shop", "tourism", "office", "leisure", "craft")
CLOSED_HOURS = frozenset({"closed", "off"})

# check_date and survey:date (https://wiki.openstreetmap.org/wiki/Key:check_date), and
# check_date:KEY for one fact. Their flattened spellings (check_date_opening_hours) too.
CHECK_KEYS = ("check_date", "survey:date", "survey_date")
CHECK_PREFIXES = ("check_date:", "check_date_")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
# The first OpenStreetMap edits: an earlier date is a typo.
EARLIEST = dt.date(2004, 8, 1)
_SEATS = re.compile(r"^\+?[0-9]{1,7}$")


# Every key that ``sockets``, ``seats``, ``checked`` and the lifecycle functions read
# starts with one of these (flattened spellings too): most elements have none, and
# ``mentions_facts`` lets them skip those look-ups at once.
FACT_KEY_STARTS = (
    "service:electricity",
    "service_electricity",
    "capacity",
    "check_date",
    "survey",
    *LIFECYCLE_PREFIXES,
    *(prefix.replace(":", "_") for prefix in LIFECYCLE_PREFIXES),
)


def mentions_facts(tags: Mapping[str, Any]) -> bool:
    """Whether the tags hold any key of ``FACT_KEY_STARTS``."""
    return any(isinstance(key, str) and key.startswith(FACT_KEY_STARTS) for key in tags)


def sockets(tags: Mapping[str, Any]) -> str | None:
    """``plenty``, ``limited``, ``ask`` or ``none`` from ``service:electricity``."""
    found = values(tags, "service:electricity")
    return SOCKETS.get(found[0]) if len(found) == 1 else None


def power(tags: Mapping[str, Any]) -> bool | None:
    """Whether a visitor may use a socket, as ``service:electricity`` says (the
    ``socket:*`` tags say it too: ``osm.amenities``)."""
    found = sockets(tags)
    return None if found is None else found != "none"


def free_wifi(tags: Mapping[str, Any]) -> bool | None:
    """True when ``internet_access:fee`` says customers (or everyone) use it for free,
    unless ``internet_access=no`` says there is none; else None (unknown)."""
    if values(tags, "internet_access") == ["no"]:
        return None
    fee = values(tags, "internet_access:fee")
    return True if fee and all(value in FREE_INTERNET for value in fee) else None


def seats(tags: Mapping[str, Any]) -> int | None:
    """``capacity:seats``, else ``capacity``, when it is a clean whole number."""
    for key in ("capacity:seats", "capacity"):
        text = tag(tags, key)
        if text is not None:
            if not _SEATS.match(text):
                return None
            number = int(text)
            return number if number <= MAX_SEATS else None
    return None


def check_date(text: str | None, today: dt.date | None = None) -> dt.date | None:
    """A check date as mappers write it: ``2023-05-12``, ``2023-05`` (read as the first of
    May: the facts are at least that old) or ``2023``. None for anything else, for a date
    before OpenStreetMap, or after ``today``."""
    if text is None:
        return None
    match = _DATE.match(text.strip())
    if match is None:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    if date < EARLIEST or (today is not None and date > today):
        return None
    return date


def checked(tags: Mapping[str, Any], today: dt.date | None = None) -> dt.date | None:
    """The latest of ``check_date``, every ``check_date:*`` and ``survey:date``."""
    texts = [tag(tags, key) for key in CHECK_KEYS]
    texts += [
        tag(tags, key) for key in tags if isinstance(key, str) and key.startswith(CHECK_PREFIXES)
    ]
    dates = [date for date in (check_date(text, today) for text in texts) if date is not None]
    return max(dates) if dates else None


def live_feature(tags: Mapping[str, Any]) -> bool:
    return any(tag(tags, key) is not None for key in FEATURE_KEYS)


def former_feature(tags: Mapping[str, Any]) -> dict[str, str]:
    """What a closed place was, as plain tags: ``{"amenity": "cafe"}`` from
    ``disused:amenity=cafe``, so that its kind still reads (``osm.kind``)."""
    found: dict[str, str] = {}
    for prefix in LIFECYCLE_PREFIXES:
        for key in FEATURE_KEYS:
            value = tag(tags, prefix + key)
            if value is not None and key not in found:
                found[key] = value
    return found


def closed(tags: Mapping[str, Any]) -> bool:
    """Whether the place is closed for good: ``closed_by_hours`` or
    ``closed_by_lifecycle``."""
    return closed_by_hours(tags) or closed_by_lifecycle(tags)


def closed_by_hours(tags: Mapping[str, Any]) -> bool:
    """``opening_hours=closed`` (or ``off``, its synonym)."""
    found = values(tags, "opening_hours")
    return len(found) == 1 and found[0] in CLOSED_HOURS


def closed_by_lifecycle(tags: Mapping[str, Any]) -> bool:
    """A lifecycle-prefixed feature and no live one (a café tagged ``was:amenity=bar`` is
    a café that used to be a bar). Only elements that ``mentions_facts`` can be."""
    return not live_feature(tags) and bool(former_feature(tags))


def status(tags: Mapping[str, Any]) -> str | None:
    """``closed`` when the tags say so, else None (open, or the tags do not say)."""
    return "closed" if closed(tags) else None


def kind_tags(tags: Mapping[str, Any]) -> Mapping[str, Any]:
    """The tags to read the kind from: the element's own, or, for a closed place with no
    live feature tag, what it was (``disused:amenity=cafe`` reads as a café)."""
    if live_feature(tags):
        return tags
    former = former_feature(tags)
    return {**tags, **former} if former else tags
