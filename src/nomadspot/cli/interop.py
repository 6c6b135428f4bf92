"""``nomadspot import`` and ``nomadspot export``."""

# Without ``from __future__ import annotations``, for Typer: see cli/application.py.

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from nomadspot.cli.application import app
from nomadspot.cli.common import (
    CityFilter,
    KindFilter,
    TagFilter,
    complete_kind,
    eprint,
    state,
)
from nomadspot.cli.fieldoptions import IncludePrivate
from nomadspot.errors import NoResultError, UsageError
from nomadspot.vocabulary import parse_kind

IMPORT_FORMATS = ("osm", "geojson", "csv", "toml")
EXPORT_FORMATS = ("geojson", "csv", "json", "toml")


def _parse_map(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        key, sep, source_field = pair.partition("=")
        if not sep or not key.strip() or not source_field.strip():
            raise UsageError(f"--map {pair!r} must look like KEY=FIELD, e.g. name=NOM_TL")
        mapping[key.strip()] = source_field.strip()
    return mapping


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr when it is a terminal; nothing in a pipe, nor with
    NO_COLOR (a bar redraws itself with escape sequences)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "reading",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("import", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _locate(lat: float, lon: float) -> tuple[str, str] | None:
    from nomadspot.gazetteer import nearest_commune

    town = nearest_commune(lat, lon)
    return None if town is None else (town.name, town.country)


@app.command("import")
def import_places(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="File to import.", dir_okay=False)],
    source_format: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="osm (Overpass API JSON), geojson, csv or toml (another nomadspot "
            "catalogue). Guessed from the file when absent.",
            metavar="FORMAT",
        ),
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="Read catalogue key KEY from the file's column or property FIELD "
            "(repeatable): --map name=NOM_TL",
            metavar="KEY=FIELD",
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help="Kind of the records that have none.", autocompletion=complete_kind
        ),
    ] = None,
    city: Annotated[
        str | None,
        typer.Option(
            "--city", help="City of the records that have none (default: the nearest town)."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
) -> None:
    """Add or update places from OpenStreetMap, GeoJSON, CSV or another catalogue.

    Re-importing the same file adds nothing.
    It keeps your visits, notes, tags and the amenities you set by hand.

    Example: nomadspot import tiers-lieux.csv --map name=NOM_TL --map city=NOMCOM --map lat=LAT --map lon=LONG --kind tiers_lieu
    """
    from nomadspot import store
    from nomadspot.clock import today
    from nomadspot.interop import importing

    source_format = source_format.strip().lower() if source_format is not None else None
    if source_format is not None and source_format not in IMPORT_FORMATS:
        raise UsageError(f"--from {source_format!r}: use one of " + ", ".join(IMPORT_FORMATS))
    options = importing.ImportOptions(
        fmt=source_format,  # type: ignore[arg-type]
        mapping=_parse_map(mapping or []),
        kind=parse_kind(kind) if kind else None,
        city=city.strip() if city and city.strip() else None,
        locate=_locate,
        today=today(),
    )
    with _progress(sys.stderr.isatty() and not os.environ.get("NO_COLOR")) as progress:
        batch = importing.require_places(importing.read_import(file, options, progress), file)
    path = state(ctx).catalogue_path

    def merge(catalogue: store.Catalogue) -> tuple[store.Catalogue, importing.MergeResult]:
        merged = importing.merge_import(catalogue.places, batch)
        return catalogue.with_places(merged.places), merged

    if dry_run:
        current = store.load(path) or store.Catalogue(path=path)
        result = importing.merge_import(current.places, batch)
    else:
        result = store.update(path, merge)
    from nomadspot.interop.summary import summary_lines
    from nomadspot.output import Sink

    Sink().write("\n".join(summary_lines(batch, result, dry_run)) + "\n")


@app.command("export")
def export_places(
    ctx: typer.Context,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help="geojson (uMap, QGIS, geojson.io), csv (spreadsheets; import reads "
            "it back), json, or toml (a nomadspot catalogue).",
        ),
    ] = "geojson",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to FILE (atomically) instead of stdout.",
            dir_okay=False,
            metavar="FILE",
        ),
    ] = None,
    city: CityFilter = None,
    kind: KindFilter = None,
    tag: TagFilter = None,
    include_private: IncludePrivate = False,
) -> None:
    """Write places in a format other tools read.

    Private values (wifi passwords...) stay out unless --include-private.

    Example: nomadspot export --format geojson --city Paris --output paris.geojson
    """
    from nomadspot.interop.exporting import export_text
    from nomadspot.selection import select

    format = format.strip().lower()  # --format GeoJSON is geojson
    if format not in EXPORT_FORMATS:
        raise UsageError(f"--format {format!r}: use one of " + ", ".join(EXPORT_FORMATS))
    places = select(state(ctx).read_catalogue().places, city=city, kinds=kind, tags=tag)
    if not places:
        raise NoResultError("no place matches; nothing was written")
    if not include_private:
        places = [place.without_private() for place in places]
    text = export_text(places, format)  # type: ignore[arg-type]
    if output is None:
        from nomadspot.output import Sink

        Sink().write(text)
        return
    from nomadspot.store import refuse_output_onto, write_atomic

    refuse_output_onto(output, state(ctx).catalogue_path)
    write_atomic(output, text, keep_backup=False)
    eprint(f"Wrote {len(places)} place{'' if len(places) == 1 else 's'} to {output}.")
