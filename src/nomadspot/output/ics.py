"""The ``ics`` format: find's answer as one iCalendar (RFC 5545) event, for the invite.

The event is the meeting window at the best place (or the one ``--pick`` kept), in the
place's time zone with its VTIMEZONE, so a participant in another zone sees the right
hour and a calendar app shows it on a map (``GEO``, and Apple's structured location,
which Apple Calendar needs and matches against ``LOCATION`` by text).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

import icalendar

from nomadspot import clock, zones
from nomadspot.errors import UsageError
from nomadspot.output import Sink, Week
from nomadspot.output.answer import (
    Json,
    answer_json,
    coordinates,
    facts,
    location_text,
    moment,
    osm_url,
)

if TYPE_CHECKING:
    from nomadspot.freshness import StalePlace
    from nomadspot.model import Place
    from nomadspot.ranking import Ranking

PRODID = "-//nomadspot//find//EN"
APPLE_RADIUS_M = 70  # how close Apple Calendar's travel time aims: a building


class IcsRenderer:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    def places(self, places: Sequence[Place]) -> None:
        raise _for_find_only()

    def place(self, place: Place, week: Week | None) -> None:
        raise _for_find_only()

    def stale(self, entries: Sequence[StalePlace]) -> None:
        raise _for_find_only()

    def ranking(self, ranking: Ranking, *, explain: bool) -> None:
        data = answer_json(ranking)
        text = calendar_text(data["query"], data["results"][0], stamp=clock.now())
        # RFC 5545 lines end with CRLF; a terminal shows them better without the CR.
        self.sink.write(text.replace("\r\n", "\n") if self.sink.is_terminal else text)


def _for_find_only() -> UsageError:
    return UsageError(
        "the ics format writes a meeting's event: use it with find",
        hint='nomadspot find ... --at "mardi 10h" --format ics',
    )


def calendar_text(query: Json, result: Json, *, stamp: dt.datetime) -> str:
    """The calendar for ``result`` (one of find's JSON results, with its ``place`` keys)
    during the window of ``query``. ``stamp`` is when it was made (DTSTAMP)."""

    start, end = _window(query, result)
    location = location_text(result)
    event = icalendar.Event.new(
        uid=meeting_uid(result, start, end),
        summary=f"Meeting at {result['name']}",
        start=start,
        end=end,
        stamp=_utc(stamp),
        location=location,
        description="\n".join(facts(query, result)),
        url=osm_url(result),
    )
    where = coordinates(result)
    if where is not None:
        event.add("geo", where)
        event.add(
            "x-apple-structured-location",
            icalendar.vUri(f"geo:{where[0]},{where[1]}"),
            parameters={
                "VALUE": "URI",
                "X-ADDRESS": location,
                "X-APPLE-RADIUS": str(APPLE_RADIUS_M),
                "X-TITLE": location,
            },
        )
    calendar = icalendar.Calendar.new(
        prodid=PRODID, uid=event.uid, subcomponents=[event], method="PUBLISH"
    )
    if start.tzinfo is not None:
        _add_time_zone(calendar, start, end)
    data: bytes = calendar.to_ical()
    return data.decode("utf-8")


def _window(query: Json, result: Json) -> tuple[dt.datetime, dt.datetime]:
    """The meeting's start and end in the place's zone; floating (no zone) when the zone
    is unknown, which calendars read as the wall-clock time wherever they are."""

    start, end = moment(query.get("start")), moment(query.get("end"))
    if start is None or end is None:
        raise UsageError(
            "--format ics needs --at: a calendar event needs the meeting's time",
            hint='for example: nomadspot find ... --at "mardi 10h" --for 2h --format ics',
        )
    place: Json = result.get("place") or {}
    zone = zones.zone_of(place.get("country") or result.get("country"), coordinates(result))
    if zone is None:
        return (start.replace(tzinfo=None), end.replace(tzinfo=None))
    duration = end - start
    local_start = start.astimezone(zone) if start.tzinfo else start.replace(tzinfo=zone)
    local_end = (local_start.astimezone(dt.UTC) + duration).astimezone(zone)
    if _ambiguous(local_end):  # in the hour the clocks go back: say which one, in UTC
        local_end = local_end.astimezone(dt.UTC)
    return (local_start, local_end)


def _ambiguous(local: dt.datetime) -> bool:
    """A wall-clock time that happens twice (RFC 5545 reads it as the first)."""
    return local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset()


def _utc(stamp: dt.datetime) -> dt.datetime:
    """A naive ``stamp`` is the machine's local time."""
    return stamp.astimezone(dt.UTC)


def meeting_uid(result: Json, start: dt.datetime, end: dt.datetime) -> str:
    """The same meeting (place and window) gives the same UID, so importing the invite
    again updates the event instead of adding a second one."""
    window = f"{_utc_text(start)}/{_utc_text(end)}"
    digest = hashlib.sha256(f"{result['id']}\n{window}".encode()).hexdigest()[:32]
    return f"{digest}@nomadspot"


def _utc_text(moment: dt.datetime) -> str:
    return (moment.astimezone(dt.UTC) if moment.tzinfo else moment).isoformat()


def _add_time_zone(calendar: icalendar.Calendar, start: dt.datetime, end: dt.datetime) -> None:
    """The VTIMEZONE of the event's zone, with the transitions of the meeting's years only
    (the whole tz history would be hundreds of lines)."""
    calendar.add_missing_timezones(
        first_date=dt.date(start.year, 1, 1), last_date=dt.date(end.year + 1, 1, 1)
    )
