"""Commands that manage the catalogue: init, add, list, show, edit, remove, visit, check,
config. Each parses its options, calls one function, and hands the result to a renderer."""

# Without ``from __future__ import annotations``, for Typer: see cli/application.py.

import dataclasses
import sys
from typing import Annotated, Any

import typer

from nomadspot.cli.application import app
from nomadspot.cli.common import (
    CityFilter,
    FormatOption,
    KindFilter,
    RefArgument,
    TagFilter,
    eprint,
    state,
)
from nomadspot.cli.fieldoptions import IncludePrivate, changes, field_options
from nomadspot.errors import CatalogueError, NoResultError, UsageError
from nomadspot.fields import VISIT_FIELDS

# --- init --------------------------------------------------------------------------------


@app.command()
def init(
    ctx: typer.Context,
    examples: Annotated[
        bool,
        typer.Option(
            "--examples", help="Start with the example places instead of an empty catalogue."
        ),
    ] = False,
) -> None:
    """Create your catalogue (empty, or with the example places). Never overwrites one.

    Example: nomadspot init --examples
    """
    from nomadspot import store

    path = state(ctx).catalogue_path
    catalogue = store.example() if examples else store.Catalogue()
    store.create(path, store.Catalogue(catalogue.places, catalogue.extra, path))
    eprint(
        f"Created {path} with {len(catalogue.places)} place"
        f"{'' if len(catalogue.places) == 1 else 's'}."
    )


# --- add ---------------------------------------------------------------------------------


@app.command()
@field_options(required=("kind", "city"), skip=("name",))
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The place's name.", metavar="NAME")],
    *,
    place_id: Annotated[
        str | None,
        typer.Option(
            "--id", metavar="ID", help="Choose the id (default: derived from name and city)."
        ),
    ] = None,
    **values: Any,
) -> None:
    """Add a place and print its new id (and nothing else) on stdout.

    Example: nomadspot add "La Pépinière" --kind pépinière --city Vienne --wifi --hours "Mo-Fr 08:30-18:00; PH off"
    """
    from nomadspot import api

    given = changes(values)
    kind, city = given.pop("kind"), given.pop("city")
    catalogue = state(ctx).catalogue_path
    place = api.add_place(
        name, kind=kind, city=city, catalogue=catalogue, place_id=place_id, **given
    )
    print(place.id)


# --- list --------------------------------------------------------------------------------


@app.command("list")
def list_places(
    ctx: typer.Context,
    city: CityFilter = None,
    kind: KindFilter = None,
    tag: TagFilter = None,
    format: FormatOption = None,
    include_private: IncludePrivate = False,
) -> None:
    """List places, sorted by city then name. Exit 1 when none matches.

    Example: nomadspot list --city Paris --kind coworking --format json
    """
    from nomadspot import api

    run = state(ctx)
    renderer = run.renderer(format)
    places = api.list_places(
        city=city,
        kinds=kind or (),
        tags=tag or (),
        catalogue=run.catalogue_option,
        include_private=include_private,
        note=eprint,
    )
    if not places:
        raise NoResultError(
            "no place matches" if (city or kind or tag) else "the catalogue has no places yet",
            hint="add one with 'nomadspot add', or import a file",
        )
    renderer.places(places)


# --- show --------------------------------------------------------------------------------


@app.command()
def show(ctx: typer.Context, ref: RefArgument, format: FormatOption = None) -> None:
    """Show one place in full, with its opening hours for the coming seven days.

    Also its wifi readings with their dates, and its private values.

    Example: nomadspot show la-cantine
    """
    from nomadspot import api, clock, hours

    run = state(ctx)
    renderer = run.renderer(format)
    place = api.get_place(ref, catalogue=run.catalogue_option, note=eprint)
    week = hours.place_week(place, clock.today()) if place.opening_hours else None
    renderer.place(place, week)


# --- edit --------------------------------------------------------------------------------


@app.command()
@field_options()
def edit(ctx: typer.Context, ref: RefArgument, **values: Any) -> None:
    """Change a place's fields; with no field option, edit its TOML in $VISUAL/$EDITOR.

    The edited text is validated before anything is saved.
    An empty value ("") clears an optional field; --tag adds a tag.
    --private KEY=VALUE adds or changes a private value; KEY= removes it.

    Example: nomadspot edit la-cantine --seats 40 --power --price-day 15
    """
    from nomadspot import api, editing

    path = state(ctx).catalogue_path
    given = changes(values)
    if editing.is_empty(given):
        from nomadspot.cli import editor

        editor.edit_in_editor(path, ref)
        return
    eprint(f"Updated {api.edit_place(ref, catalogue=path, **given).id}.")


# --- remove ------------------------------------------------------------------------------


@app.command()
def remove(
    ctx: typer.Context,
    ref: RefArgument,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove a place. Asks first, unless --yes; off a terminal --yes is required.

    With --yes, REF must be the exact id or name (no id prefix).

    Example: nomadspot remove e-dune --yes
    """

    from nomadspot import api

    path = state(ctx).catalogue_path
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(
                "remove asks for confirmation, and stdin is not a terminal",
                hint="add --yes (with the exact id or name) to remove without asking",
            )
        place = api.get_place(ref, catalogue=path)
        if not _confirm(f"Remove {place.id} ({place.name}, {place.city})?"):
            eprint("nothing removed")
            return
        ref = place.id
    eprint(f"Removed {api.remove_place(ref, catalogue=path, exact=True).id}.")


def _confirm(question: str) -> bool:
    """Ask on stderr, read the answer on stdin; stdout stays for data (click's prompt
    writes a space there)."""

    from nomadspot.output.sanitize import neutralise_stream

    sys.stderr.write(neutralise_stream(question) + " [y/N]: ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().casefold() in ("y", "yes", "o", "oui")


# --- visit -------------------------------------------------------------------------------


def _visit_option(name: str) -> Any:
    option = next(spec.option for spec in VISIT_FIELDS if spec.name == name)
    assert option is not None
    return typer.Option(option.flag, metavar=option.metavar, help=option.help)


@app.command()
def visit(
    ctx: typer.Context,
    ref: RefArgument,
    rating: Annotated[str | None, _visit_option("rating")] = None,
    wifi_mbps: Annotated[str | None, _visit_option("wifi_mbps")] = None,
    note: Annotated[str | None, _visit_option("note")] = None,
    date: Annotated[str | None, _visit_option("date")] = None,
) -> None:
    """Log a visit. Ratings and measured wifi raise a place in 'find'.

    A visit also confirms the place's facts that day (see 'stale').

    Example: nomadspot visit la-cantine --rating 4 --wifi-mbps 35.5 --note "Busy at lunch."
    """
    from nomadspot import api, clock
    from nomadspot.timeparse import parse_day

    day = parse_day(date, clock.today()) if date is not None else clock.today()
    path = state(ctx).catalogue_path
    place = api.log_visit(
        ref, date=day, rating=rating, wifi_mbps=wifi_mbps, note=note, catalogue=path
    )
    eprint(f"Logged a visit to {place.id} on {day.isoformat()}.")


# --- stale -------------------------------------------------------------------------------


@app.command()
def stale(
    ctx: typer.Context,
    older_than: Annotated[
        str,
        typer.Option(
            "--older-than",
            metavar="AGE",
            help="Checked longer ago than AGE: 90d, 6w, 6mo, 1y (default 1y).",
            show_default=False,
        ),
    ] = "1y",
    city: CityFilter = None,
    format: FormatOption = None,
) -> None:
    """List the places to re-check, never checked first, then the oldest.

    Each comes with what is still unknown about it. Exit 1 when none.

    Example: nomadspot stale --older-than 6mo --city Lyon
    """
    from nomadspot import api

    run = state(ctx)
    renderer = run.renderer(format)
    entries = api.stale_places(
        older_than=older_than, city=city, catalogue=run.catalogue_option, note=eprint
    )
    if not entries:
        where = f" in {city}" if city else ""
        raise NoResultError(f"every place{where} was checked within {older_than}")
    renderer.stale(entries)


# --- check -------------------------------------------------------------------------------


@app.command()
def check(ctx: typer.Context) -> None:
    """Validate the catalogue. Prints one problem a line; exit 3 on errors.

    It checks syntax, opening_hours, duplicate ids, unknown kinds and amenities, lat/lon.

    Example: nomadspot check && git commit -am "more cafés"
    """
    from nomadspot import checking
    from nomadspot.output import Sink
    from nomadspot.output.sanitize import neutralise

    run = state(ctx)
    path = run.catalogue_path
    report = checking.check_file(path) if path.exists() else checking.check_example(eprint)
    sink = Sink()
    for problem in report.problems:
        # One problem a line, whatever the data holds: newlines in it are escaped too.
        label = "error: " if problem.error else "warning: "
        sink.write(label + neutralise(str(problem)) + "\n")
    summary = (
        f"{report.places} place{'' if report.places == 1 else 's'} checked: "
        f"{report.errors} error{'' if report.errors == 1 else 's'}, "
        f"{report.warnings} warning{'' if report.warnings == 1 else 's'}"
    )
    if report.errors:
        raise CatalogueError(f"{report.source}: {summary}")
    eprint(summary)


# --- config ------------------------------------------------------------------------------


@app.command()
def config(ctx: typer.Context) -> None:
    """Print the catalogue and config paths in use and the defaults in force.

    Example: nomadspot config
    """
    from nomadspot.paths import cache_dir

    run = state(ctx)
    path = run.catalogue_path
    settings = run.config
    catalogue_note = run.catalogue_note()
    lines = [
        f"catalogue = {path}{catalogue_note}",
        f"config = {settings.path}{'' if settings.exists else '  (not found: built-in defaults)'}",
        f"cache = {cache_dir()}",
        *settings.describe(),
    ]
    from nomadspot.ranking import DEFAULT_WEIGHTS, Weights

    weights = Weights.from_mapping(settings.weights) if settings.weights else DEFAULT_WEIGHTS

    lines += [
        f"weights.{f.name} = {getattr(weights, f.name):g}" for f in dataclasses.fields(weights)
    ]
    from nomadspot.output import Sink

    Sink().write("\n".join(lines) + "\n")
