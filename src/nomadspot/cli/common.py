"""What the commands share: the global state, option types, completion and messages."""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from nomadspot.config import Config
    from nomadspot.output import Renderer
    from nomadspot.store import Catalogue


def eprint(message: str) -> None:
    """A message for the person (stderr), never data. Control characters are escaped."""
    from nomadspot.output.sanitize import neutralise_stream

    if sys.stderr is None:  # started with stderr closed: print(file=None) would use stdout
        return
    with contextlib.suppress(OSError):  # a message that cannot be shown is no new error
        print(neutralise_stream(message), file=sys.stderr)


# Commands that create the catalogue when it is missing, and ``config``, which says so.
CREATING_COMMANDS = frozenset({"init", "add", "import"})
MAY_BE_MISSING = CREATING_COMMANDS | {"config"}


def as_path(option: str | None) -> Path | None:
    """``--catalogue``'s text as a path (Typer hands it over as text)."""
    return None if option is None else Path(option)


@dataclass
class State:
    """Resolved once per run from the global options, the environment and the config."""

    catalogue_option: Path | None = None
    command: str | None = None
    _config: Config | None = field(default=None, repr=False)
    _catalogue: Path | None = field(default=None, repr=False)
    _signature: tuple[int, int, int] | None = field(default=None, repr=False)

    @property
    def catalogue_named(self) -> str | None:
        """Who named the catalogue explicitly (``--catalogue`` or the environment), if anyone.
        Only a catalogue nobody named falls back to the example one when it is missing."""
        from nomadspot.paths import catalogue_named

        return catalogue_named(self.catalogue_option)

    @property
    def catalogue_path(self) -> Path:
        """The catalogue file. One named explicitly that does not exist is an error (exit 3)
        for every command but those that create it and ``config``."""
        if self._catalogue is None:
            from nomadspot.paths import catalogue_path

            path = catalogue_path(self.catalogue_option)
            named = self.catalogue_named
            if named and self.command not in MAY_BE_MISSING and not _present(path):
                from nomadspot.errors import CatalogueError

                raise CatalogueError(
                    f"no catalogue at {path} (named by {named})",
                    hint="check the path, or create the catalogue there with 'nomadspot init'",
                )
            self._catalogue, self._signature = path, _signature(path)
        return self._catalogue

    def catalogue_note(self) -> str:
        """What ``config`` says after the catalogue's path when the file is not there."""
        if _present(self.catalogue_path):
            return ""
        if self.catalogue_named:
            return f"  (does not exist yet: 'nomadspot init' creates it; named by {self.catalogue_named})"
        return "  (not created yet: read-only commands show the example catalogue)"

    def catalogue_changed(self) -> Path | None:
        """The catalogue's path if this run changed the file since it first resolved it."""
        if self._catalogue is None:
            return None
        now = _signature(self._catalogue)
        return self._catalogue if now is not None and now != self._signature else None

    @property
    def config(self) -> Config:
        if self._config is None:
            from nomadspot.config import load_config

            self._config = load_config()
        return self._config

    def read_catalogue(self, city: str | None = None) -> Catalogue:
        """For read-only commands: the user's catalogue, or the example one (with a note);
        with ``city``, only that city's places (``Catalogue.elsewhere`` counts the rest)."""
        from nomadspot.store import load_for_reading

        return load_for_reading(self.catalogue_path, eprint, city=city)

    def renderer(self, name: str | None) -> Renderer:
        from nomadspot.output import renderer_for

        return renderer_for(name or self.config.format)


def _present(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_ino, status.st_size, status.st_mtime_ns)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, State) else State()


# --- completion --------------------------------------------------------------------------


def _completion_catalogue(ctx: typer.Context) -> Catalogue | None:
    """The catalogue completion reads, by the same rule as a command: a missing catalogue
    named explicitly offers nothing, a missing default one the example places."""
    try:
        run = State(catalogue_option=as_path(ctx.find_root().params.get("catalogue")))
        from nomadspot.store import example, load

        catalogue = load(run.catalogue_path)
        return catalogue if catalogue is not None else example()
    except Exception:  # completion must never fail loudly
        return None


def complete_ref(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from nomadspot.output.sanitize import neutralise

    catalogue = _completion_catalogue(ctx)
    if catalogue is None:
        return []
    return [
        (neutralise(place.id), completion_help(f"{place.name}, {place.city}"))
        for place in catalogue.places
        if place.id.startswith(incomplete)
    ]


def completion_help(text: str) -> str:
    """Data as a completion menu shows it: control characters escaped, and for zsh (whose
    menu text Typer renders as rich markup) the markup escaped, so it shows as typed."""
    from nomadspot.output.sanitize import neutralise

    text = neutralise(text)
    if os.environ.get("_NOMADSPOT_COMPLETE", "").endswith("_zsh"):
        from rich.markup import escape

        text = escape(text)
    return text


def complete_city(ctx: typer.Context, incomplete: str) -> list[str]:
    from nomadspot.output.sanitize import neutralise
    from nomadspot.text import fold

    catalogue = _completion_catalogue(ctx)
    if catalogue is None:
        return []
    key = fold(incomplete)
    cities = {place.city for place in catalogue.places if fold(place.city).startswith(key)}
    return sorted(neutralise(as_typed(city, incomplete)) for city in cities)


def as_typed(city: str, incomplete: str) -> str:
    """``city`` completed from what was typed: Typer and the shells keep only candidates
    that start with the typed text, case and accents included, while ``--city`` ignores
    both. So ``vie`` completes to ``vienne`` and ``alen`` to ``alençon``, which match
    Vienne and Alençon as typed in full."""
    if city.startswith(incomplete):
        return city
    from nomadspot.text import fold

    key = fold(incomplete)
    for end in range(1, len(city) + 1):
        if fold(city[:end]) == key:
            return incomplete + city[end:]
    return city


def complete_kind(incomplete: str) -> list[str]:
    from nomadspot.vocabulary import KIND_KEYS

    return [kind for kind in KIND_KEYS if kind.startswith(incomplete.lower())]


def complete_amenity(incomplete: str) -> list[str]:
    from nomadspot.vocabulary import AMENITY_KEYS

    return [amenity for amenity in AMENITY_KEYS if amenity.startswith(incomplete.lower())]


def complete_format(incomplete: str) -> list[str]:
    from nomadspot.output import FORMATS

    return [name for name in FORMATS if name.startswith(incomplete)]


def complete_path(incomplete: str) -> list[str]:
    return []  # let the shell complete file names


# --- shared options ----------------------------------------------------------------------

FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="Output format: table, json, csv, tsv, ids, html (a page with a map) or ics "
        "(find: the meeting as a calendar event). Default: table on a terminal, "
        "tsv (with a header line) in a pipe.",
        autocompletion=complete_format,
        show_default=False,
    ),
]
RefArgument = Annotated[
    str,
    typer.Argument(
        help="Place id, unique id prefix, or name.", metavar="REF", autocompletion=complete_ref
    ),
]
CityFilter = Annotated[
    str | None,
    typer.Option(
        "--city",
        help="Only places in this city (case and accents ignored).",
        autocompletion=complete_city,
    ),
]
KindFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--kind", help="Only places of this kind (repeatable).", autocompletion=complete_kind
    ),
]
TagFilter = Annotated[
    list[str] | None,
    typer.Option("--tag", help="Only places with this tag (repeatable: all must match)."),
]
