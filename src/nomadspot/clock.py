"""The current local time, injectable: ``NOMADSPOT_NOW=2026-11-24T09:00`` makes every
command (``--at now``, ``show``'s week, ``visit``'s date) run at that moment. Tests and
reproducible bug reports use it."""

from __future__ import annotations

import datetime as dt
import os

from nomadspot.errors import UsageError


def now() -> dt.datetime:
    fixed = os.environ.get("NOMADSPOT_NOW")
    if fixed:
        try:
            return dt.datetime.fromisoformat(fixed).replace(tzinfo=None)
        except ValueError as error:
            raise UsageError(f"NOMADSPOT_NOW={fixed!r} is not an ISO date-time") from error
    return dt.datetime.now().replace(microsecond=0)


def today() -> dt.date:
    return now().date()
