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
from nomadspot.vocabulary import AMENITY_KEYS, find_amenity

DEFAULT_KEYS = ("city", "country", "people", "duration", "needs", "format", "limit")
NOT_SET = "(not set)"


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

    def describe(self) -> list[str]:
        """The defaults in force, one ``defaults.KEY = value`` line each: a value left unset
        is said so, with the built-in default where there is one."""

        def shown(value: object, builtin: str | None = None) -> str:
            if value not in (None, ()):
                return ", ".join(value) if isinstance(value, tuple) else str(value)
            return f"{NOT_SET}, built-in: {builtin}" if builtin else NOT_SET

        return [
            f"defaults.city = {shown(self.city)}",
            f"defaults.country = {shown(self.country, 'FR')}",
            f"defaults.people = {shown(self.people, '2')}",
            f"defaults.duration = {shown(self.duration, '1h')}",
            f"defaults.needs = {shown(self.needs)}",
            f"defaults.format = {shown(self.format, 'table on a terminal, tsv in a pipe')}",
            f"defaults.limit = {shown(self.limit, '10 rows in a table, all otherwise')}",
        ]


def _bad(path: Path, key: str, message: str, table: str = "defaults") -> UsageError:
    return UsageError(f"{path}: [{table}] {key} {message}", hint="fix or remove that line")


def _whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _canonical_needs(path: Path, needs: object) -> tuple[str, ...]:
    """The amenities of ``needs`` by their canonical names (``prises`` is ``power``)."""
    if not isinstance(needs, list) or not all(isinstance(need, str) for need in needs):
        raise _bad(path, "needs", 'must be a list of amenities, like ["wifi", "power"]')
    if not needs:
        return ()

    canonical = []
    for need in needs:
        amenity = find_amenity(need)
        if amenity is None:
            raise _bad(path, "needs", f"holds {need!r}, not an amenity: {', '.join(AMENITY_KEYS)}")
        canonical.append(amenity.value)
    return tuple(dict.fromkeys(canonical))


def _checked_weights(path: Path, weights: Mapping[str, Any]) -> Mapping[str, Any]:
    """The ``[weights]`` table, checked by the ranking's own rule (names and range), the
    message naming this file."""
    if not weights:
        return weights
    from nomadspot.ranking.weights import Weights

    try:
        Weights.from_mapping(weights)
    except UsageError as error:
        raise UsageError(
            f"{path}: {error.message}", hint=error.hint or "fix or remove that line"
        ) from error
    return weights


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
    numbers: dict[str, int | None] = {}
    for key in ("people", "limit"):
        value = defaults.get(key)
        if value is not None and not _whole_number(value):
            raise _bad(path, key, "must be a whole number of at least 1")
        numbers[key] = value
    needs = _canonical_needs(path, defaults.get("needs", []))
    country = text_values["country"]
    return Config(
        path=path,
        exists=True,
        city=text_values["city"],
        country=country.upper() if country else None,
        people=numbers["people"],
        duration=text_values["duration"],
        needs=needs,
        format=text_values["format"],
        limit=numbers["limit"],
        weights=_checked_weights(path, weights),
    )
