"""How much each soft criterion counts: the defaults, and the config's ``[weights]``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Final

from nomadspot.errors import UsageError


@dataclass(frozen=True, slots=True)
class Weights:
    """The weight of each criterion in the score (a weighted mean of values in [0, 1]).
    Overridable by name in the config's ``[weights]``."""

    needs: float = 2.0
    """Each requirement (a required amenity; the hours with --at): confirmed, likely or
    unknown."""
    distance: float = 3.0
    """The distance the farthest participant travels (or all of them, --objective total)."""
    fit: float = 1.0
    """How well the kind of place suits the party size (a café for 2, a room for 6)."""
    prefer: float = 1.5
    """Share of --prefer wishes the place is known to have."""
    closing_margin: float = 0.5
    """Time left between the end of the meeting and closing (full at 2 hours or more)."""
    rating: float = 1.0
    """Average rating of the user's visits (few visits count towards 3/5)."""
    wifi: float = 0.5
    """Measured wifi speed (saturates around 50-100 Mbps)."""
    sockets: float = 0.5
    """With --power: plenty of sockets, limited, or ask."""
    freshness: float = 0.1
    """Facts checked in the last two years rank a little above older or never checked ones."""

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Weights:
        """Defaults overridden by ``values`` (the config's ``[weights]``). A key that is not
        a weight, or a value that is not a number between 0 and 1000, raises ``UsageError``."""
        known = [item.name for item in fields(cls)]
        chosen: dict[str, float] = {}
        for key, value in values.items():
            if key not in known:
                raise UsageError(
                    f"[weights] {key!r} is not a weight nomadspot knows",
                    hint="weights: " + ", ".join(known),
                )
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or not 0 <= value <= MAX_WEIGHT
            ):
                raise UsageError(
                    f"[weights] {key} must be a number from 0 to {MAX_WEIGHT:g}, not {value!r}"
                )
            chosen[key] = float(value)
        return cls(**chosen)


MAX_WEIGHT: Final = 1000.0  # beyond it a weighted sum of a few criteria loses no meaning,
# but 1e308 overflows to inf and every score becomes nan
DEFAULT_WEIGHTS: Final = Weights()

WEIGHT_HELP: Final[dict[str, str]] = {
    "needs": "each requirement (amenity, hours): confirmed, likely for the kind, or unknown",
    "distance": "the farthest participant's distance (or the total); 10 km halves it",
    "fit": "how well the kind of place suits the party size",
    "prefer": "share of --prefer wishes the place is known to have",
    "closing_margin": "time between the end of the meeting and closing (full at 2 h)",
    "rating": "average rating of your visits (few visits count towards 3/5)",
    "wifi": "measured wifi speed (saturates around 50-100 Mbps)",
    "sockets": "with --power: plenty of sockets, limited, or ask",
    "freshness": "facts checked in the last two years rank a little higher",
}
