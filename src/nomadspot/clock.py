"""The current moment, injectable: ``NOMADSPOT_NOW=2026-11-24T09:00+01:00`` makes every
command (``--at now``, ``show``'s week, ``visit``'s date) run at that moment. Tests and
reproducible bug reports use it.

``now()`` is an instant (an aware datetime): ``find --open-now`` judges each place at its
own local time then, whatever the zone of the machine. ``NOMADSPOT_NOW`` takes ISO 8601
with an offset (``Z``, ``+01:00``), or without one, then in the machine's time zone. A
value that is not ISO 8601, or that the machine's zone cannot place (the last minutes of
year 9999 west of Greenwich), is a usage error (exit 2) naming the variable.
"""

from __future__ import annotations

import datetime as dt
import os

from nomadspot.errors import UsageError


def now() -> dt.datetime:
    """This moment, aware, in the machine's time zone (or ``NOMADSPOT_NOW``'s offset)."""
    fixed = os.environ.get("NOMADSPOT_NOW")
    if fixed:
        try:
            moment = dt.datetime.fromisoformat(fixed.strip())
        except ValueError as error:
            raise UsageError(
                f"NOMADSPOT_NOW={fixed!r} is not an ISO 8601 date-time",
                hint="e.g. NOMADSPOT_NOW=2026-11-24T09:00+01:00 (or without the offset: "
                "the machine's time zone)",
            ) from error
        if moment.tzinfo is not None:
            return moment
        try:
            return moment.astimezone()  # the machine's zone, as the wall clock shows it
        except (OverflowError, OSError, ValueError) as error:
            raise UsageError(
                f"NOMADSPOT_NOW={fixed!r} is out of the range this machine's clock can place",
                hint="give a date-time between the years 1 and 9999 with its offset",
            ) from error
    return dt.datetime.now().astimezone().replace(microsecond=0)


def today() -> dt.date:
    """Today's date on the user's clock."""
    return now().date()
