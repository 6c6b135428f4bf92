"""``nomadspot check``: everything wrong in a catalogue, each with its place and field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nomadspot import codec, store
from nomadspot.codec import Problem
from nomadspot.duplicates import duplicate_problems
from nomadspot.hours import as_meant, validate
from nomadspot.model import Place


@dataclass(frozen=True, slots=True)
class Report:
    source: Path
    places: int
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> int:
        return sum(1 for problem in self.problems if problem.error)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def hours_problems(places: list[Place]) -> list[Problem]:
    found = []
    for place in places:
        if place.opening_hours is not None:
            reason = validate(place.opening_hours)
            if reason is not None:
                found.append(
                    Problem(
                        place.id,
                        "opening_hours",
                        f"{place.opening_hours!r} does not parse: {reason}",
                    )
                )
            elif (meant := as_meant(place.opening_hours)).fixed:
                found.append(Problem(place.id, "opening_hours", meant.warning, error=False))
    return found


def check_text(text: str, path: Path) -> Report:
    """Syntax errors raise ``CatalogueError`` (exit 3) with line and column; everything
    else is collected."""
    try:
        document = store.parse_toml(text, path)
        decoded = codec.decode(document)
    except codec.InvalidCatalogue as invalid:
        raw = document.get("place")
        count = len(raw) if isinstance(raw, list) else 0
        return Report(path, count, tuple(invalid.problems))
    except codec.NewerVersion as newer:
        raise store.decode_error(path, newer) from newer
    places = list(decoded.places)
    return Report(path, len(places), tuple(problems_of(places)))


def problems_of(places: list[Place]) -> list[Problem]:
    """What a catalogue that decodes may still hold: hours that do not parse (errors),
    unknown amenities, unparsed imported hours and likely duplicate places (warnings)."""

    return hours_problems(places) + codec.warnings(places) + duplicate_problems(places)


def check_file(path: Path) -> Report:
    text = store.read_text(path)
    if text is None:  # removed between the caller's check and now
        return Report(path, 0, ())
    return check_text(text, path)


def check_example(note: Callable[[str], None]) -> Report:
    catalogue = store.example()
    assert catalogue.path is not None
    note(f"note: no catalogue yet; checking the example catalogue ({catalogue.path})")
    places = list(catalogue.places)
    return Report(catalogue.path, len(places), tuple(problems_of(places)))
