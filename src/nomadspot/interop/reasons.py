"""Why an import skips a record, and what to add to the command when it skipped them all.

A record that cannot become a place is skipped and counted under one of these reasons;
the rest of the file still imports. A file where every record is skipped imports nothing
and is refused (exit 2) with its main reason and the option that would have helped.
"""

from __future__ import annotations

from collections.abc import Mapping

from nomadspot.errors import UsageError

NO_NAME = "no name"
NO_KIND = "no usable kind"
NO_CITY = "no city"
OUT_OF_RANGE = "coordinates out of range"
UNREADABLE_COORDINATES = "unreadable coordinates"
NO_TAGS = "no tags (geometry only)"
NOT_AN_ELEMENT = "not an OSM element"
NOT_A_FEATURE = "not a GeoJSON feature"
NOT_A_PLACE = "not a place"
INVALID_PLACE = "invalid place"

# What to add to the command line, per reason; None where no option helps.
HINTS: Mapping[str, str | None] = {
    NO_NAME: "say which column or property holds the name with --map name=COLUMN",
    NO_KIND: "give the kind with --kind K, or read it from a column with --map kind=COLUMN",
    NO_CITY: "give the town with --city C, or read it from a column with --map city=COLUMN",
    OUT_OF_RANGE: (
        "say which columns hold WGS 84 degrees with --map lat=COLUMN --map lon=COLUMN "
        "(a file in Lambert 93 or another projection must be converted first)"
    ),
    UNREADABLE_COORDINATES: (
        "say which columns hold the coordinates with --map lat=COLUMN --map lon=COLUMN"
    ),
    NO_TAGS: "ask Overpass for the tags too (out center tags; or out body;)",
    NOT_AN_ELEMENT: None,
    NOT_A_FEATURE: None,
    NOT_A_PLACE: None,
    INVALID_PLACE: "run nomadspot check on the file to see what is wrong with its places",
}


def main_reason(skipped: Mapping[str, int]) -> str:
    """The reason most records were skipped for (the first named, on a tie)."""
    return max(skipped, key=lambda reason: skipped[reason])


def nothing_imported(name: str, skipped: Mapping[str, int]) -> UsageError:
    """The error for a file of which every record was skipped (``skipped`` not empty):
    how many, why (the main reason first), and what to add."""
    total = sum(skipped.values())
    ordered = sorted(skipped.items(), key=lambda item: -item[1])
    reasons = ", ".join(f"{count:,} {reason}" for reason, count in ordered)
    records = "record" if total == 1 else "records"
    return UsageError(
        f"nothing imported from {name}: all {total:,} {records} skipped ({reasons})",
        hint=HINTS.get(main_reason(skipped)),
    )
