"""nomadspot: your own catalogue of places to work and meet, ranked for a meeting.

The library API (the command line is built on it)::

    import nomadspot
    ranking = nomadspot.find(city="Vienne", needs=["wifi"], catalogue="catalogue.toml")
    for result in ranking.results:
        print(result.id, result.score, result.reasons)

Names are imported on first use, so ``import nomadspot`` stays light for the CLI.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Public name -> the module that defines it.
_API: dict[str, str] = {
    "find": "nomadspot.finding",
    "list_places": "nomadspot.api",
    "get_place": "nomadspot.api",
    "add_place": "nomadspot.api",
    "edit_place": "nomadspot.api",
    "remove_place": "nomadspot.api",
    "log_visit": "nomadspot.api",
    "stale_places": "nomadspot.api",
}

__all__ = [
    "__version__",
    "add_place",
    "edit_place",
    "find",
    "get_place",
    "list_places",
    "log_visit",
    "remove_place",
    "stale_places",
]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
