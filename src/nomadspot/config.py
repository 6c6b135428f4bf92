"""The user's config file: ``[defaults]`` for flags and ``[weights]`` for ranking.

Flags override the config; the config overrides built-in defaults. A missing file is an
empty config; a file that does not parse or holds a wrong value is an error (exit 2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nomadspot.errors import UsageError
from nomadspot.paths import config_path

DEFAULT_KEYS = ("city", "country", "people", "duration", "needs", "format", "limit")


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    exists: bool = False
    city: str | None = None
    country: str | None = None
    people: int | None = None
    duration: str | None = None
    needs: tuple[str, ...] = ()
    format: str | None = None
    limit: int | None = None
    weights: Mapping[str, Any] = field(default_factory=dict)


def _bad(path: Path, key: str, message: str) -> UsageError:
    return UsageError(f"{path}: [defaults] {key} {message}", hint="fix or remove that line")


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        data = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path)
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read the config file {path}: {error}") from error
    import tomli

    try:
        document = tomli.loads(data)
    except tomli.TOMLDecodeError as error:
        raise UsageError(f"the config file {path} is not valid TOML: {error}") from error
    defaults = document.get("defaults", {})
    weights = document.get("weights", {})
    if not isinstance(defaults, dict):
        raise UsageError(f"{path}: [defaults] must be a table")
    if not isinstance(weights, dict):
        raise UsageError(f"{path}: [weights] must be a table")
    for key in defaults:
        if key not in DEFAULT_KEYS:
            raise _bad(path, key, "is not a setting nomadspot knows: " + ", ".join(DEFAULT_KEYS))
    text_values: dict[str, str | None] = {}
    for key in ("city", "country", "duration", "format"):
        value = defaults.get(key)
        if value is not None and not isinstance(value, str):
            raise _bad(path, key, "must be text")
        text_values[key] = value
    people = defaults.get("people")
    if people is not None and (
        isinstance(people, bool) or not isinstance(people, int) or people < 1
    ):
        raise _bad(path, "people", "must be a whole number of at least 1")
    limit = defaults.get("limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise _bad(path, "limit", "must be a whole number of at least 1")
    needs = defaults.get("needs", [])
    if not isinstance(needs, list) or not all(isinstance(need, str) for need in needs):
        raise _bad(path, "needs", 'must be a list of amenities, like ["wifi", "power"]')
    country = text_values["country"]
    return Config(
        path=path,
        exists=True,
        city=text_values["city"],
        country=country.upper() if country else None,
        people=people,
        duration=text_values["duration"],
        needs=tuple(needs),
        format=text_values["format"],
        limit=limit,
        weights=weights,
    )
