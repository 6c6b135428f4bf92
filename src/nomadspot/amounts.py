"""Amounts as people type them: ``--budget``, ``--price-hour``, ``--price-day``,
``--price-room-hour``.

Accepted: ``40``, ``40.5``, ``40,5`` (a French decimal comma), ``40 €``, ``40€``, ``€40``,
``40 EUR``, ``EUR 40``, ``40 euros``, with spaces (also non-breaking) anywhere around the
number. The currency mark is only allowed, never converted: an amount is in the
catalogue's currency. A thousands separator is refused (``1,000`` or ``1.000.5``: which is
it?), and so are negative, infinite and NaN amounts.
"""

from __future__ import annotations

import math
import re

from nomadspot.errors import UsageError

__all__ = ["AMOUNT_FORMS", "parse_amount"]

AMOUNT_FORMS = "'40', '40.5', '40,5', '40 €', '40€' or 'EUR 40'"
MAX_AMOUNT = 1_000_000_000.0  # above any price of a meeting place

_CURRENCY = r"(?:€|eur|euros?)"
_AMOUNT = re.compile(
    rf"^(?:{_CURRENCY}\s*)?(?P<units>\d+)(?:[.,](?P<cents>\d+))?(?:\s*{_CURRENCY})?$",
    re.IGNORECASE,
)


def parse_amount(text: str, option: str = "amount") -> float:
    """The amount ``text`` means; ``option`` names it in the error. Raises ``UsageError``
    (exit 2) with the accepted forms."""
    compact = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    match = _AMOUNT.match(compact)
    if match is None:
        raise UsageError(f"{option} {text!r} is not an amount; use {AMOUNT_FORMS}")
    value = float(f"{match.group('units')}.{match.group('cents') or '0'}")
    if not math.isfinite(value) or value > MAX_AMOUNT:
        raise UsageError(f"{option} {text!r} is too large; use {AMOUNT_FORMS}")
    return value
